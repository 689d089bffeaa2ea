/**
 * `POST /webhooks/carriers` (public; carriers) — a signed tracking update (FUL-3). A body over
 * 64 KB is refused with 413 by the HTTP stack before anything else (the route's `maxBodyBytes`);
 * the raw body is verified against the `Carrier-Signature` header before it is parsed (so the
 * route declares no body schema: the HTTP stack must not re-serialise it). 401 bad signature
 * (whatever the body), 400 bad body, 404 unknown waybill, 200 applied / ignored / duplicate.
 * Env: `FULFILLMENT_TABLE_NAME`, `EVENT_BUS_NAME`, `CARRIER_WEBHOOK_SECRETS_ID` (carrier-secrets.ts).
 */
import { systemClock, type Clock } from '../../../shared/clock.ts';
import { eventBridgePublisher, type EventPublisher } from '../../../shared/events.ts';
import { httpHandler, type HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { logger, metrics, MetricUnit } from '../../../shared/observability.ts';
import { carrierWebhookSecrets } from '../carrier-secrets.ts';
import { CARRIER_SIGNATURE_HEADER } from '../domain/carrier-signature.ts';
import { fulfillmentRepositoryFromEnv, type FulfillmentRepository } from '../fulfillment-repository.ts';
import { authenticateTrackingEvent, recordTrackingEvent } from '../record-tracking-event.ts';
import { receiveCarrierWebhookRoute } from '../routes.ts';
import { fulfillmentSettings } from '../settings.ts';

/** Ports of the handler; each defaults to the real adapter. */
export interface ReceiveCarrierWebhookPorts {
  readonly repository?: () => FulfillmentRepository;
  readonly publisher?: (correlationId: string) => EventPublisher;
  readonly clock?: Clock;
  readonly secrets?: Readonly<Record<string, string>>;
}

/** Builds the handler with the given ports. */
export function makeReceiveCarrierWebhookHandler(ports: ReceiveCarrierWebhookPorts = {}): HttpLambdaHandler {
  return httpHandler(receiveCarrierWebhookRoute, async ({ event, correlationId }) => {
    const settings = fulfillmentSettings();
    const clock = ports.clock ?? systemClock;
    const secrets = ports.secrets ?? (await carrierWebhookSecrets(settings));
    const raw =
      event.body === null || event.body === undefined ? undefined : event.isBase64Encoded ? Buffer.from(String(event.body), 'base64').toString('utf8') : String(event.body);
    const tracking = authenticateTrackingEvent({ secrets, toleranceSeconds: settings.webhookToleranceSeconds, clock }, raw, event.headers?.[CARRIER_SIGNATURE_HEADER] ?? undefined);
    const result = await recordTrackingEvent(
      {
        repository: (ports.repository ?? fulfillmentRepositoryFromEnv)(),
        publisher: ports.publisher ?? ((id) => eventBridgePublisher({ correlationId: id })),
        clock,
      },
      tracking,
      correlationId,
    );
    metrics.addMetric(`TrackingEvents${result.outcome.charAt(0).toUpperCase()}${result.outcome.slice(1)}`, MetricUnit.Count, 1);
    logger.info('tracking event', { carrier: tracking.carrier, eventId: tracking.eventId, waybill: tracking.waybill, reported: tracking.status, outcome: result.outcome });
    const body =
      result.outcome === 'applied'
        ? { received: true, outcome: result.outcome, shipmentId: result.shipmentId, status: result.to }
        : result.outcome === 'ignored'
          ? { received: true, outcome: result.outcome, shipmentId: result.shipmentId, ignoredReason: result.reason }
          : { received: true, outcome: result.outcome };
    return { statusCode: 200, body };
  });
}

/** The Lambda handler. */
export const handler = makeReceiveCarrierWebhookHandler();
