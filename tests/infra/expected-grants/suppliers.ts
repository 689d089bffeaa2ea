import { audit, idempotency, readWrite } from './helpers.ts';

// SUP-1: supplier records hold no personal data — no field key, no events.
const table = readWrite('SuppliersTable');

export const suppliersGrants: Record<string, string[]> = {
  ServeSuppliersFunction: [...table, ...idempotency, ...audit],
  // The licence sweep suspends (audited as a system action).
  SuspendExpiredLicencesFunction: [...table, ...audit],
};
