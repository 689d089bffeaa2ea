/** `GET /admin/settings/shipping` (ops) — carrier rules and delivery time limits in force. Env: `FULFILLMENT_TABLE_NAME`. */
import { httpHandler, type HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { fulfillmentRepositoryFromEnv, type FulfillmentRepository } from '../fulfillment-repository.ts';
import { getShippingSettingsRoute } from '../routes.ts';
import { fulfillmentSettings } from '../settings.ts';
import { getShippingSettings } from '../shipping-settings.ts';

/** Builds the handler with the given repository. */
export function makeGetShippingSettingsHandler(ports: { readonly repository?: () => FulfillmentRepository } = {}): HttpLambdaHandler {
  return httpHandler(getShippingSettingsRoute, async () => {
    const { carrierRules, deliveryTimeLimits } = fulfillmentSettings();
    return {
      statusCode: 200,
      body: await getShippingSettings({ repository: (ports.repository ?? fulfillmentRepositoryFromEnv)(), configured: { carrierRules, deliveryTimeLimits } }),
    };
  });
}

/** The Lambda handler. */
export const handler = makeGetShippingSettingsHandler();
