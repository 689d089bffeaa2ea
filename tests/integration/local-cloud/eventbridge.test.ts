/**
 * The local EventBridge (infra/local/eventbridge.ts) driven through the real
 * @aws-sdk/client-eventbridge over the AWS JSON protocol endpoint: PutEvents routing to the
 * targets of matching rules (Input, InputPath), per-entry failures, request validation,
 * TestEventPattern, retries with the target's RetryPolicy and its DeadLetterConfig queue, and
 * scheduled rules. Targets are a fake TargetDelivery that records what EventBridge sends.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventBridgeClient, ListRulesCommand, ListTargetsByRuleCommand, PutEventsCommand, TestEventPatternCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { LOCAL_ACCOUNT, LOCAL_CREDENTIALS, LOCAL_REGION, startAwsEndpoint, type AwsEndpoint } from '../../../infra/local/aws-protocol.ts';
import { EventsService, type EventRule, type EventTarget, type TargetDelivery } from '../../../infra/local/eventbridge.ts';

const queueArn = (name: string) => `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${name}`;
const functionArn = (name: string) => `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${name}`;
const ruleArn = (bus: string, name: string) => `arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT}:rule/${bus === 'default' ? '' : `${bus}/`}${name}`;
const DEFAULT_RETRY = { maximumRetryAttempts: 185, maximumEventAgeSeconds: 86_400 };

/** Records every delivery; targets listed in `failing` throw for their next N attempts. */
class RecordingDelivery implements TargetDelivery {
  messages: Array<{ queueArn: string; body: string; attributes?: Record<string, string> }> = [];
  invocations: Array<{ functionArn: string; payload: unknown }> = [];
  attempts = new Map<string, number>();
  failing = new Map<string, number>();

  private attempt(arn: string): void {
    this.attempts.set(arn, (this.attempts.get(arn) ?? 0) + 1);
    const left = this.failing.get(arn) ?? 0;
    if (left > 0) {
      this.failing.set(arn, left - 1);
      throw Object.assign(new Error(`${arn} is unavailable`), { name: 'TargetUnavailable' });
    }
  }

  async sendToQueue(arn: string, body: string, attributes?: Record<string, string>): Promise<void> {
    this.attempt(arn);
    this.messages.push({ queueArn: arn, body, ...(attributes ? { attributes } : {}) });
  }

  async invokeAsync(arn: string, payload: unknown): Promise<void> {
    this.attempt(arn);
    this.invocations.push({ functionArn: arn, payload });
  }

  bodies(queueName: string): unknown[] {
    return this.messages.filter((m) => m.queueArn === queueArn(queueName)).map((m) => JSON.parse(m.body) as unknown);
  }

  payloads(functionName: string): unknown[] {
    return this.invocations.filter((i) => i.functionArn === functionArn(functionName)).map((i) => i.payload);
  }

  reset(): void {
    this.messages = [];
    this.invocations = [];
    this.attempts.clear();
    this.failing.clear();
  }
}

function target(id: string, arn: string, extra: Partial<EventTarget> = {}): EventTarget {
  return { id, arn, kind: arn.includes(':sqs:') ? 'sqs' : 'lambda', retry: DEFAULT_RETRY, ...extra };
}

function rule(name: string, bus: string, spec: Pick<EventRule, 'targets'> & Partial<EventRule>): EventRule {
  return { logicalId: `${name}Rule`, name, arn: ruleArn(bus, name), busName: bus, enabled: true, ...spec };
}

