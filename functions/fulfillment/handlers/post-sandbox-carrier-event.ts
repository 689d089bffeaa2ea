/**
 * `POST /admin/sandbox-carrier/events` (ops; dev stage only) — schedule a sandbox carrier report.
 * Env: `FULFILLMENT_TABLE_NAME`, `SANDBOX_CARRIER_QUEUE_URL`, `IDEMPOTENCY_TABLE_NAME`.
 */
import { systemClock, type Clock } from '../../../shared/clock.ts';
import { type HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { idempotentHttpHandler } from '../../../shared/http/idempotent-handler.ts';
import { fulfillmentRepositoryFromEnv, type FulfillmentRepository } from '../fulfillment-repository.ts';
import { postSandboxCarrierEventRoute } from '../routes.ts';
import { scheduleSandboxReport, sqsReportQueue, type SandboxReportQueue } from '../sandbox-carrier.ts';

/** Ports of the handler; each defaults to the real adapter. */
export interface PostSandboxCarrierEventPorts {
  readonly repository?: () => FulfillmentRepository;
  readonly queue?: () => SandboxReportQueue;
  readonly clock?: Clock;
}

function queueFromEnv(): SandboxReportQueue {
  const url = process.env.SANDBOX_CARRIER_QUEUE_URL;
  if (!url) throw new Error('SANDBOX_CARRIER_QUEUE_URL is not set: the sandbox carrier exists in the dev stage only');
  return sqsReportQueue(url);
}

/** Builds the handler with the given ports. */
export function makePostSandboxCarrierEventHandler(ports: PostSandboxCarrierEventPorts = {}): HttpLambdaHandler {
  let queue: SandboxReportQueue | undefined;
  return idempotentHttpHandler(postSandboxCarrierEventRoute, async ({ body }) => {
    queue ??= (ports.queue ?? queueFromEnv)();
    const scheduled = await scheduleSandboxReport({ repository: (ports.repository ?? fulfillmentRepositoryFromEnv)(), queue, clock: ports.clock ?? systemClock }, body);
    return { statusCode: 202, body: scheduled };
  });
}

/** The Lambda handler. */
export const handler = makePostSandboxCarrierEventHandler();
