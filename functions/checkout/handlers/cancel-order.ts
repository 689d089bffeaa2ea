/**
 * `POST /orders/{orderId}/cancel` (customer: own, before shipment; ops) — releases stock, publishes
 * OrderCancelled. Env: `ORDERS_TABLE_NAME`, `CATALOG_TABLE_NAME`, `IDEMPOTENCY_TABLE_NAME`,
 * `EVENT_BUS_NAME`, `AUDIT_TABLE_NAME`. A concurrent twin (same key, same body) waits for the first
 * response in the kernel's idempotency layer (shared/idempotency.ts).
 */
import type { AuditLog } from '../../../shared/audit.ts';
import { systemClock, type Clock } from '../../../shared/clock.ts';
import { eventBridgePublisher, type EventPublisher } from '../../../shared/events.ts';
import type { HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { idempotentHttpHandler } from '../../../shared/http/idempotent-handler.ts';
import { checkoutProblem } from './problems.ts';
import { logger } from '../../../shared/observability.ts';
import { auditLog, orderStore } from '../adapters.ts';
import { cancelOrder } from '../cancel-order.ts';
import type { OrderStore } from '../orders-repository.ts';
import { cancelOrderRoute } from '../routes.ts';
import { checkoutSettings } from '../settings.ts';

/** Ports of the handler; each defaults to the real adapter. */
export interface CancelOrderHandlerPorts {
  readonly orders?: () => OrderStore;
  readonly events?: (correlationId: string) => EventPublisher;
  readonly audit?: () => AuditLog;
  readonly clock?: Clock;
}

/** Builds the handler with the given ports. */
export function makeCancelOrderHandler(ports: CancelOrderHandlerPorts = {}): HttpLambdaHandler {
  return idempotentHttpHandler(
    cancelOrderRoute,
    async ({ path, body, principal, correlationId }) => {
      const view = await cancelOrder(
        {
          orders: (ports.orders ?? orderStore)(),
          events: ports.events ? ports.events(correlationId) : eventBridgePublisher({ correlationId }),
          clock: ports.clock ?? systemClock,
          balanceWindowHours: checkoutSettings().presaleBalanceWindowHours,
          audit: (ports.audit ?? auditLog)(),
          log: logger,
        },
        { orderId: path.orderId, principal, ...(body.reason !== undefined ? { reason: body.reason } : {}), correlationId },
      );
      logger.info('order cancelled', { orderId: view.orderId });
      return { statusCode: 200, body: view };
    },
    checkoutProblem,
  );
}

/** The Lambda handler. */
export const handler = makeCancelOrderHandler();
