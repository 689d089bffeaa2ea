/**
 * `PUT /orders/{orderId}/shipping-address` (customer: own orders before approval; Idempotency-Key)
 * — corrects the address and publishes OrderAddressCorrected for fraud's re-assessment (ORD-6).
 * Env: `ORDERS_TABLE_NAME`, `CATALOG_TABLE_NAME`, `IDEMPOTENCY_TABLE_NAME`, `EVENT_BUS_NAME`,
 * `FIELD_ENCRYPTION_KEY_ID`, `RISK_SIGNAL_HMAC_KEY_ID`.
 */
import { systemClock, type Clock } from '../../../shared/clock.ts';
import { eventBridgePublisher, type EventPublisher } from '../../../shared/events.ts';
import type { HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { idempotentHttpHandler } from '../../../shared/http/idempotent-handler.ts';
import { checkoutProblem } from './problems.ts';
import { logger } from '../../../shared/observability.ts';
import { orderStore, personalDataCipher, riskSignalKey, shippingGeography } from '../adapters.ts';
import { correctShippingAddress } from '../correct-shipping-address.ts';
import type { OrderStore } from '../orders-repository.ts';
import type { PersonalDataCipher } from '../personal-data.ts';
import { correctShippingAddressRoute } from '../routes.ts';
import { checkoutSettings } from '../settings.ts';

/** Ports of the handler; each defaults to the real adapter. */
export interface CorrectShippingAddressPorts {
  readonly orders?: () => OrderStore;
  readonly cipher?: () => PersonalDataCipher;
  readonly riskSignalKey?: () => Promise<string>;
  readonly events?: (correlationId: string) => EventPublisher;
  readonly clock?: Clock;
}

/** Builds the handler with the given ports. */
export function makeCorrectShippingAddressHandler(ports: CorrectShippingAddressPorts = {}): HttpLambdaHandler {
  return idempotentHttpHandler(
    correctShippingAddressRoute,
    async ({ path, body, principal, correlationId }) => {
      const settings = checkoutSettings();
      const view = await correctShippingAddress(
        {
          orders: (ports.orders ?? orderStore)(),
          events: ports.events ? ports.events(correlationId) : eventBridgePublisher({ correlationId }),
          clock: ports.clock ?? systemClock,
          balanceWindowHours: settings.presaleBalanceWindowHours,
          cipher: (ports.cipher ?? personalDataCipher)(),
          riskSignalKey: ports.riskSignalKey ?? riskSignalKey(logger),
          regions: shippingGeography().regions,
          shippingRates: settings.shippingRates,
          log: logger,
        },
        { orderId: path.orderId, principal, address: body.shippingAddress, correlationId },
      );
      // Ids only: the address is personal data.
      logger.info('shipping address corrected', { orderId: view.orderId });
      return { statusCode: 200, body: view };
    },
    checkoutProblem,
  );
}

/** The Lambda handler. */
export const handler = makeCorrectShippingAddressHandler();
