/**
 * SQS consumer (CMP-1): `ProductChanged` events, delivered by an EventBridge rule to a queue (the
 * SQS body is the EventBridge event JSON), each reviewed for banned advertising terms.
 * Env: `CATALOG_TABLE_NAME`, `COMPLIANCE_TABLE_NAME`.
 *
 * Partial batch responses (`ReportBatchItemFailures`): each record that fails — including a
 * message that is not a valid ProductChanged event — is reported in `batchItemFailures`, so only
 * it is retried and, after `maxReceiveCount`, lands in the dead-letter queue. Nothing is dropped
 * silently. Reviews are idempotent, so redelivery is harmless. The batch plumbing is the kernel's
 * event consumer (shared/event-consumer.ts).
 */
import { ProductChanged } from '../../../events/product-changed.ts';
import { systemClock, type Clock } from '../../../shared/clock.ts';
import { getConfig } from '../../../shared/config.ts';
import { eventConsumer } from '../../../shared/event-consumer.ts';
import { logger, metrics, MetricUnit } from '../../../shared/observability.ts';
import { findingsRepositoryFromEnv, type FindingsRepository } from '../findings-repository.ts';
import { listingSourceFromEnv, type ListingSource } from '../listing-source.ts';
import { reviewListing } from '../review-listing.ts';

/** Ports of the handler; each defaults to the real adapter. */
export interface ReviewListingHandlerPorts {
  readonly listings?: () => ListingSource;
  readonly findings?: () => FindingsRepository;
  readonly clock?: Clock;
}

/** Builds the handler with the given ports. */
export function makeReviewListingHandler(ports: ReviewListingHandlerPorts = {}) {
  let listings: ListingSource | undefined;
  let findings: FindingsRepository | undefined;

  return eventConsumer(
    [ProductChanged],
    async ({ detail }, record) => {
      listings ??= (ports.listings ?? listingSourceFromEnv)();
      findings ??= (ports.findings ?? findingsRepositoryFromEnv)();
      const result = await reviewListing(
        {
          listings,
          findings,
          clock: ports.clock ?? systemClock,
          bannedTerms: getConfig().compliance.bannedAdvertisingTerms,
          allowedPhrases: getConfig().compliance.allowedAdvertisingPhrases,
        },
        detail.sku,
      );
      logger.info('listing reviewed', {
        messageId: record.messageId,
        correlationId: detail.meta.correlationId,
        eventId: detail.meta.eventId,
        sku: result.sku,
        outcome: result.outcome,
        termCount: result.terms.length,
      });
      metrics.addMetric('ListingsReviewed', MetricUnit.Count, 1);
      if (result.outcome === 'opened') metrics.addMetric('BannedTermFindingsOpened', MetricUnit.Count, 1);
    },
    { failureMetric: 'ReviewFailures' },
  );
}

/** The Lambda handler. */
export const handler = makeReviewListingHandler();
