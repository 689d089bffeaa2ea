export const fulfillmentGrants: Record<string, string[]> = {};
