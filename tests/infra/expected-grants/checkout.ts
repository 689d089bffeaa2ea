export const checkoutGrants: Record<string, string[]> = {};
