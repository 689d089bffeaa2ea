/**
 * `PUT /admin/stock/{sku}/{warehouseId}` (ops) — a cycle count (`onHand`: sets on hand, records the
 * adjustment, audits it, publishes StockAdjusted), a split into buckets for a sale (`buckets` 2–64,
 * audited) or the merge of those buckets back after it (`buckets: 1`, audited; 202 while it
 * drains). Env: `CATALOG_TABLE_NAME`, `EVENT_BUS_NAME`, `AUDIT_TABLE_NAME`.
 */
import { auditLogFromEnv, type AuditLog } from '../../../shared/audit.ts';
import { systemClock, type Clock } from '../../../shared/clock.ts';
import { eventBridgePublisher, type EventPublisher } from '../../../shared/events.ts';
import { httpHandler, type HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { newId } from '../../../shared/ids.ts';
import { logger } from '../../../shared/observability.ts';
import { catalogRepositoryFromEnv, type CatalogRepository } from '../catalog-repository.ts';
import { putStockRoute } from '../routes.ts';
import { countStock, mergeStock, splitStock } from '../stock-admin.ts';

/** Ports of the handler; each defaults to the real adapter. */
export interface PutStockHandlerPorts {
  readonly catalog?: () => CatalogRepository;
  readonly events?: (correlationId: string) => EventPublisher;
  readonly audit?: () => AuditLog;
  readonly clock?: Clock;
}

/** Builds the handler with the given ports. */
export function makePutStockHandler(ports: PutStockHandlerPorts = {}): HttpLambdaHandler {
  let catalog: CatalogRepository | undefined;
  return httpHandler(putStockRoute, async ({ path, body, principal, correlationId }) => {
    catalog ??= (ports.catalog ?? catalogRepositoryFromEnv)();
    const staff = { actor: principal.userId, roles: principal.roles, correlationId, reason: body.reason };
    if (body.buckets !== undefined) {
      const deps = { catalog, audit: (ports.audit ?? auditLogFromEnv)(), clock: ports.clock ?? systemClock };
      const stock = { sku: path.sku, warehouseId: path.warehouseId, ...staff };
      const changed = body.buckets === 1 ? await mergeStock(deps, stock) : await splitStock(deps, { ...stock, buckets: body.buckets });
      logger.info('stock buckets changed', { sku: path.sku, warehouseId: path.warehouseId, outcome: changed.outcome, buckets: body.buckets });
      return { statusCode: changed.outcome === 'draining' ? 202 : 200, body: changed.level };
    }
    const result = await countStock(
      {
        catalog,
        events: ports.events ? ports.events(correlationId) : eventBridgePublisher({ correlationId }),
        audit: (ports.audit ?? auditLogFromEnv)(),
        clock: ports.clock ?? systemClock,
        newId: () => newId(),
      },
      { sku: path.sku, warehouseId: path.warehouseId, onHand: body.onHand as number, ...staff },
    );
    logger.info('stock counted', { sku: path.sku, warehouseId: path.warehouseId, outcome: result.outcome, difference: result.difference });
    return { statusCode: 200, body: result.level };
  });
}

/** The Lambda handler. */
export const handler = makePutStockHandler();
