/** `PUT /admin/warehouses/{warehouseId}` (ops) — create or replace a warehouse; audited. Env: `CATALOG_TABLE_NAME`, `AUDIT_TABLE_NAME`. */
import { auditLogFromEnv, type AuditLog } from '../../../shared/audit.ts';
import { systemClock, type Clock } from '../../../shared/clock.ts';
import { httpHandler, type HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { catalogRepositoryFromEnv, type CatalogRepository } from '../catalog-repository.ts';
import { putWarehouse } from '../manage-warehouses.ts';
import { putWarehouseRoute } from '../routes.ts';
import { catalogSettings } from '../stock-contract.ts';

/** Ports of the handler; each defaults to the real adapter. */
export interface PutWarehouseHandlerPorts {
  readonly catalog?: () => CatalogRepository;
  readonly audit?: () => AuditLog;
  readonly clock?: Clock;
}

/** Builds the handler with the given ports. */
export function makePutWarehouseHandler(ports: PutWarehouseHandlerPorts = {}): HttpLambdaHandler {
  return httpHandler(putWarehouseRoute, async ({ path, body, principal, correlationId }) => {
    const { reason, ...input } = body;
    const result = await putWarehouse(
      { catalog: (ports.catalog ?? catalogRepositoryFromEnv)(), audit: (ports.audit ?? auditLogFromEnv)(), clock: ports.clock ?? systemClock, regions: catalogSettings().regions },
      { warehouseId: path.warehouseId, input, changedBy: principal.userId, roles: principal.roles, reason, correlationId },
    );
    return { statusCode: result.outcome === 'created' ? 201 : 200, body: result.warehouse };
  });
}

/** The Lambda handler. */
export const handler = makePutWarehouseHandler();