const rules: EventRule[] = [
  rule('order-placed', 'orders', {
    pattern: { source: ['shop.orders'], 'detail-type': ['OrderPlaced'] },
    targets: [target('queue', queueArn('order-events')), target('notify', functionArn('notify'))],
  }),
  rule('big-orders', 'orders', {
    pattern: { source: ['shop.orders'], detail: { total: [{ numeric: ['>', 100] }] } },
    targets: [target('details', queueArn('big-order-details'), { inputPath: '$.detail' }), target('audit', functionArn('audit'), { input: '{"audit":true}' })],
  }),
  rule('disabled', 'orders', { enabled: false, pattern: { source: ['shop.orders'] }, targets: [target('queue', queueArn('disabled'))] }),
  rule('flaky', 'default', {
    pattern: { source: ['shop.flaky'] },
    targets: [target('flaky', queueArn('flaky'), { retry: { maximumRetryAttempts: 2, maximumEventAgeSeconds: 3600 }, deadLetterArn: queueArn('flaky-dlq') })],
  }),
  rule('flaky-function', 'default', {
    pattern: { source: ['shop.flaky-function'] },
    targets: [target('fn', functionArn('flaky'), { retry: { maximumRetryAttempts: 1, maximumEventAgeSeconds: 3600 }, deadLetterArn: queueArn('flaky-function-dlq') })],
  }),
  // A zero maximum event age (AWS's minimum is 60 s) lets the test exhaust the age condition at once.
  rule('expiring', 'default', {
    pattern: { source: ['shop.expiring'] },
    targets: [target('expiring', queueArn('expiring'), { retry: { maximumRetryAttempts: 5, maximumEventAgeSeconds: 0 }, deadLetterArn: queueArn('expiring-dlq') })],
  }),
  rule('nightly', 'default', { scheduleExpression: 'cron(0 3 * * ? *)', targets: [target('nightly', functionArn('nightly'))] }),
];

const delivery = new RecordingDelivery();
let service: EventsService;
let endpoint: AwsEndpoint;
let client: EventBridgeClient;

beforeAll(async () => {
  service = new EventsService({ buses: ['default', 'orders'], rules, archives: [], delivery, retryBaseDelayMs: 5 });
  endpoint = await startAwsEndpoint({ services: [service] });
  client = new EventBridgeClient({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoint: endpoint.url });
});

afterAll(async () => {
  client?.destroy();
  service?.close();
  await endpoint?.close();
});

beforeEach(() => delivery.reset());

const order = (detail: Record<string, unknown>, extra: Partial<PutEventsRequestEntry> = {}): PutEventsRequestEntry => ({
  EventBusName: 'orders',
  Source: 'shop.orders',
  DetailType: 'OrderPlaced',
  Detail: JSON.stringify(detail),
  ...extra,
});

