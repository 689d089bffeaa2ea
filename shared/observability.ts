/**
 * Powertools Logger, Metrics and Tracer: one of each per container (module singletons), configured
 * by the standard environment (`POWERTOOLS_SERVICE_NAME`, `POWERTOOLS_METRICS_NAMESPACE`,
 * `POWERTOOLS_LOG_LEVEL` / `LOG_LEVEL`, `POWERTOOLS_TRACE_ENABLED`).
 *
 * Rule of the house: personal data never reaches logs, metrics or traces. Log operations, statuses,
 * durations, ids and correlation ids — never request or response bodies, never headers.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

const serviceName = process.env.POWERTOOLS_SERVICE_NAME || 'commerce';

/** The container's logger. Structured JSON; never give it bodies or headers. */
export const logger = new Logger({ serviceName });

/** The container's metrics (CloudWatch EMF). */
export const metrics = new Metrics({ serviceName, namespace: process.env.POWERTOOLS_METRICS_NAMESPACE || 'Commerce' });

/** The container's tracer (X-Ray; disabled outside Lambda). */
export const tracer = new Tracer({ serviceName });

export { MetricUnit };
