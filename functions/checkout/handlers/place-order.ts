/**
 * `POST /orders` (customer, Idempotency-Key) — place an order. Env: `ORDERS_TABLE_NAME`,
 * `CATALOG_TABLE_NAME`, `PAYMENTS_TABLE_NAME` (payment limits, read only), `IDEMPOTENCY_TABLE_NAME`,
 * `FIELD_ENCRYPTION_KEY_ID`, `EVENT_BUS_NAME`; outside dev `RISK_SIGNAL_HMAC_KEY_ID`.
 * Optional header `x-device-id` (risk signal); the source IP is hashed into another.
 *
 * A twin of a request still running (same key, same body) waits for the first one's response:
 * the kernel's idempotency layer does that (shared/idempotency.ts).
 */
import { systemClock, type Clock } from '../../../shared/clock.ts';
import { badRequest } from '../../../shared/errors.ts';
import { eventBridgePublisher, type EventPublisher } from '../../../shared/events.ts';
import type { HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { FieldEncryptor, kmsKeyProvider } from '../../../shared/field-encryption.ts';
import { idempotentHttpHandler } from '../../../shared/http/idempotent-handler.ts';
import { IDEMPOTENCY_ENTITY, type ResponseSealer } from '../../../shared/idempotency.ts';
import { checkoutProblem } from './problems.ts';
import { newId } from '../../../shared/ids.ts';
import { logger, metrics, MetricUnit } from '../../../shared/observability.ts';
import { catalogPort, orderStore, paymentLimitsPort, currentPromotionStore, riskSignalKey, shippingGeography } from '../adapters.ts';
import { toOrderView } from '../domain/order-view.ts';
import type { OrderStore } from '../orders-repository.ts';
import { ORDER_ENTITY, type PersonalDataCipher } from '../personal-data.ts';
import { placeOrder, type PaymentLimitsPort } from '../place-order.ts';
import type { CatalogPort } from '../price-basket.ts';
import type { PromotionStore } from '../promotions-repository.ts';
import { GMV_METRIC, ORDERS_PLACED_METRIC } from '../metrics.ts';
import { placeOrderRoute } from '../routes.ts';
import { checkoutSettings } from '../settings.ts';

/** Device ids: 1–128 printable ASCII characters. */
const DEVICE_ID = /^[\x21-\x7E]{1,128}$/;

/** Ports of the handler; each defaults to the real adapter. */
export interface PlaceOrderHandlerPorts {
  readonly orders?: () => OrderStore;
  readonly catalog?: () => CatalogPort;
  readonly promotions?: () => PromotionStore;
  /** The order's personal data and, with the same keys, the stored response (the idempotency layer's sealer). */
  readonly cipher?: () => PersonalDataCipher & ResponseSealer;
  readonly paymentLimits?: () => PaymentLimitsPort;
  readonly riskSignalKey?: () => Promise<string>;
  readonly events?: (correlationId: string) => EventPublisher;
  readonly clock?: Clock;
}

/** A new customer's order key and stored-response key are created together (one write). */
export const PLACEMENT_KEY_COMPANIONS = { [ORDER_ENTITY]: [IDEMPOTENCY_ENTITY] } as const;

let placementCipher: FieldEncryptor | undefined;

/**
 * The container's field encryptor for `POST /orders`: the order's personal data and the stored
 * response, both under the customer's keys — so a new customer's two keys are created in one write
 * (two KMS data keys, one UpdateItem) instead of one after the other.
 */
function placementFieldEncryptor(): FieldEncryptor {
  placementCipher ??= new FieldEncryptor({ kms: kmsKeyProvider(), customerKeyCompanions: PLACEMENT_KEY_COMPANIONS });
  return placementCipher;
}

/** Builds the handler with the given ports. */
export function makePlaceOrderHandler(ports: PlaceOrderHandlerPorts = {}): HttpLambdaHandler {
  return idempotentHttpHandler(
    placeOrderRoute,
    async ({ body, principal, idempotencyKey, correlationId, event }) => {
      const deviceId = event.headers?.['x-device-id'];
      if (deviceId !== undefined && !DEVICE_ID.test(deviceId)) {
        throw badRequest('The x-device-id header must be 1–128 printable characters.', [{ path: 'headers.x-device-id', message: 'Must be 1–128 printable ASCII characters' }]);
      }
      const sourceIp = event.requestContext?.identity?.sourceIp;
      const { regions, distances } = shippingGeography();
      const result = await placeOrder(
        {
          orders: (ports.orders ?? orderStore)(),
          catalog: (ports.catalog ?? catalogPort)(),
          promotions: (ports.promotions ?? currentPromotionStore)(),
          cipher: (ports.cipher ?? placementFieldEncryptor)(),
          events: ports.events ? ports.events(correlationId) : eventBridgePublisher({ correlationId }),
          clock: ports.clock ?? systemClock,
          newId,
          settings: checkoutSettings(),
          paymentLimits: (ports.paymentLimits ?? paymentLimitsPort)(),
          riskSignalKey: ports.riskSignalKey ?? riskSignalKey(logger),
          regions,
          distances,
          log: logger,
        },
        {
          customerId: principal.userId,
          request: { ...body, ...(body.couponCode !== undefined ? { couponCode: body.couponCode.toUpperCase() } : {}) },
          ...(idempotencyKey ? { idempotencyKey } : {}),
          ...(deviceId ? { deviceId } : {}),
          ...(sourceIp ? { sourceIp } : {}),
          correlationId,
        },
      );
      logger.info('order placed', { orderId: result.order.orderId, created: result.created, lines: result.order.lines.length, reservations: result.order.reservations.length });
      // The operations dashboard's orders per minute and GMV (OPS-1); a replayed request is not a new order.
      if (result.created) {
        metrics.addMetric(ORDERS_PLACED_METRIC, MetricUnit.Count, 1);
        metrics.addMetric(GMV_METRIC, MetricUnit.Count, result.order.total.amount);
      }
      return {
        statusCode: 201,
        headers: { location: `/orders/${result.order.orderId}` },
        body: toOrderView(result.order, result.timeline, { personal: result.personal, reader: 'customer' }),
      };
    },
    checkoutProblem,
    { sealer: ports.cipher ?? placementFieldEncryptor },
  );
}

/** The Lambda handler. */
export const handler = makePlaceOrderHandler();
