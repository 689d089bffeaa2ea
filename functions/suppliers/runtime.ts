/**
 * The suppliers capability's adapters, from the environment unless a test passes its own:
 * `SUPPLIERS_TABLE_NAME`, `AUDIT_TABLE_NAME` (staff changes and system status changes).
 */
import { auditLogFromEnv, type AuditLog } from '../../shared/audit.ts';
import { systemClock, type Clock } from '../../shared/clock.ts';
import { supplierRepositoryFromEnv, type SupplierRepository } from './supplier-repository.ts';
import type { SupplierDeps } from './suppliers.ts';

/** Ports of the handlers; each defaults to the real adapter. */
export interface SuppliersPorts {
  readonly repository?: () => SupplierRepository;
  readonly audit?: () => AuditLog;
  readonly clock?: Clock;
}

/** The use cases' dependencies over the ports (resolved on each call: nothing is read at import). */
export function suppliersDeps(ports: SuppliersPorts = {}): SupplierDeps {
  return { repository: (ports.repository ?? supplierRepositoryFromEnv)(), audit: (ports.audit ?? auditLogFromEnv)(), clock: ports.clock ?? systemClock };
}
