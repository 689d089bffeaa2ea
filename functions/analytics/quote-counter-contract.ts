/**
 * Analytics' quote counter contract (KPI-1: conversion = orders / quotes). Checkout's `POST /quotes`
 * calls {@link countQuote} once per priced basket: ONE UpdateItem (`ADD quotes 1`) on the day's
 * aggregate of the analytics table; the function's grant allows UpdateItem on the `DAY#…`
 * partitions only.
 *
 * Why not an event: a quote changes nothing and is the most frequent request of the storefront
 * (every basket view prices it). An event per quote would put the busiest read path's traffic on
 * the bus, the queue and the consumer, with an archive of events that say nothing but "someone
 * looked"; and a quote has no id to dedupe by, so the count could not be exact anyway. A counter
 * is one cheap write. It is best effort: a failed count is logged and never fails the quote, and
 * a retried request counts again (the KPI is a ratio of large numbers; this is documented).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { getConfig } from '../../shared/config.ts';
import { documentClient } from '../../shared/dynamodb.ts';
import { logger } from '../../shared/observability.ts';
import { AnalyticsStore } from './analytics-store.ts';

/** Counts one quote on `at`'s UTC day. Never throws (returns false when it could not count). */
export type QuoteCounter = (at: Date) => Promise<boolean>;

/** The counter over `ANALYTICS_TABLE_NAME`; counts nothing (false) when the variable is not set. */
export function quoteCounterFromEnv(client?: Pick<DynamoDBDocumentClient, 'send'>): QuoteCounter {
  return async (at) => {
    const tableName = getConfig().infra.analyticsTableName;
    if (!tableName) return false;
    try {
      await new AnalyticsStore(tableName, client ?? documentClient()).countQuote(at.toISOString().slice(0, 10));
      return true;
    } catch (error) {
      logger.warn('quote not counted', { error: (error as Error).name });
      return false;
    }
  };
}
