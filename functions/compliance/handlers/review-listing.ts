/**
 * SQS consumer (CMP-1): `ProductChanged` events, delivered by an EventBridge rule to a queue (the
 * SQS body is the EventBridge event JSON), each reviewed for banned advertising terms.
 * Env: `CATALOG_TABLE_NAME`, `COMPLIANCE_TABLE_NAME`.
 *
 * Partial batch responses (`ReportBatchItemFailures`): each record that fails — including a
 * message that is not a valid ProductChanged event — is reported in `batchItemFailures`, so only
 * it is retried and, after `maxReceiveCount`, lands in the dead-letter queue. Nothing is dropped
 * silently. Reviews are idempotent, so redelivery is harmless.
 *
 * The per-record processing follows Powertools' `processPartialResponse` contract; it is written
 * out here because `@aws-lambda-powertools/batch` is not a dependency yet (swap in
 * `processPartialResponse(event, recordHandler, new BatchProcessor(EventType.SQS))` once it is).
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { z } from 'zod';
import { ProductChanged } from '../../../events/product-changed.ts';
import { systemClock, type Clock } from '../../../shared/clock.ts';
import { getConfig } from '../../../shared/config.ts';
import { logger, metrics, MetricUnit, tracer } from '../../../shared/observability.ts';
import { findingsRepositoryFromEnv, type FindingsRepository } from '../findings-repository.ts';
import { listingSourceFromEnv, type ListingSource } from '../listing-source.ts';
import { reviewListing } from '../review-listing.ts';

/** The EventBridge event in each SQS message body. */
export const ProductChangedMessageSchema = EventBridgeSchema.extend({
  source: z.literal(ProductChanged.source),
  'detail-type': z.literal(ProductChanged.name),
  detail: ProductChanged.detailSchema,
});

/** Ports of the handler; each defaults to the real adapter. */
export interface ReviewListingHandlerPorts {
  readonly listings?: () => ListingSource;
  readonly findings?: () => FindingsRepository;
  readonly clock?: Clock;
}

/** A message that is not a valid ProductChanged event. The message names the fields, not values. */
class InvalidMessageError extends Error {
  override readonly name = 'InvalidMessageError';
}

function parseMessage(record: SQSRecord): z.output<typeof ProductChangedMessageSchema> {
  let json: unknown;
  try {
    json = JSON.parse(record.body);
  } catch {
    throw new InvalidMessageError('body is not JSON');
  }
  const result = ProductChangedMessageSchema.safeParse(json);
  if (!result.success) {
    throw new InvalidMessageError(`not a ProductChanged v${ProductChanged.version} event: ${result.error.issues.map((i) => i.path.join('.') || '(root)').join(', ')}`);
  }
  return result.data;
}

/** Builds the handler with the given ports. */
export function makeReviewListingHandler(ports: ReviewListingHandlerPorts = {}) {
  let listings: ListingSource | undefined;
  let findings: FindingsRepository | undefined;

  const processRecord = async (record: SQSRecord) => {
    const message = parseMessage(record);
    listings ??= (ports.listings ?? listingSourceFromEnv)();
    findings ??= (ports.findings ?? findingsRepositoryFromEnv)();
    const result = await reviewListing(
      { listings, findings, clock: ports.clock ?? systemClock, bannedTerms: getConfig().compliance.bannedAdvertisingTerms },
      message.detail.sku,
    );
    logger.info('listing reviewed', {
      messageId: record.messageId,
      correlationId: message.detail.meta.correlationId,
      eventId: message.detail.meta.eventId,
      sku: result.sku,
      outcome: result.outcome,
      termCount: result.terms.length,
    });
    if (result.outcome === 'opened') metrics.addMetric('BannedTermFindingsOpened', MetricUnit.Count, 1);
  };

  const base = async (event: SQSEvent, _context: Context): Promise<SQSBatchResponse> => {
    const results = await Promise.allSettled(event.Records.map((record) => processRecord(record)));
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    results.forEach((result, i) => {
      if (result.status === 'fulfilled') return;
      const record = event.Records[i] as SQSRecord;
      batchItemFailures.push({ itemIdentifier: record.messageId });
      const error = result.reason as Error;
      logger.error('record failed', { messageId: record.messageId, error: error instanceof InvalidMessageError ? error.message : error });
    });
    metrics.addMetric('ListingsReviewed', MetricUnit.Count, event.Records.length - batchItemFailures.length);
    if (batchItemFailures.length > 0) metrics.addMetric('ReviewFailures', MetricUnit.Count, batchItemFailures.length);
    return { batchItemFailures };
  };

  return middy(base)
    .use(captureLambdaHandler(tracer, { captureResponse: false }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .use(injectLambdaContext(logger, { resetKeys: true }));
}

/** The Lambda handler. */
export const handler = makeReviewListingHandler();
