/**
 * The sandbox carrier's tracking feed (dev stage only): makes the sandbox carrier report a status
 * for a waybill — picked up, in transit, out for delivery, delivered, or an exception such as an
 * undeliverable address — now or after a delay, the way a real carrier reports later.
 *
 * `POST /admin/sandbox-carrier/events` (ops) puts the report on the `SandboxCarrier` queue with
 * `DelaySeconds`; when it comes due, the sandbox carrier signs it (HMAC-SHA256, as a carrier signs
 * its webhooks) and hands the signed request to the webhook use case, which verifies the signature
 * exactly as `POST /webhooks/carriers` does. The e2e tests post signed webhooks over HTTP instead.
 */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Clock } from '../../shared/clock.ts';
import { notFound } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import type { QueuedReport, SandboxReport } from './domain/sandbox-report.ts';
import type { FulfillmentRepository } from './fulfillment-repository.ts';

export { QueuedReportSchema, SandboxReportSchema, type QueuedReport, type SandboxReport } from './domain/sandbox-report.ts';

/** Where reports wait until they are due. */
export interface SandboxReportQueue {
  send(report: QueuedReport, delaySeconds: number): Promise<void>;
}

/** The SQS queue (`SANDBOX_CARRIER_QUEUE_URL`). */
export function sqsReportQueue(queueUrl: string, client: SQSClient = new SQSClient({})): SandboxReportQueue {
  return {
    send: async (report, delaySeconds) => {
      await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(report), DelaySeconds: delaySeconds }));
    },
  };
}

/** Schedules a report for a known waybill; 404 for an unknown one. */
export async function scheduleSandboxReport(
  deps: { repository: Pick<FulfillmentRepository, 'findWaybill'>; queue: SandboxReportQueue; clock: Clock },
  report: SandboxReport,
): Promise<QueuedReport & { deliverAfter: string }> {
  const located = await deps.repository.findWaybill(report.waybill);
  if (!located) throw notFound('No shipment has this waybill.');
  const queued: QueuedReport = {
    eventId: `sandbox-${newId()}`,
    carrier: located.carrier,
    waybill: report.waybill,
    status: report.status,
    ...(report.exception ? { exception: report.exception } : {}),
  };
  await deps.queue.send(queued, report.delaySeconds);
  return { ...queued, deliverAfter: new Date(deps.clock.now().getTime() + report.delaySeconds * 1000).toISOString() };
}
