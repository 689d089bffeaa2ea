/**
 * The shape of every payments event consumer, on the kernel's event consumer
 * (shared/event-consumer.ts: EventBridge rule → SQS → Lambda, partial batch responses, envelope and
 * detail validated against the event contracts — an invalid message fails, never dropped silently),
 * with records processed one after the other, each by its use case. The use cases are idempotent
 * themselves: each decides from the payment's state (a duplicate, or the same fact under another
 * event id, finds the work done and changes nothing), and a run that finds nothing to do publishes
 * what an earlier run left in the outbox. So no processed-event marker is read or written: it cost a
 * GetItem and a PutItem on every delivery to save work on the rare duplicate (until 2026-12 each
 * consumer kept one per order, event name and event id; those items expire by their TTL).
 *
 * A record that cannot be processed yet (RetryLaterError), a provider outage or a conflict fails
 * alone; SQS redelivers it after the visibility timeout. A consumer calling the provider starts a
 * record after the first of its batch only with the time left for the slowest provider call: the
 * rest of a slow batch is deferred, never cut off by a timeout. A record that waits for another event
 * (RetryLaterError, e.g. RiskApproved before OrderPlaced) is made visible again sooner, with
 * backoff — 5 s, 15 s, 45 s, 135 s, 405 s by receive count — instead of the queue's full timeout.
 */
import type { AnyEventDefinition, EventMeta } from '../../events/event-definition.ts';
import { backoffRedelivery, eventConsumer } from '../../shared/event-consumer.ts';
import { logger, metrics, MetricUnit } from '../../shared/observability.ts';
import { RetryLaterError } from './engine.ts';
import type { PaymentsRuntime } from './runtime.ts';

/** One parsed event. */
export interface ConsumedEvent {
  readonly name: string;
  readonly detail: Record<string, unknown> & { readonly orderId: string; readonly meta: EventMeta };
}

/** Shortens the redelivery of deferred records (one queue-URL cache per container). */
const redelivery = backoffRedelivery();

/** Builds an SQS handler for `definitions`, running `process` for each new event. */
export function paymentsConsumer(spec: {
  readonly operation: string;
  readonly definitions: readonly AnyEventDefinition[];
  readonly runtime: PaymentsRuntime;
  /** The use case; returns a short outcome for logs and the marker. */
  readonly process: (event: ConsumedEvent, runtime: PaymentsRuntime) => Promise<string>;
  /**
   * Consumers that call the provider: a record after the invocation's first is started only while
   * this much time is left (the slowest provider call and a margin); later ones are deferred, so a
   * slow provider never lets the function time out in the middle of a batch.
   */
  readonly providerCallBudgetMs?: number;
}) {
  const { runtime } = spec;
  let invocation: string | undefined;
  return eventConsumer(
    spec.definitions,
    async (parsed, record, context) => {
      const event = parsed as ConsumedEvent;
      const { orderId, meta } = event.detail;
      const log = { operation: spec.operation, event: event.name, orderId, eventId: meta.eventId, correlationId: meta.correlationId, messageId: record.messageId };
      if (spec.providerCallBudgetMs !== undefined) {
        if (invocation !== context.awsRequestId) invocation = context.awsRequestId;
        else if (context.getRemainingTimeInMillis() < spec.providerCallBudgetMs) {
          metrics.addMetric('EventsDeferred', MetricUnit.Count, 1);
          throw new RetryLaterError(`not started: ${context.getRemainingTimeInMillis()} ms left in this invocation, a provider call may take ${spec.providerCallBudgetMs} ms`);
        }
      }
      try {
        const outcome = await spec.process(event, runtime);
        logger.info('event processed', { ...log, outcome });
        metrics.addMetric('EventsProcessed', MetricUnit.Count, 1);
      } catch (error) {
        metrics.addMetric(error instanceof RetryLaterError ? 'EventsDeferred' : 'EventsFailed', MetricUnit.Count, 1);
        throw error;
      }
    },
    {
      sequential: true,
      retryLater: { error: RetryLaterError, ...(runtime.deferRetries ? { redeliver: redelivery } : {}) },
      logKeys: (event) => ({ operation: spec.operation, orderId: (event.detail as ConsumedEvent['detail']).orderId }),
    },
  );
}