describe('PutEvents', () => {
  it('delivers the event to the targets of every matching rule, in the EventBridge envelope', async () => {
    const result = await client.send(new PutEventsCommand({ Entries: [order({ orderId: 'o-1', total: 250 }, { Resources: ['arn:aws:shop:::order/o-1'] })] }));
    expect(result.FailedEntryCount).toBe(0);
    const eventId = result.Entries?.[0]?.EventId;
    expect(eventId).toMatch(/^[0-9a-f-]{36}$/);

    const envelope = {
      version: '0',
      id: eventId,
      'detail-type': 'OrderPlaced',
      source: 'shop.orders',
      account: LOCAL_ACCOUNT,
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      region: LOCAL_REGION,
      resources: ['arn:aws:shop:::order/o-1'],
      detail: { orderId: 'o-1', total: 250 },
    };
    expect(delivery.bodies('order-events')).toEqual([envelope]);
    expect(delivery.payloads('notify')).toEqual([envelope]);
    // InputPath and Input of the second rule's targets
    expect(delivery.bodies('big-order-details')).toEqual([{ orderId: 'o-1', total: 250 }]);
    expect(delivery.payloads('audit')).toEqual([{ audit: true }]);
    // a disabled rule receives nothing
    expect(delivery.bodies('disabled')).toEqual([]);
  });

  it('routes each entry on its own: a small order matches only the first rule', async () => {
    const result = await client.send(new PutEventsCommand({ Entries: [order({ orderId: 'o-2', total: 50 }), order({ orderId: 'o-3', total: 101 })] }));
    expect(result.FailedEntryCount).toBe(0);
    expect(
      delivery
        .bodies('order-events')
        .map((e) => (e as { detail: { orderId: string } }).detail.orderId)
        .sort(),
    ).toEqual(['o-2', 'o-3']);
    expect(delivery.bodies('big-order-details')).toEqual([{ orderId: 'o-3', total: 101 }]);
  });

  it('accepts an event that matches no rule and delivers it nowhere', async () => {
    const result = await client.send(new PutEventsCommand({ Entries: [{ Source: 'shop.catalog', DetailType: 'ProductChanged', Detail: '{"sku":"A"}' }] }));
    expect(result.FailedEntryCount).toBe(0);
    expect(result.Entries?.[0]?.EventId).toBeDefined();
    expect(delivery.messages).toEqual([]);
    expect(delivery.invocations).toEqual([]);
  });

  it('takes the event bus by name or by ARN; rules of other buses do not see the event', async () => {
    await client.send(
      new PutEventsCommand({ Entries: [order({ orderId: 'o-4', total: 1 }, { EventBusName: `arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT}:event-bus/orders` })] }),
    );
    await client.send(new PutEventsCommand({ Entries: [order({ orderId: 'o-5', total: 1 }, { EventBusName: 'default' })] }));
    expect(delivery.bodies('order-events').map((e) => (e as { detail: { orderId: string } }).detail.orderId)).toEqual(['o-4']);
  });

  it('reports per-entry failures with FailedEntryCount and still delivers the good entries', async () => {
    const result = await client.send(
      new PutEventsCommand({
        Entries: [
          order({ orderId: 'o-6', total: 1 }),
          order({ orderId: 'o-7' }, { EventBusName: 'no-such-bus' }),
          { EventBusName: 'orders', Source: 'shop.orders', Detail: '{}' },
          { EventBusName: 'orders', DetailType: 'OrderPlaced', Detail: '{}' },
          { EventBusName: 'orders', Source: 'shop.orders', DetailType: 'OrderPlaced' },
          { EventBusName: 'orders', Source: 'shop.orders', DetailType: 'OrderPlaced', Detail: '{"orderId":' },
          { EventBusName: 'orders', Source: 'shop.orders', DetailType: 'OrderPlaced', Detail: '["not", "an", "object"]' },
        ],
      }),
    );
    expect(result.FailedEntryCount).toBe(6);
    const [ok, ...failed] = result.Entries ?? [];
    expect(ok?.EventId).toBeDefined();
    expect(ok?.ErrorCode).toBeUndefined();
    expect(failed.map((e) => [e.ErrorCode, e.EventId])).toEqual([
      ['ResourceNotFoundException', undefined],
      ['InvalidArgument', undefined],
      ['InvalidArgument', undefined],
      ['InvalidArgument', undefined],
      ['MalformedDetail', undefined],
      ['MalformedDetail', undefined],
    ]);
    expect(failed[0]?.ErrorMessage).toMatch(/no-such-bus/);
    expect(failed[1]?.ErrorMessage).toMatch(/DetailType/);
    expect(failed[2]?.ErrorMessage).toMatch(/Source/);
    expect(failed[3]?.ErrorMessage).toMatch(/Detail/);
    expect(delivery.bodies('order-events')).toHaveLength(1);
  });

  it('rejects more than 10 entries, or none, with a ValidationException', async () => {
    const eleven = Array.from({ length: 11 }, (_, i) => order({ orderId: `o-${i}`, total: 1 }));
    await expect(client.send(new PutEventsCommand({ Entries: eleven }))).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringMatching(/between 1 and 10/) });
    await expect(client.send(new PutEventsCommand({ Entries: [] }))).rejects.toMatchObject({ name: 'ValidationException' });
    expect(delivery.messages).toEqual([]);
    const ten = await client.send(new PutEventsCommand({ Entries: eleven.slice(0, 10) }));
    expect(ten.FailedEntryCount).toBe(0);
    expect(delivery.bodies('order-events')).toHaveLength(10);
  });
});

