/**
 * `PUT /admin/products/{sku}` (ops) — create or update a product; publishes ProductChanged.
 * Env: `CATALOG_TABLE_NAME`, `EVENT_BUS_NAME` (and `IDEMPOTENCY_TABLE_NAME`, unused: PUT is
 * idempotent by nature).
 */
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
  readonly clock?: Clock;
}

/** Builds the handler with the given ports. */
export function makePutProductHandler(ports: PutProductHandlerPorts = {}): HttpLambdaHandler {
  let catalog: CatalogRepository | undefined;
  return httpHandler(putProductRoute, async ({ path, body, principal, correlationId }) => {
    catalog ??= (ports.catalog ?? catalogRepositoryFromEnv)();
    const events = ports.events ? ports.events(correlationId) : eventBridgePublisher({ correlationId });
    const result = await putProduct(
      { catalog, events, clock: ports.clock ?? systemClock, currency: getConfig().currency },
      { sku: path.sku, input: body, changedBy: principal.userId },
    );
    return { statusCode: result.outcome === 'created' ? 201 : 200, body: result.product };
  });
}

/** The Lambda handler. */
export const handler = makePutProductHandler();
