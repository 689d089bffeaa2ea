/**
 * `PUT /admin/products/{sku}` (ops) — create or update a product; publishes ProductChanged.
 * Env: `CATALOG_TABLE_NAME`, `EVENT_BUS_NAME`, `AUDIT_TABLE_NAME` (PUT is idempotent by nature: no
 * Idempotency-Key).
 */
import { auditLogFromEnv, type AuditLog } from '../../../shared/audit.ts';
import type { Clock } from '../../../shared/clock.ts';
import { systemClock } from '../../../shared/clock.ts';
import { getConfig } from '../../../shared/config.ts';
import { eventBridgePublisher, type EventPublisher } from '../../../shared/events.ts';
import { httpHandler, type HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { catalogRepositoryFromEnv, type CatalogRepository } from '../catalog-repository.ts';
import { putProduct } from '../put-product.ts';
import { putProductRoute } from '../routes.ts';

/** Ports of the handler; each defaults to the real adapter (tests replace some). */
export interface PutProductHandlerPorts {
  readonly catalog?: () => CatalogRepository;
  readonly events?: (correlationId: string) => EventPublisher;
  readonly audit?: () => AuditLog;
  readonly clock?: Clock;
}

/** Builds the handler with the given ports. */
export function makePutProductHandler(ports: PutProductHandlerPorts = {}): HttpLambdaHandler {
  let catalog: CatalogRepository | undefined;
  return httpHandler(putProductRoute, async ({ path, body, principal, correlationId }) => {
    catalog ??= (ports.catalog ?? catalogRepositoryFromEnv)();
    const events = ports.events ? ports.events(correlationId) : eventBridgePublisher({ correlationId });
    const { reason, ...input } = body;
    const result = await putProduct(
      { catalog, events, audit: (ports.audit ?? auditLogFromEnv)(), clock: ports.clock ?? systemClock, currency: getConfig().currency },
      { sku: path.sku, input, changedBy: principal.userId, roles: principal.roles, ...(reason !== undefined ? { reason } : {}), correlationId },
    );
    return { statusCode: result.outcome === 'created' ? 201 : 200, body: result.product };
  });
}

/** The Lambda handler. */
export const handler = makePutProductHandler();
