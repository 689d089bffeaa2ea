export const fraudGrants: Record<string, string[]> = {};
