/**
 * The house log lines (shared/observability.ts): Powertools' JSON keys without the function's ARN,
 * memory size and a zero sampling rate (CloudWatch bills log ingestion per byte, and the log group
 * already names the function); and no "No application metrics to publish" line for the many
 * invocations that publish none, while Metrics' other warnings still reach the log.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.STAGE = 'dev';
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
  delete process.env.POWERTOOLS_METRICS_DISABLED;
});

import { logger, metrics, MetricUnit, observedHandler } from '../../../shared/observability.ts';

const context = {
  functionName: 'Commerce-prod-PlaceOrderFunction',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:Commerce-prod-PlaceOrderFunction',
  memoryLimitInMB: '512',
  awsRequestId: 'req-123',
  getRemainingTimeInMillis: () => 10_000,
} as never;

/** Every line the process wrote (stdout and stderr, console and Powertools' own console) while `run` ran. */
async function linesOf(run: () => Promise<unknown>): Promise<string[]> {
  const written: string[] = [];
  const capture = (...args: unknown[]) => void written.push(args.map(String).join(' '));
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => (capture(chunk), true)),
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => (capture(chunk), true)),
  ];
  try {
    await run();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return written.flatMap((chunk) => chunk.split('\n')).filter((line) => line.trim() !== '');
}

afterEach(() => vi.restoreAllMocks());

describe('house log lines', () => {
  it('keep level, message, timestamp, service, function name, request id and the caller’s keys; drop the ARN, the memory size and a zero sampling rate', async () => {
    const handler = observedHandler(async () => {
      logger.info('order placed', { orderId: '01J0000000000000000000000A' });
      return 'ok';
    });
    const lines = await linesOf(() => handler({}, context));
    const line = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.message === 'order placed');
    expect(line).toMatchObject({
      level: 'INFO',
      service: expect.any(String),
      timestamp: expect.any(String),
      function_name: 'Commerce-prod-PlaceOrderFunction',
      function_request_id: 'req-123',
      orderId: '01J0000000000000000000000A',
    });
    expect(line).not.toHaveProperty('function_arn');
    expect(line).not.toHaveProperty('function_memory_size');
    expect(line).not.toHaveProperty('sampling_rate');
  });

  it('an invocation without metrics writes no "No application metrics" line; one with metrics writes its EMF line', async () => {
    const quiet = observedHandler(async () => 'ok');
    const quietLines = await linesOf(() => quiet({}, context));
    expect(quietLines.filter((l) => l.includes('No application metrics'))).toEqual([]);

    const counting = observedHandler(async () => {
      metrics.addMetric('OrdersPlaced', MetricUnit.Count, 1);
      return 'ok';
    });
    const lines = await linesOf(() => counting({}, context));
    expect(lines.some((l) => l.includes('"OrdersPlaced"') && l.includes('CloudWatchMetrics'))).toBe(true);
  });

  it('Metrics’ other warnings still reach the log, as house JSON lines', async () => {
    const lines = await linesOf(async () => {
      metrics.addDimension('', 'x');
      metrics.clearDimensions();
    });
    const warnings = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.level === 'WARN');
    expect(warnings).toEqual([expect.objectContaining({ message: expect.stringContaining("The dimension  doesn't meet the requirements") })]);
  });
});
