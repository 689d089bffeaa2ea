export const paymentsGrants: Record<string, string[]> = {};
