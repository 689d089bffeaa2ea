/**
 * Powertools Logger and Metrics and the house X-Ray tracer (shared/tracing.ts): one of each per
 * container (module singletons), configured by the standard environment (`POWERTOOLS_SERVICE_NAME`,
 * `POWERTOOLS_METRICS_NAMESPACE`, `POWERTOOLS_LOG_LEVEL` / `LOG_LEVEL`, `POWERTOOLS_TRACE_ENABLED`).
 *
 * Rule of the house: personal data never reaches logs, metrics or traces. Log operations, statuses,
 * durations, ids and correlation ids — never request or response bodies, never headers.
 */
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Context } from 'aws-lambda';
import { requireStage } from './config.ts';
import { Tracer } from './tracing.ts';

const serviceName = process.env.POWERTOOLS_SERVICE_NAME || 'commerce';

/** The container's logger. Structured JSON; never give it bodies or headers. */
export const logger = new Logger({ serviceName });

/** The container's metrics (CloudWatch EMF). */
export const metrics = new Metrics({ serviceName, namespace: process.env.POWERTOOLS_METRICS_NAMESPACE || 'Commerce' });

/** The container's tracer (X-Ray; sends nothing outside Lambda or for unsampled invocations). */
export const tracer = new Tracer({ serviceName });

/** The invocation's `## handler` subsegment around the whole middy chain (the response is never recorded). */
const traceInvocation: middy.MiddlewareObj = {
  before: () => tracer.beginInvocation(),
  after: () => tracer.endInvocation(),
  // an error a later middleware turned into a response (a 4xx problem) is not the function failing
  onError: (request) => tracer.endInvocation(request.response === undefined ? (request.error ?? new Error('unknown')) : undefined),
};

export { MetricUnit };

/**
 * Wraps a Lambda handler in the house observability middlewares (middy): an X-Ray segment (the
 * response is never captured), EMF metrics flushed per invocation with a cold-start metric, and the
 * logger's Lambda context (keys reset per invocation). Add further middlewares with `.use()`.
 *
 * Every handler is built through here (httpHandler, sqsConsumer), when its module loads: a function
 * without `STAGE` fails right there, at cold start, with a ConfigError ({@link requireStage}) —
 * never running as if it were dev.
 */
export function observedHandler<E, R>(base: (event: E, context: Context) => Promise<R>) {
  requireStage();
  return middy(base)
    .use(traceInvocation)
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .use(injectLambdaContext(logger, { resetKeys: true }));
}

/** A `shouldStop` for batch jobs: true once the invocation has less than `reserveMs` left (never without a Lambda context). */
export function timeRunsOut(context: Context | undefined, reserveMs: number): () => boolean {
  return () => typeof context?.getRemainingTimeInMillis === 'function' && context.getRemainingTimeInMillis() < reserveMs;
}