describe('TestEventPattern', () => {
  const sample = {
    id: 'e9a1b7c0-0000-4000-8000-000000000001',
    'detail-type': 'OrderPlaced',
    source: 'shop.orders',
    account: LOCAL_ACCOUNT,
    time: '2024-03-01T12:00:00Z',
    region: LOCAL_REGION,
    resources: [],
    detail: { orderId: 'o-1', total: 250, currency: 'EUR' },
  };
  const test = (pattern: unknown, event: unknown = sample) =>
    client.send(new TestEventPatternCommand({ EventPattern: typeof pattern === 'string' ? pattern : JSON.stringify(pattern), Event: JSON.stringify(event) }));

  it.each([
    ['numeric > 100 matches a total of 250', { source: ['shop.orders'], detail: { total: [{ numeric: ['>', 100] }] } }, true],
    ['numeric <= 100 does not', { source: ['shop.orders'], detail: { total: [{ numeric: ['<=', 100] }] } }, false],
    ['anything-but a list of currencies', { detail: { currency: [{ 'anything-but': ['USD', 'GBP'] }] } }, true],
    ['exists false and prefix', { detail: { couponCode: [{ exists: false }], orderId: [{ prefix: 'o-' }] } }, true],
    ['an $or whose branches both fail', { $or: [{ source: ['shop.catalog'] }, { 'detail-type': ['OrderCancelled'] }] }, false],
  ])('%s → %s', async (_name, pattern, expected) => {
    expect((await test(pattern)).Result).toBe(expected);
  });

  it('rejects an invalid pattern with InvalidEventPatternException', async () => {
    await expect(test({ source: 'shop.orders' })).rejects.toMatchObject({
      name: 'InvalidEventPatternException',
      message: expect.stringMatching(/Event pattern is not valid.*must be an object or an array/),
    });
    await expect(test({ detail: { total: [{ numeric: ['>', 10, '<', 5] }] } })).rejects.toMatchObject({
      name: 'InvalidEventPatternException',
      message: expect.stringMatching(/Bottom must be less than top/),
    });
    await expect(test('{"source": [')).rejects.toMatchObject({ name: 'InvalidEventPatternException' });
  });

  it('rejects an event without the mandatory envelope fields', async () => {
    const { id: _id, ...withoutId } = sample;
    await expect(test({ source: ['shop.orders'] }, withoutId)).rejects.toMatchObject({ name: 'InvalidEventPatternException', message: expect.stringMatching(/id/) });
  });
});

describe('retries and dead-letter queues', () => {
  it('retries a failing target per its RetryPolicy, then sends the event to its DeadLetterConfig queue', async () => {
    delivery.failing.set(queueArn('flaky'), Number.POSITIVE_INFINITY);
    // an old Time: the event's age for the retry policy counts from when EventBridge received it
    const result = await client.send(new PutEventsCommand({ Entries: [{ Source: 'shop.flaky', DetailType: 'Flaky', Detail: '{"n":1}', Time: new Date('2017-10-02T00:00:00Z') }] }));
    expect(result.FailedEntryCount).toBe(0);

    await vi.waitFor(() => expect(delivery.bodies('flaky-dlq')).toHaveLength(1), { timeout: 10_000, interval: 10 });
    expect(delivery.attempts.get(queueArn('flaky'))).toBe(3); // the first attempt and 2 retries
    expect(delivery.bodies('flaky')).toEqual([]);
    const dead = delivery.messages.find((m) => m.queueArn === queueArn('flaky-dlq'));
    expect(JSON.parse(dead?.body ?? '{}')).toMatchObject({ id: result.Entries?.[0]?.EventId, source: 'shop.flaky', time: '2017-10-02T00:00:00Z', detail: { n: 1 } });
    expect(dead?.attributes).toEqual({
      RULE_ARN: ruleArn('default', 'flaky'),
      TARGET_ARN: queueArn('flaky'),
      ERROR_CODE: 'TargetUnavailable',
      ERROR_MESSAGE: `${queueArn('flaky')} is unavailable`,
      EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttempts',
      RETRY_ATTEMPTS: '2',
    });
  });

  it('delivers once a failing target recovers, without dead-lettering', async () => {
    delivery.failing.set(queueArn('flaky'), 2);
    await client.send(new PutEventsCommand({ Entries: [{ Source: 'shop.flaky', DetailType: 'Flaky', Detail: '{"n":2}' }] }));
    await vi.waitFor(() => expect(delivery.bodies('flaky')).toHaveLength(1), { timeout: 10_000, interval: 10 });
    expect(delivery.attempts.get(queueArn('flaky'))).toBe(3);
    expect(delivery.bodies('flaky-dlq')).toEqual([]);
  });

  it('retries Lambda targets too', async () => {
    delivery.failing.set(functionArn('flaky'), Number.POSITIVE_INFINITY);
    await client.send(new PutEventsCommand({ Entries: [{ Source: 'shop.flaky-function', DetailType: 'Flaky', Detail: '{}' }] }));
    await vi.waitFor(() => expect(delivery.bodies('flaky-function-dlq')).toHaveLength(1), { timeout: 10_000, interval: 10 });
    expect(delivery.attempts.get(functionArn('flaky'))).toBe(2);
    expect(delivery.messages[0]?.attributes).toMatchObject({ TARGET_ARN: functionArn('flaky'), RETRY_ATTEMPTS: '1' });
  });

  it('stops retrying when the event is older than MaximumEventAgeInSeconds', async () => {
    delivery.failing.set(queueArn('expiring'), Number.POSITIVE_INFINITY);
    await client.send(new PutEventsCommand({ Entries: [{ Source: 'shop.expiring', DetailType: 'Expiring', Detail: '{}' }] }));
    // dead-lettered during PutEvents: no retry was scheduled
    expect(delivery.attempts.get(queueArn('expiring'))).toBe(1);
    expect(delivery.messages.find((m) => m.queueArn === queueArn('expiring-dlq'))?.attributes).toMatchObject({
      EXHAUSTED_RETRY_CONDITION: 'MaximumEventAgeInSeconds',
      RETRY_ATTEMPTS: '0',
    });
  });
});

