/**
 * The SQS consumers' common shape: each message body is an EventBridge event (a rule delivered it
 * to the queue); it is parsed against the event contracts the consumer accepts, then handled.
 * Powertools' BatchProcessor reports failed records (`ReportBatchItemFailures`), so only they are
 * retried and, after `maxReceiveCount`, land in the queue's DLQ. A message that is no valid event
 * fails too (to the DLQ, nothing dropped silently); logs carry ids, never payloads.
 */
import middy from '@middy/core';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { z } from 'zod';
import type { AnyEventDefinition, EventDetail } from '../../events/event-definition.ts';
import { logger } from '../../shared/observability.ts';
import { metrics, tracer } from '../../shared/observability.ts';

/** A message that is not one of the accepted events. Names fields, never values. */
export class InvalidMessageError extends Error {
  override readonly name = 'InvalidMessageError';
}

/** A parsed message: which event and its detail. */
export interface ConsumedEvent {
  readonly name: string;
  readonly detail: EventDetail<AnyEventDefinition>;
}

/** Parses an SQS record's body as one of `definitions`. */
export function parseEventMessage(record: Pick<SQSRecord, 'body'>, definitions: readonly AnyEventDefinition[]): ConsumedEvent {
  let json: unknown;
  try {
    json = JSON.parse(record.body);
  } catch {
    throw new InvalidMessageError('body is not JSON');
  }
  const envelope = EventBridgeSchema.safeParse(json);
  if (!envelope.success) throw new InvalidMessageError(`not an EventBridge event: ${envelope.error.issues.map((i) => i.path.join('.') || '(root)').join(', ')}`);
  const definition = definitions.find((d) => d.name === envelope.data['detail-type'] && d.source === envelope.data.source);
  if (!definition) throw new InvalidMessageError(`unexpected event ${envelope.data['detail-type']} from ${envelope.data.source}`);
  const detail = (definition.detailSchema as z.ZodType).safeParse(envelope.data.detail);
  if (!detail.success) throw new InvalidMessageError(`not a valid ${definition.name} v${definition.version}: ${detail.error.issues.map((i) => i.path.join('.') || '(root)').join(', ')}`);
  return { name: definition.name, detail: detail.data as EventDetail<AnyEventDefinition> };
}

/** Builds an SQS consumer handler for `definitions` that runs `handle` per record. */
export function eventConsumer(definitions: readonly AnyEventDefinition[], handle: (event: ConsumedEvent, record: SQSRecord, context: Context) => Promise<void>) {
  const processor = new BatchProcessor(EventType.SQS);
  const recordHandler = async (record: SQSRecord, context: Context) => {
    try {
      await handle(parseEventMessage(record, definitions), record, context);
    } catch (error) {
      logger.error('record failed', { messageId: record.messageId, error: error instanceof InvalidMessageError ? error.message : error });
      throw error;
    }
  };
  const base = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
    processPartialResponse(event, (record: SQSRecord) => recordHandler(record, context), processor, { context, throwOnFullBatchFailure: false });
  return middy(base)
    .use(captureLambdaHandler(tracer, { captureResponse: false }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .use(injectLambdaContext(logger, { resetKeys: true }));
}
