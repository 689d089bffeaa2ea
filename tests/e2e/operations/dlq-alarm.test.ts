/**
 * The DLQ-alarm drill end to end on the local cloud (OPS-1, OPS-2): a consumer breaks (the local
 * cloud's fault switch fails the scheduled returns-outbox sweep for this drill's event only), its
 * asynchronous invocation fails after Lambda's retries and lands in the AsyncInvocationFailures
 * dead-letter queue, the `[high]` DLQ alarm of the template goes to ALARM; the fault is cleared,
 * the DLQ is redriven with the code `npm run ops -- redrive` runs, the invocation goes through and
 * the alarm clears to OK — each change of state with its time.
 *
 * The e2e cloud evaluates alarms every second on periods a tenth as long (global-setup.ts).
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import type { AlarmReport, AlarmStatus } from '../../../infra/local/alarms.ts';
import type { Fault } from '../../../infra/local/faults.ts';
import { formatStatus, readStatus, redrive } from '../../../scripts/ops-tools.ts';
import { e2e, poll, sdkConfig } from '../../support/e2e.ts';

const ALARM = 'commerce-dev-async-invocation-failures-messages';
const DLQ = 'AsyncInvocationFailures';
const FUNCTION = 'SweepReturnsOutboxFunction';

const local = () => e2e().sdkEnv.AWS_ENDPOINT_URL_SQS as string;

async function localJson<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(`${local()}/_local/${path}`, { ...init, headers: { 'content-type': 'application/json' } });
  expect(res.ok, `${path}: ${res.status}`).toBe(true);
  return (await res.json()) as T;
}

const alarm = async (): Promise<AlarmStatus> => {
  const report = await localJson<AlarmReport>('alarms');
  const found = report.alarms.find((a) => a.name === ALARM);
  if (!found) throw new Error(`no alarm ${ALARM}; alarms: ${report.alarms.map((a) => a.name).join(', ')}`);
  return found;
};

describe('DLQ alarm drill (OPS-1, OPS-2)', () => {
  it('OPS-2: a broken consumer fills its DLQ, the [high] DLQ alarm fires; fixed and redriven, the message is processed and the alarm clears', { timeout: 120_000 }, async () => {
    // the alarm is the template's, severity from its description
    const before = await poll(alarm, (a) => a.state === 'OK', 30_000);
    expect(before).toMatchObject({ state: 'OK', severity: 'high' });

    // 1. break the consumer for this drill's event only
    const marker = `ops-drill-${ulid()}`;
    const fault = await localJson<Fault>('faults', { method: 'POST', body: JSON.stringify({ function: FUNCTION, match: marker }) });
    const scheduled = {
      version: '0',
      id: marker,
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '000000000000',
      time: new Date().toISOString(),
      region: 'us-east-1',
      resources: [],
      detail: {},
    };
    const lambda = new LambdaClient(sdkConfig('LAMBDA'));
    const sqs = new SQSClient(sdkConfig('SQS'));
    try {
      const accepted = await lambda.send(new InvokeCommand({ FunctionName: FUNCTION, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(scheduled)) }));
      expect(accepted.StatusCode).toBe(202);

      // 2. three attempts fail, the invocation record lands in the DLQ, the alarm goes to ALARM
      const failing = await poll(
        () => localJson<Fault>(`faults/${fault.id}`),
        (f) => f.failed >= 3,
        30_000,
      );
      expect(failing.failed).toBe(3); // the first attempt and Lambda's two retries
      const firing = await poll(alarm, (a) => a.state === 'ALARM', 30_000);
      expect(firing.state).toBe('ALARM');
      expect(firing.transitions.at(-1)).toMatchObject({ from: 'OK', to: 'ALARM' });
      const status = await readStatus(local());
      expect(status.queues.find((q) => q.logicalId === DLQ)).toMatchObject({ isDeadLetterQueue: true });
      expect(status.queues.find((q) => q.logicalId === DLQ)?.visible).toBeGreaterThanOrEqual(1);
      expect(formatStatus(status)).toMatch(new RegExp(`ALARM\\s+\\[high\\]\\s+${ALARM}`));
      expect(formatStatus(status)).toContain(`npm run ops -- redrive ${DLQ}`);

      // 3. fix, then redrive as `npm run ops -- redrive AsyncInvocationFailures` does
      await localJson<Fault>(`faults/${fault.id}`, { method: 'DELETE' });
      const dlqName = status.queues.find((q) => q.logicalId === DLQ)?.name as string;
      const result = await redrive({ sqs, lambda }, dlqName);
      expect(result.mode).toBe('reinvoke');
      expect(result.redriven).toBeGreaterThanOrEqual(1);

      // 4. the redriven invocation runs and succeeds; the DLQ is empty; the alarm clears to OK
      const fixed = await poll(
        () => localJson<Fault>(`faults/${fault.id}`),
        (f) => f.succeeded >= 1,
        30_000,
      );
      expect(fixed).toMatchObject({ active: false, failed: 3, succeeded: 1, erred: 0 });
      const cleared = await poll(alarm, (a) => a.state === 'OK', 60_000);
      expect(cleared.state).toBe('OK');
      const [toAlarm, toOk] = cleared.transitions.slice(-2);
      expect(toAlarm).toMatchObject({ from: 'OK', to: 'ALARM' });
      expect(toOk).toMatchObject({ from: 'ALARM', to: 'OK' });
      expect(Date.parse(toOk?.at as string)).toBeGreaterThan(Date.parse(toAlarm?.at as string));
      expect((await readStatus(local())).queues.find((q) => q.logicalId === DLQ)?.visible).toBe(0);
    } finally {
      await fetch(`${local()}/_local/faults/${fault.id}`, { method: 'DELETE' });
      lambda.destroy();
      sqs.destroy();
    }
  });

  it('OPS-2: the local cloud measures its functions and API (AWS/Lambda, AWS/ApiGateway, Powertools EMF) for the alarms', async () => {
    expect((await fetch(`${e2e().apiUrl}/products`)).status).toBe(200);
    type Listed = { namespace: string; metricName: string; dimensions: Record<string, string>; count: number };
    const read = async () => (await localJson<{ metrics: Listed[] }>('metrics')).metrics;
    const has = (metrics: Listed[], namespace: string, metricName: string, dimensions: Record<string, string> = {}) =>
      metrics.some((m) => m.namespace === namespace && m.metricName === metricName && m.count > 0 && Object.entries(dimensions).every(([k, v]) => m.dimensions[k] === v));
    // Powertools' own metrics, read from the function's EMF log lines (the house HTTP middleware counts requests)
    const metrics = await poll(read, (list) => has(list, 'Commerce', 'Requests', { service: 'ListProductsFunction' }), 15_000);
    expect(has(metrics, 'Commerce', 'Requests', { service: 'ListProductsFunction' })).toBe(true);
    expect(has(metrics, 'AWS/ApiGateway', 'Count')).toBe(true);
    expect(has(metrics, 'AWS/ApiGateway', 'Latency')).toBe(true);
    expect(has(metrics, 'AWS/Lambda', 'Invocations', { FunctionName: 'Commerce-dev-ListProductsFunction' })).toBe(true);
    expect(has(metrics, 'AWS/Lambda', 'Duration')).toBe(true);
    expect(has(metrics, 'AWS/SQS', 'ApproximateNumberOfMessagesVisible', { QueueName: (await readStatus(local())).queues.find((q) => q.logicalId === DLQ)?.name as string })).toBe(
      true,
    );
  });

  it('a fault needs a function and a marker of at least 8 characters; unknown faults are 404', async () => {
    const res = await fetch(`${local()}/_local/faults`, { method: 'POST', body: JSON.stringify({ function: FUNCTION, match: 'x' }) });
    expect(res.status).toBe(400);
    expect((await fetch(`${local()}/_local/faults`, { method: 'POST', body: '{' })).status).toBe(400);
    expect((await fetch(`${local()}/_local/faults/${ulid()}`)).status).toBe(404);
  });
});