describe('rules', () => {
  it('lists the rules of a bus and the targets of a rule', async () => {
    const listed = await client.send(new ListRulesCommand({ EventBusName: 'orders' }));
    expect(listed.Rules?.map((r) => [r.Name, r.State])).toEqual([
      ['order-placed', 'ENABLED'],
      ['big-orders', 'ENABLED'],
      ['disabled', 'DISABLED'],
    ]);
    const targets = await client.send(new ListTargetsByRuleCommand({ Rule: 'flaky' }));
    expect(targets.Targets).toEqual([
      { Id: 'flaky', Arn: queueArn('flaky'), RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 }, DeadLetterConfig: { Arn: queueArn('flaky-dlq') } },
    ]);
    await expect(client.send(new ListTargetsByRuleCommand({ Rule: 'no-such-rule' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

describe('scheduled rules', () => {
  afterEach(() => vi.useRealTimers());

  it('fireSchedule delivers a "Scheduled Event" from aws.events to the rule targets', async () => {
    const nightly = service.rules.find((r) => r.name === 'nightly') as EventRule;
    await service.fireSchedule(nightly, new Date('2024-03-01T03:00:00.000Z'));
    expect(delivery.payloads('nightly')).toEqual([
      {
        version: '0',
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        account: LOCAL_ACCOUNT,
        time: '2024-03-01T03:00:00Z',
        region: LOCAL_REGION,
        resources: [nightly.arn],
        detail: {},
      },
    ]);
  });

  it('startSchedules fires each rate period once, counted from the start, until closed', async () => {
    vi.useFakeTimers({ now: new Date('2024-03-01T10:00:30Z'), toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const timed = new RecordingDelivery();
    const ticker = rule('ticker', 'default', { scheduleExpression: 'rate(5 minutes)', targets: [target('tick', functionArn('tick'))] });
    let lag = 0;
    const local = new EventsService({ buses: ['default'], rules: [ticker], archives: [], delivery: timed, now: () => new Date(Date.now() - lag) });
    local.startSchedules();
    // the wall clock steps back a little after the timers are armed (as after an NTP correction):
    // a timer then wakes just before its fire time by the service's clock, and must not fire it twice
    lag = 500;
    await vi.advanceTimersByTimeAsync(4 * 60_000); // 10:04:30
    expect(timed.invocations).toEqual([]);
    await vi.advanceTimersByTimeAsync(60_000); // 10:05:30
    await vi.advanceTimersByTimeAsync(5 * 60_000); // 10:10:30
    expect(timed.payloads('tick').map((p) => (p as { time: string }).time)).toEqual(['2024-03-01T10:05:00Z', '2024-03-01T10:10:00Z']);
    local.close();
    await vi.advanceTimersByTimeAsync(30 * 60_000);
    expect(timed.invocations).toHaveLength(2);
  });
});
