/**
 * `PUT /admin/stock/{sku}/{warehouseId}` (ops) — a cycle count (`onHand`: sets on hand, records the
 * adjustment, audits it, publishes StockAdjusted) or a split into buckets for a sale (`buckets`,
 * audited). Env: `CATALOG_TABLE_NAME`, `EVENT_BUS_NAME`, `AUDIT_TABLE_NAME`.
 */
import { auditLogFromEnv, type AuditLog } from '../../../shared/audit.ts';
import { systemClock, type Clock } from '../../../shared/clock.ts';
import { eventBridgePublisher, type EventPublisher } from '../../../shared/events.ts';
import { httpHandler, type HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { newId } from '../../../shared/ids.ts';
import { logger } from '../../../shared/observability.ts';
import { catalogRepositoryFromEnv, type CatalogRepository } from '../catalog-repository.ts';
import { putStockRoute } from '../routes.ts';
import { countStock, splitStock } from '../stock-admin.ts';

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
      const split = await splitStock(
        { catalog, audit: (ports.audit ?? auditLogFromEnv)(), clock: ports.clock ?? systemClock },
        { sku: path.sku, warehouseId: path.warehouseId, buckets: body.buckets, ...staff },
      );
      logger.info('stock split into buckets', { sku: path.sku, warehouseId: path.warehouseId, outcome: split.outcome, buckets: body.buckets });
      return { statusCode: 200, body: split.level };
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
