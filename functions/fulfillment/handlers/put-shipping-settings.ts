/**
 * `PUT /admin/settings/shipping` (ops) — replace the carrier rules and/or the delivery time limits
 * (FUL-2, FUL-3); audited (SEC-4). Env: `FULFILLMENT_TABLE_NAME`, `AUDIT_TABLE_NAME`.
 */
import { auditLogFromEnv, type AuditLog } from '../../../shared/audit.ts';
import { systemClock, type Clock } from '../../../shared/clock.ts';
import { httpHandler, type HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { fulfillmentRepositoryFromEnv, type FulfillmentRepository } from '../fulfillment-repository.ts';
import { putShippingSettingsRoute } from '../routes.ts';
import { BOOKABLE_CARRIERS, fulfillmentSettings } from '../settings.ts';
import { putShippingSettings } from '../shipping-settings.ts';

/** Ports of the handler; each defaults to the real adapter. */
export interface PutShippingSettingsPorts {
  readonly repository?: () => FulfillmentRepository;
  readonly audit?: () => AuditLog;
  readonly clock?: Clock;
}

/** Builds the handler with the given ports. */
export function makePutShippingSettingsHandler(ports: PutShippingSettingsPorts = {}): HttpLambdaHandler {
  return httpHandler(putShippingSettingsRoute, async ({ body, principal, correlationId }) => {
    const { carrierRules, deliveryTimeLimits } = fulfillmentSettings();
    const result = await putShippingSettings(
      {
        repository: (ports.repository ?? fulfillmentRepositoryFromEnv)(),
        configured: { carrierRules, deliveryTimeLimits },
        carriers: BOOKABLE_CARRIERS,
        audit: (ports.audit ?? auditLogFromEnv)(),
        clock: ports.clock ?? systemClock,
      },
      {
        ...(body.carrierRules ? { carrierRules: body.carrierRules } : {}),
        ...(body.deliveryTimeLimits ? { deliveryTimeLimits: body.deliveryTimeLimits } : {}),
        reason: body.reason,
        principal,
        correlationId,
      },
    );
    return { statusCode: 200, body: result.view };
  });
}

/** The Lambda handler. */
export const handler = makePutShippingSettingsHandler();
