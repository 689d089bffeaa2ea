/** `GET /admin/replenishment/{sku}` (ops) — a SKU's safety-stock and suggestion state (FUL-4). Env: `FULFILLMENT_TABLE_NAME`. */
import { httpHandler, type HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { fulfillmentRepositoryFromEnv, type FulfillmentRepository } from '../fulfillment-repository.ts';
import { windowDays } from '../domain/safety-stock.ts';
import { getReplenishmentRoute } from '../routes.ts';
import { fulfillmentSettings } from '../settings.ts';
import { systemClock, type Clock } from '../../../shared/clock.ts';

/** Builds the handler with the given repository. */
export function makeGetReplenishmentHandler(ports: { repository?: () => FulfillmentRepository; clock?: Clock } = {}): HttpLambdaHandler {
  return httpHandler(getReplenishmentRoute, async ({ path }) => {
    const repository = (ports.repository ?? fulfillmentRepositoryFromEnv)();
    const { windowDays: window } = fulfillmentSettings().safetyStock;
    const days = windowDays((ports.clock ?? systemClock).now(), window);
    const [state, sales] = await Promise.all([repository.getSafetyState(path.sku), repository.salesByDay(path.sku, days[0] as string, days[days.length - 1] as string)]);
    return {
      statusCode: 200,
      body: {
        sku: path.sku,
        open: state.open,
        ...(state.safetyStock !== undefined ? { safetyStock: state.safetyStock } : {}),
        ...(state.lastAvailable !== undefined ? { lastAvailable: state.lastAvailable } : {}),
        ...(state.openedAt ? { openedAt: state.openedAt } : {}),
        ...(state.lastSuggestedAt ? { lastSuggestedAt: state.lastSuggestedAt } : {}),
        ...(state.clearedAt ? { clearedAt: state.clearedAt } : {}),
        suggestions: state.suggestions ?? 0,
        salesWindowDays: window,
        unitsSoldInWindow: [...sales.values()].reduce((a, b) => a + b, 0),
      },
    };
  });
}

/** The Lambda handler. */
export const handler = makeGetReplenishmentHandler();
