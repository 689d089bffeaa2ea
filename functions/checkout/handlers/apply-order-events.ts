/**
 * SQS consumer (flow steps 3, 5, 7): risk, payment and fulfillment events about orders, delivered
 * by an EventBridge rule to a queue (the SQS body is the EventBridge event). Each becomes a status
 * change and/or read-model update of its order (changeOrder), idempotently: a redelivered event
 * finds its processed-event marker, a late one is ignored and logged as such.
 * Env: `ORDERS_TABLE_NAME`, `CATALOG_TABLE_NAME` (releases), `EVENT_BUS_NAME`.
 *
 * Partial batch responses (Powertools BatchProcessor): a record that fails — including one that is
 * not a valid consumed event — is reported in `batchItemFailures`, retried, and after
 * `maxReceiveCount` lands in the queue's dead-letter queue. Nothing is dropped silently.
 */
import middy from '@middy/core';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { systemClock, type Clock } from '../../../shared/clock.ts';
import { eventBridgePublisher, type EventPublisher } from '../../../shared/events.ts';
import { logger, metrics, MetricUnit, tracer } from '../../../shared/observability.ts';
import { orderStore } from '../adapters.ts';
import { applyOrderEvent, parseInboundEvent, UnexpectedEventError } from '../apply-order-event.ts';
import type { OrderStore } from '../orders-repository.ts';
import { checkoutSettings } from '../settings.ts';

/** Ports of the handler; each defaults to the real adapter. */
export interface ApplyOrderEventsHandlerPorts {
  readonly orders?: () => OrderStore;
  readonly events?: (correlationId: string) => EventPublisher;
  readonly clock?: Clock;
}

/** Builds the handler with the given ports. */
export function makeApplyOrderEventsHandler(ports: ApplyOrderEventsHandlerPorts = {}) {
  const processor = new BatchProcessor(EventType.SQS);

  const recordHandler = async (record: SQSRecord) => {
    let envelope: unknown;
    try {
      envelope = JSON.parse(record.body);
    } catch {
      throw new UnexpectedEventError('body is not JSON');
    }
    const event = parseInboundEvent(envelope);
    const correlationId = event.meta.correlationId;
    const result = await applyOrderEvent(
      {
        orders: (ports.orders ?? orderStore)(),
        events: ports.events ? ports.events(correlationId) : eventBridgePublisher({ correlationId }),
        clock: ports.clock ?? systemClock,
        balanceWindowHours: checkoutSettings().presaleBalanceWindowHours,
        log: logger,
      },
      event,
    );
    const line = { messageId: record.messageId, event: event.name, eventId: event.meta.eventId, correlationId, orderId: event.orderId, outcome: result.outcome };
    if (result.outcome === 'applied') {
      logger.info('order event applied', { ...line, ...(result.transition ? { from: result.transition.from, to: result.transition.to } : {}) });
      metrics.addMetric('OrderEventsApplied', MetricUnit.Count, 1);
    } else {
      logger.info('order event ignored', { ...line, ...(result.outcome === 'ignored' ? { reason: result.reason, status: result.order.status } : {}) });
      metrics.addMetric('OrderEventsIgnored', MetricUnit.Count, 1);
    }
  };

  const base = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    const response = await processPartialResponse(event, recordHandler, processor, { context, throwOnFullBatchFailure: false });
    if (response.batchItemFailures.length > 0) {
      metrics.addMetric('OrderEventFailures', MetricUnit.Count, response.batchItemFailures.length);
      for (const [status, error] of processor.errors.map((e) => ['fail', e] as const)) logger.error('order event failed', { status, error: error instanceof UnexpectedEventError ? error.message : error });
    }
    return response;
  };

  return middy(base)
    .use(captureLambdaHandler(tracer, { captureResponse: false }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .use(injectLambdaContext(logger, { resetKeys: true }));
}

/** The Lambda handler. */
export const handler = makeApplyOrderEventsHandler();
