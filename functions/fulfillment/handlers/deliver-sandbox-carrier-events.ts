/**
 * SQS consumer (dev stage only): sandbox carrier reports that came due. Each is signed the way a
 * carrier signs its webhooks — with the carrier's secret of this stage (carrier-secrets.ts: Secrets
 * Manager when deployed, the built-in sandbox secret only in the local cloud and tests) — and
 * handed to the webhook use case, which verifies the signature as `POST /webhooks/carriers` does.
 * Reports the webhook refuses (4xx: e.g. an unknown waybill) are logged and dropped; anything else
 * (no secret for the carrier included) fails the record (retried, then the queue's DLQ).
 * Env: `FULFILLMENT_TABLE_NAME`, `EVENT_BUS_NAME`, `CARRIER_WEBHOOK_SECRETS_ID`.
 */
import type { SQSRecord } from 'aws-lambda';
import { systemClock, type Clock } from '../../../shared/clock.ts';
import { ConfigError } from '../../../shared/config.ts';
import { isProblemError } from '../../../shared/errors.ts';
import { sqsConsumer } from '../../../shared/event-consumer.ts';
import { eventBridgePublisher, type EventPublisher } from '../../../shared/events.ts';
import { logger } from '../../../shared/observability.ts';
import { sandboxTrackingRequest } from '../carrier-gateway.ts';
import { carrierWebhookSecrets } from '../carrier-secrets.ts';
import { CARRIER_SIGNATURE_HEADER } from '../domain/carrier-signature.ts';
import { fulfillmentRepositoryFromEnv, type FulfillmentRepository } from '../fulfillment-repository.ts';
import { authenticateTrackingEvent, recordTrackingEvent } from '../record-tracking-event.ts';
import { QueuedReportSchema } from '../domain/sandbox-report.ts';
import { fulfillmentSettings } from '../settings.ts';

/** Ports of the handler; each defaults to the real adapter. */
export interface DeliverSandboxCarrierEventsPorts {
  readonly repository?: () => FulfillmentRepository;
  readonly publisher?: (correlationId: string) => EventPublisher;
  readonly clock?: Clock;
}

/** Builds the handler with the given ports. */
export function makeDeliverSandboxCarrierEventsHandler(ports: DeliverSandboxCarrierEventsPorts = {}) {
  const deliver = async (record: SQSRecord) => {
    const report = QueuedReportSchema().parse(JSON.parse(record.body));
    const clock = ports.clock ?? systemClock;
    const settings = fulfillmentSettings();
    const secrets = await carrierWebhookSecrets(settings);
    const secret = Object.hasOwn(secrets, report.carrier) ? secrets[report.carrier] : undefined;
    if (!secret) throw new ConfigError(`no signing secret for carrier ${report.carrier} in this stage's carrier secrets`);
    const request = sandboxTrackingRequest({ ...report, occurredAt: clock.now().toISOString() }, secret, clock.now());
    try {
      const deps = { secrets, toleranceSeconds: settings.webhookToleranceSeconds, clock };
      const event = authenticateTrackingEvent(deps, request.body, request.headers[CARRIER_SIGNATURE_HEADER]);
      const result = await recordTrackingEvent(
        { ...deps, repository: (ports.repository ?? fulfillmentRepositoryFromEnv)(), publisher: ports.publisher ?? ((id) => eventBridgePublisher({ correlationId: id })) },
        event,
        `sandbox-carrier-${report.eventId}`,
      );
      logger.info('sandbox carrier report delivered', { messageId: record.messageId, waybill: report.waybill, status: report.status, outcome: result.outcome });
    } catch (error) {
      if (isProblemError(error) && error.status < 500) {
        logger.warn('sandbox carrier report refused', { messageId: record.messageId, waybill: report.waybill, status: error.status, problem: error.slug });
        return;
      }
      throw error;
    }
  };
  return sqsConsumer(deliver);
}

/** The Lambda handler. */
export const handler = makeDeliverSandboxCarrierEventsHandler();
