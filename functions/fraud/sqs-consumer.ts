/**
 * The shape of the fraud capability's SQS consumers: EventBridge events delivered through a queue
 * (the SQS body is the event JSON), each record processed by Powertools' `processPartialResponse`
 * so only failed records are retried (ReportBatchItemFailures) and, after `maxReceiveCount`, land
 * in the queue's DLQ. A message that is not a valid event of an expected type fails its record
 * (never dropped silently); the error names fields, never values.
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
import { logger, metrics, tracer } from '../../shared/observability.ts';

/** A message that is not a valid event of an expected type. Names fields, never values. */
export class InvalidMessageError extends Error {
  override readonly name = 'InvalidMessageError';
}

/** A parsed message: the event name and its detail. */
export interface ParsedMessage<D extends AnyEventDefinition = AnyEventDefinition> {
  readonly name: D['name'];
  readonly detail: EventDetail<D>;
}

/** Parses an SQS record's body as an EventBridge event of one of `definitions`. */
export function parseEventMessage<D extends AnyEventDefinition>(record: SQSRecord, definitions: readonly D[]): ParsedMessage<D> {
  let json: unknown;
  try {
    json = JSON.parse(record.body);
  } catch {
    throw new InvalidMessageError('body is not JSON');
  }
  const envelope = EventBridgeSchema.safeParse(json);
  if (!envelope.success) throw new InvalidMessageError(`not an EventBridge event: ${envelope.error.issues.map((i) => i.path.join('.') || '(root)').join(', ')}`);
  const definition = definitions.find((d) => d.name === envelope.data['detail-type'] && d.source === envelope.data.source);
  if (!definition) throw new InvalidMessageError('unexpected event type');
  const detail = (definition.detailSchema as z.ZodType).safeParse(envelope.data.detail);
  if (!detail.success) throw new InvalidMessageError(`not a valid ${definition.name} v${definition.version} event: ${detail.error.issues.map((i) => i.path.join('.') || '(root)').join(', ')}`);
  return { name: definition.name, detail: detail.data as EventDetail<D> };
}

/** Wraps a per-record handler into an SQS Lambda handler with partial batch responses. */
export function sqsConsumer(processRecord: (record: SQSRecord) => Promise<void>) {
  const recordHandler = async (record: SQSRecord) => {
    try {
      await processRecord(record);
    } catch (error) {
      logger.error('record failed', { messageId: record.messageId, error: error instanceof InvalidMessageError ? error.message : error });
      throw error;
    }
  };
  const base = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
    processPartialResponse(event, recordHandler, new BatchProcessor(EventType.SQS), { context, throwOnFullBatchFailure: false });
  return middy(base)
    .use(captureLambdaHandler(tracer, { captureResponse: false }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .use(injectLambdaContext(logger, { resetKeys: true }));
}
