/**
 * Powertools Logger and Metrics and the house X-Ray tracer (shared/tracing.ts): one of each per
 * container (module singletons), configured by the standard environment (`POWERTOOLS_SERVICE_NAME`,
 * `POWERTOOLS_METRICS_NAMESPACE`, `POWERTOOLS_LOG_LEVEL` / `LOG_LEVEL`, `POWERTOOLS_TRACE_ENABLED`).
 *
 * Rule of the house: personal data never reaches logs, metrics or traces. Log operations, statuses,
 * durations, ids and correlation ids — never request or response bodies, never headers.
 */
import { LogFormatter, LogItem, Logger } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Context } from 'aws-lambda';
import { requireStage } from './config.ts';
import { withMiddlewares, type Middleware } from './middleware.ts';
import { Tracer } from './tracing.ts';

const serviceName = process.env.POWERTOOLS_SERVICE_NAME || 'commerce';

/**
 * Powertools' JSON lines without what CloudWatch already knows: the function's ARN and memory size
 * (the log group and stream name the function; Lambda's REPORT line has the memory) and a sampling
 * rate of 0. Every other key stays (level, message, timestamp, service, cold start, function name,
 * request id, X-Ray trace id), so Logs Insights queries read the same. About 150 bytes less per line:
 * CloudWatch Logs bills ingestion per byte (docs/performance.md).
 */
export class CompactLogFormatter extends LogFormatter {
  override formatAttributes(attributes: UnformattedAttributes, additionalLogAttributes: LogAttributes): LogItem {
    const context = attributes.lambdaContext;
    return new LogItem({
      attributes: {
        level: attributes.logLevel,
        message: attributes.message,
        timestamp: this.formatTimestamp(attributes.timestamp),
        service: attributes.serviceName,
        cold_start: context?.coldStart,
        function_name: context?.functionName,
        function_request_id: context?.awsRequestId,
        ...(attributes.sampleRateValue ? { sampling_rate: attributes.sampleRateValue } : {}),
        xray_trace_id: attributes.xRayTraceId,
      },
    }).addAttributes(additionalLogAttributes);
  }
}

/** The container's logger. Structured JSON; never give it bodies or headers. */
export const logger = new Logger({ serviceName, logFormatter: new CompactLogFormatter() });

/** What Powertools Metrics says when an invocation published no metric of its own: expected for most invocations, so not logged. */
const NO_METRICS = 'No application metrics to publish';

/** The container's metrics (CloudWatch EMF); their warnings go to the logger, except the one that would fill the logs for nothing. */
export const metrics = new Metrics({
  serviceName,
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE || 'Commerce',
  logger: {
    debug: (message: unknown) => logger.debug(String(message)),
    info: (message: unknown) => logger.info(String(message)),
    warn: (message: unknown) => (String(message).startsWith(NO_METRICS) ? undefined : logger.warn(String(message))),
    error: (message: unknown) => logger.error(String(message)),
  },
});

/** The container's tracer (X-Ray; sends nothing outside Lambda or for unsampled invocations). */
export const tracer = new Tracer({ serviceName });

/** The invocation's `## handler` subsegment around the whole middleware chain (the response is never recorded). */
const traceInvocation: Middleware = {
  before: () => tracer.beginInvocation(),
  after: () => tracer.endInvocation(),
  // an error a later middleware turned into a response (a 4xx problem) is not the function failing
  onError: (request) => tracer.endInvocation(request.response === undefined ? (request.error ?? new Error('unknown')) : undefined),
};

export { MetricUnit };

/**
 * Wraps a Lambda handler in the house observability middlewares (run by shared/middleware.ts:
 * middy's lifecycle without its core module): an X-Ray segment (the response is never captured),
 * EMF metrics flushed per invocation with a cold-start metric, and the logger's Lambda context
 * (keys reset per invocation). Add further middlewares with `.use()`.
 *
 * Every handler is built through here (httpHandler, sqsConsumer). A function without `STAGE` fails
 * at cold start with a ConfigError ({@link requireStage}), never running as if it were dev: here,
 * at init, or — for an HTTP route whose stack waits for its first request, in a function serving
 * several routes — when its handler is made (shared/http/handler.ts).
 */
export function observedHandler<E, R>(base: (event: E, context: Context) => Promise<R>) {
  requireStage();
  return withMiddlewares(base)
    .use(traceInvocation)
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .use(injectLambdaContext(logger, { resetKeys: true }));
}

/** A `shouldStop` for batch jobs: true once the invocation has less than `reserveMs` left (never without a Lambda context). */
export function timeRunsOut(context: Context | undefined, reserveMs: number): () => boolean {
  return () => typeof context?.getRemainingTimeInMillis === 'function' && context.getRemainingTimeInMillis() < reserveMs;
}
