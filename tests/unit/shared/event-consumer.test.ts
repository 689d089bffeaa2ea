/**
 * The kernel's SQS event consumer (shared/event-consumer.ts), which every capability's consumer is
 * built on: EventBridge envelopes validated against the event contracts (an invalid message fails,
 * never silently dropped), partial batch responses, sequential processing on request, and the
 * shortened redelivery of records that wait for another event.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as z from '../../../shared/zod.ts';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import type { SQSRecord } from 'aws-lambda';
import { OrderPlaced } from '../../../events/order-placed.ts';
import { ProductChanged } from '../../../events/product-changed.ts';
import { RiskApproved } from '../../../events/risk-assessed.ts';
import {
  backoffRedelivery,
  deferSeconds,
  eventBatchConsumer,
  eventConsumer,
  InvalidMessageError,
  keyedQueue,
  parseEventMessage,
  sqsConsumer,
  type ConsumedEvent,
} from '../../../shared/event-consumer.ts';
import { logger, metrics, timeRunsOut } from '../../../shared/observability.ts';
import { eventBridgeEvent, lambdaContext, sqsEvent, sqsRecord } from '../../support/http-events.ts';

const meta = { correlationId: 'corr-1', occurredAt: '2026-11-23T08:00:00.000Z', eventId: 'ev-1' };
const riskApproved = (extra: Record<string, unknown> = {}) => eventBridgeEvent(RiskApproved.name, RiskApproved.source, { version: 1, ...RiskApproved.example, meta, ...extra });
const productChanged = (sku: string) =>
  eventBridgeEvent(ProductChanged.name, ProductChanged.source, { version: 1, ...ProductChanged.example, sku, meta: { ...meta, eventId: `ev-${sku}` } });

class WaitError extends Error {}

/** The zod schemas built while `run` runs (zod's construction hook). */
function schemasBuiltBy(run: () => unknown): number {
  const config = (globalThis as { __zod_globalConfig?: { postProcessor?: (schema: unknown) => void } }).__zod_globalConfig;
  if (!config) throw new Error('zod is not loaded');
  let built = 0;
  config.postProcessor = () => void built++;
  try {
    run();
  } finally {
    delete config.postProcessor;
  }
  return built;
}

afterEach(() => vi.restoreAllMocks());

describe('parseEventMessage', () => {
  it('parses the EventBridge envelope and the detail against the event contract', () => {
    const event = parseEventMessage(sqsRecord(riskApproved()), [OrderPlaced, RiskApproved]);
    expect(event).toMatchObject({ name: 'RiskApproved', detail: { orderId: RiskApproved.example.orderId, version: 1, meta } });
  });

  it('fails a message that is not JSON, not an EventBridge event, of another type or source, or invalid — naming fields, never values', () => {
    const parse = (body: unknown) => () => parseEventMessage(sqsRecord(body), [RiskApproved]);
    expect(parse('not json')).toThrow(new InvalidMessageError('body is not JSON'));
    expect(parse({ 'detail-type': RiskApproved.name, source: RiskApproved.source, detail: {} })).toThrow(/^not an EventBridge event: .*\bid\b/);
    expect(parse(eventBridgeEvent('OrderShipped', 'commerce.fulfillment', {}))).toThrow(/unexpected event OrderShipped from commerce\.fulfillment/);
    expect(parse(eventBridgeEvent(RiskApproved.name, 'commerce.evil', { version: 1, ...RiskApproved.example, meta }))).toThrow(/unexpected event RiskApproved from commerce\.evil/);
    expect(parse(eventBridgeEvent('x'.repeat(500), 'commerce.fraud', {}))).toThrow(/^unexpected event x{64} from/);
    expect(parse(riskApproved({ orderId: 'secret-value' }))).toThrow(/^not a valid RiskApproved v1 event: orderId$/);
    expect(parse(riskApproved({ orderId: 'secret-value' }))).not.toThrow(/secret-value/);
    expect(parse(riskApproved({ meta: { ...meta, eventId: '' } }))).toThrow(InvalidMessageError);
  });
});

describe('the schemas a consumer parses with', () => {
  it('are built when the consumer is built (the init phase), not on its first message', async () => {
    // Fresh modules: the envelope's schema is built once per module instance, and the tests above
    // have built this file's.
    vi.resetModules();
    const consumers = await import('../../../shared/event-consumer.ts');
    const { defineEvent: define } = await import('../../../events/event-definition.ts');
    const one = vi.fn(() => z.object({ orderId: z.string() }));
    const two = vi.fn(() => z.object({ sku: z.string() }));
    const First = define({ name: 'InitExampleOne', version: 1, source: 'commerce.checkout', description: 'x', schema: one, example: { orderId: 'o-1' } });
    const Second = define({ name: 'InitExampleTwo', version: 1, source: 'commerce.catalog', description: 'x', schema: two, example: { sku: 'SKU-1' } });
    expect(one).not.toHaveBeenCalled();
    consumers.eventConsumer([First], async () => undefined);
    expect(one).toHaveBeenCalledTimes(1);
    consumers.eventBatchConsumer([First, Second], async (records) => records.map(() => undefined));
    expect(one).toHaveBeenCalledTimes(1);
    expect(two).toHaveBeenCalledTimes(1);
    // Built already: the detail schemas (not only the payloads) and the envelope's.
    const detail = { sku: 'SKU-1', version: 1, meta: { correlationId: 'c', occurredAt: '2026-12-06T00:00:00.000Z', eventId: 'e' } };
    const body = eventBridgeEvent(Second.name, Second.source, detail);
    expect(schemasBuiltBy(() => consumers.parseEventMessage(sqsRecord(body), [Second]))).toBe(0);
  });
});

describe('eventConsumer', () => {
  it('runs the handler on each parsed record with the record and the Lambda context', async () => {
    const seen: Array<[ConsumedEvent<typeof ProductChanged>, string, string]> = [];
    const context = lambdaContext(29_000, 'consumer-under-test');
    const handler = eventConsumer([ProductChanged], async (event, record, ctx) => {
      seen.push([event, record.messageId, ctx.functionName]);
    });
    expect(await handler(sqsEvent(sqsRecord(productChanged('SKU-A'), 'm1'), sqsRecord(productChanged('SKU-B'), 'm2')), context)).toEqual({ batchItemFailures: [] });
    expect(seen.map(([e, id, fn]) => [e.name, e.detail.sku, id, fn])).toEqual([
      ['ProductChanged', 'SKU-A', 'm1', 'consumer-under-test'],
      ['ProductChanged', 'SKU-B', 'm2', 'consumer-under-test'],
    ]);
  });

  it('reports each failed record alone: invalid messages and handler errors fail, the rest succeed', async () => {
    const errors = vi.spyOn(logger, 'error');
    const handled: string[] = [];
    const handler = eventConsumer([ProductChanged], async ({ detail }) => {
      if (detail.sku === 'SKU-DOWN') throw new Error('store unavailable');
      handled.push(detail.sku);
    });
    const result = await handler(
      sqsEvent(
        sqsRecord(productChanged('SKU-OK'), 'ok'),
        sqsRecord('{not json', 'not-json'),
        sqsRecord(eventBridgeEvent('OrderPlaced', 'commerce.checkout', { orderId: '1' }), 'wrong-type'),
        sqsRecord(productChanged('lower-case'), 'bad-detail'),
        sqsRecord(productChanged('SKU-DOWN'), 'store-down'),
      ),
      lambdaContext(),
    );
    expect(result.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['bad-detail', 'not-json', 'store-down', 'wrong-type']);
    expect(handled).toEqual(['SKU-OK']);
    // One line per failed record: invalid messages by message id, handler errors with the event's ids; never the body.
    expect(errors).toHaveBeenCalledTimes(4);
    expect(errors).toHaveBeenCalledWith('invalid message', { messageId: 'bad-detail', error: 'not a valid ProductChanged v1 event: sku' });
    expect(errors).toHaveBeenCalledWith(
      'record failed',
      expect.objectContaining({ messageId: 'store-down', event: 'ProductChanged', eventId: 'ev-SKU-DOWN', correlationId: 'corr-1' }),
    );
    expect(JSON.stringify(errors.mock.calls)).not.toContain('lower-case');
  });

  it('processes records in parallel by default and one after the other when sequential', async () => {
    const run = async (sequential: boolean) => {
      let running = 0;
      let most = 0;
      const order: string[] = [];
      const handler = eventConsumer(
        [ProductChanged],
        async ({ detail }) => {
          running += 1;
          most = Math.max(most, running);
          await new Promise((resolve) => setImmediate(resolve));
          order.push(detail.sku);
          running -= 1;
        },
        { sequential },
      );
      await handler(sqsEvent(...['SKU-1', 'SKU-2', 'SKU-3'].map((sku) => sqsRecord(productChanged(sku)))), lambdaContext());
      return { most, order };
    };
    expect((await run(false)).most).toBe(3);
    expect(await run(true)).toEqual({ most: 1, order: ['SKU-1', 'SKU-2', 'SKU-3'] });
  });

  it('with inOrderOf, records of one key run one after the other in the batch order (after a failure too), other keys concurrently', async () => {
    const events: string[] = [];
    let running = 0;
    let most = 0;
    const handler = eventConsumer(
      [ProductChanged],
      async ({ detail }) => {
        running += 1;
        most = Math.max(most, running);
        events.push(`start ${detail.sku}`);
        await new Promise((resolve) => setTimeout(resolve, detail.sku.startsWith('SKU-A') ? 20 : 1));
        events.push(`end ${detail.sku}`);
        running -= 1;
        if (detail.sku === 'SKU-A1') throw new Error('boom');
      },
      { inOrderOf: ({ detail }) => (detail.sku === 'SKU-SOLO' ? undefined : detail.sku.slice(0, 5)) },
    );
    const skus = ['SKU-A1', 'SKU-B1', 'SKU-A2', 'SKU-SOLO', 'SKU-B2', 'SKU-A3'];
    const response = await handler(sqsEvent(...skus.map((sku) => sqsRecord(productChanged(sku), sku))), lambdaContext());
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'SKU-A1' }]);
    // one key's records: each starts after the one before it ended (A2 although A1 failed)
    const at = (entry: string) => events.indexOf(entry);
    expect(at('start SKU-A2')).toBeGreaterThan(at('end SKU-A1'));
    expect(at('start SKU-A3')).toBeGreaterThan(at('end SKU-A2'));
    expect(at('start SKU-B2')).toBeGreaterThan(at('end SKU-B1'));
    // different keys (and a record without one) at the same time
    expect(most).toBe(3);
    expect(at('start SKU-B1')).toBeLessThan(at('end SKU-A1'));
    expect(at('start SKU-SOLO')).toBeLessThan(at('end SKU-A1'));
    expect(events.filter((e) => e.startsWith('start'))).toHaveLength(skus.length);
  });

  it('keyedQueue runs a task queued while its key is busy after every earlier one, also after the first of them settled', async () => {
    const queue = keyedQueue();
    const events: string[] = [];
    let releaseSecond!: () => void;
    const first = queue('k', async () => void events.push('1'));
    const second = queue('k', async () => {
      events.push('2 start');
      await new Promise<void>((resolve) => (releaseSecond = resolve));
      events.push('2 end');
    });
    await first;
    await new Promise((resolve) => setImmediate(resolve));
    expect(events).toEqual(['1', '2 start']);
    const third = queue('k', async () => void events.push('3'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(events).toEqual(['1', '2 start']);
    releaseSecond();
    await Promise.all([second, third]);
    expect(events).toEqual(['1', '2 start', '2 end', '3']);
  });

  it('keyedQueue forgets a key once its last task settled', async () => {
    const queue = keyedQueue();
    const order: number[] = [];
    let release!: () => void;
    const first = queue('k', () => new Promise<void>((resolve) => (release = resolve)).then(() => void order.push(1)));
    const second = queue('k', async () => void order.push(2));
    await Promise.resolve();
    expect(order).toEqual([]);
    release();
    await Promise.all([first, second]);
    expect(order).toEqual([1, 2]);
    await new Promise((resolve) => setImmediate(resolve));
    // a new task of the key runs at once: nothing is left queued before it
    let ranAt = -1;
    const third = queue('k', async () => void (ranAt = order.length));
    expect(ranAt).toBe(2);
    await third;
  });

  it('a "retry later" error fails its record (logged as deferred, not as an error) and shortens its redelivery', async () => {
    const errors = vi.spyOn(logger, 'error');
    const infos = vi.spyOn(logger, 'info');
    const redelivered: string[] = [];
    const handler = eventConsumer(
      [ProductChanged],
      async ({ detail }) => {
        if (detail.sku === 'SKU-WAIT') throw new WaitError('waiting for OrderPlaced');
        if (detail.sku === 'SKU-FAIL') throw new Error('boom');
      },
      { retryLater: { error: WaitError, redeliver: async (record) => void redelivered.push(record.messageId) }, logKeys: ({ detail }) => ({ sku: detail.sku }) },
    );
    const result = await handler(
      sqsEvent(sqsRecord(productChanged('SKU-WAIT'), 'wait'), sqsRecord(productChanged('SKU-FAIL'), 'fail'), sqsRecord(productChanged('SKU-OK'), 'ok')),
      lambdaContext(),
    );
    expect(result.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['fail', 'wait']);
    expect(redelivered).toEqual(['wait']);
    expect(infos).toHaveBeenCalledWith('record deferred', {
      messageId: 'wait',
      event: 'ProductChanged',
      eventId: 'ev-SKU-WAIT',
      correlationId: 'corr-1',
      sku: 'SKU-WAIT',
      why: 'waiting for OrderPlaced',
    });
    expect(errors).toHaveBeenCalledTimes(1);
    expect(errors).toHaveBeenCalledWith('record failed', expect.objectContaining({ messageId: 'fail', sku: 'SKU-FAIL' }));
  });

  it('a redelivery that cannot be shortened is only a warning: the record still fails alone', async () => {
    const warnings = vi.spyOn(logger, 'warn');
    const handler = eventConsumer(
      [ProductChanged],
      async () => {
        throw new WaitError('not yet');
      },
      {
        retryLater: {
          error: WaitError,
          redeliver: async () => {
            throw new Error('SQS unavailable');
          },
        },
      },
    );
    expect(await handler(sqsEvent(sqsRecord(productChanged('SKU-1'), 'w1')), lambdaContext())).toEqual({ batchItemFailures: [{ itemIdentifier: 'w1' }] });
    expect(warnings).toHaveBeenCalledWith('could not shorten the redelivery delay', expect.objectContaining({ messageId: 'w1' }));
  });

  it('without a retry-later option every error is a plain failure; the failure metric counts failed records per batch', async () => {
    const added = vi.spyOn(metrics, 'addMetric');
    const handler = eventConsumer(
      [ProductChanged],
      async () => {
        throw new WaitError('not yet');
      },
      { failureMetric: 'ThingFailures' },
    );
    await handler(sqsEvent(sqsRecord(productChanged('SKU-1')), sqsRecord('garbage')), lambdaContext());
    expect(added.mock.calls.filter(([name]) => name === 'ThingFailures')).toEqual([['ThingFailures', 'Count', 2]]);
    added.mockClear();
    await eventConsumer([ProductChanged], async () => undefined, { failureMetric: 'ThingFailures' })(sqsEvent(sqsRecord(productChanged('SKU-1'))), lambdaContext());
    expect(added.mock.calls.filter(([name]) => name === 'ThingFailures')).toEqual([]);
  });
});

describe('sqsConsumer', () => {
  it('runs the handler on any SQS message and reports the records it failed; sequential on request', async () => {
    const seen: string[] = [];
    const handler = sqsConsumer(
      async (record) => {
        seen.push(record.body);
        if (record.body === 'bad') throw new Error('no');
      },
      { sequential: true },
    );
    const result = await handler(sqsEvent(sqsRecord('one', 'm1'), sqsRecord('bad', 'm2'), sqsRecord('three', 'm3')), lambdaContext());
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm2' }] });
    expect(seen).toEqual(['one', 'bad', 'three']);
  });

  it('timeRunsOut: a batch job stops once less than its reserve is left (never without a Lambda context)', () => {
    expect(timeRunsOut(lambdaContext(5_000), 10_000)()).toBe(true);
    expect(timeRunsOut(lambdaContext(29_000), 10_000)()).toBe(false);
    expect(timeRunsOut(undefined, 10_000)()).toBe(false);
  });
});

describe('redelivery backoff', () => {
  it('waits 5 s, 15 s, 45 s, 135 s, 405 s … by receive count, at most 12 hours', () => {
    expect([1, 2, 3, 4, 5].map(deferSeconds)).toEqual([5, 15, 45, 135, 405]);
    expect(deferSeconds(0)).toBe(5);
    expect(deferSeconds(50)).toBe(43_200);
  });

  it("changes the record's visibility by its receive count; the queue URL is looked up once per queue", async () => {
    const sent: Array<[string, Record<string, unknown>]> = [];
    const client = {
      send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
        sent.push([command.constructor.name, command.input]);
        return command.constructor.name === 'GetQueueUrlCommand' ? { QueueUrl: `https://sqs.local/${String(command.input.QueueName)}` } : {};
      },
    };
    const redeliver = backoffRedelivery(client as never);
    const record = (receiveCount: string, arn = 'arn:aws:sqs:eu-west-1:123456789012:payments-queue'): SQSRecord => {
      const r = sqsRecord('x', `m-${receiveCount}`);
      return { ...r, eventSourceARN: arn, attributes: { ...r.attributes, ApproximateReceiveCount: receiveCount } };
    };
    await redeliver(record('1'));
    await redeliver(record('3'));
    await redeliver(record('1', 'not-an-arn'));
    await redeliver({ ...record('1'), receiptHandle: '' });
    expect(sent).toEqual([
      ['GetQueueUrlCommand', { QueueName: 'payments-queue', QueueOwnerAWSAccountId: '123456789012' }],
      ['ChangeMessageVisibilityCommand', { QueueUrl: 'https://sqs.local/payments-queue', ReceiptHandle: 'rh-m-1', VisibilityTimeout: 5 }],
      ['ChangeMessageVisibilityCommand', { QueueUrl: 'https://sqs.local/payments-queue', ReceiptHandle: 'rh-m-3', VisibilityTimeout: 45 }],
    ]);
  });
});

describe('eventBatchConsumer', () => {
  it('hands the valid records to the batch handler together, in order; reports invalid ones and those it answers with an error, each alone', async () => {
    const errors = vi.spyOn(logger, 'error');
    const seen: string[][] = [];
    const handler = eventBatchConsumer([ProductChanged], async (records) => {
      seen.push(records.map((r) => `${r.record.messageId}:${r.event.detail.sku}`));
      return records.map((r) => (r.event.detail.sku === 'SKU-DOWN' ? new Error('store unavailable') : undefined));
    });
    const result = await handler(
      sqsEvent(sqsRecord(productChanged('SKU-A'), 'a'), sqsRecord('{not json', 'not-json'), sqsRecord(productChanged('SKU-DOWN'), 'down'), sqsRecord(productChanged('SKU-B'), 'b')),
      lambdaContext(),
    );
    expect(seen).toEqual([['a:SKU-A', 'down:SKU-DOWN', 'b:SKU-B']]);
    expect(result.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['down', 'not-json']);
    expect(errors).toHaveBeenCalledWith('invalid message', { messageId: 'not-json', error: 'body is not JSON' });
    expect(errors).toHaveBeenCalledWith('record failed', expect.objectContaining({ messageId: 'down', event: 'ProductChanged', eventId: 'ev-SKU-DOWN', correlationId: 'corr-1' }));
  });

  it('every record fails when the batch handler throws or answers for another number of records; nothing is called for a batch of invalid messages', async () => {
    const records = () => sqsEvent(sqsRecord(productChanged('SKU-A'), 'a'), sqsRecord(productChanged('SKU-B'), 'b'));
    const throwing = eventBatchConsumer([ProductChanged], async () => {
      throw new Error('table unavailable');
    });
    expect((await throwing(records(), lambdaContext())).batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['a', 'b']);
    const short = eventBatchConsumer([ProductChanged], async () => [undefined]);
    expect((await short(records(), lambdaContext())).batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['a', 'b']);
    const called = vi.fn(async () => []);
    const none = eventBatchConsumer([ProductChanged], called);
    expect((await none(sqsEvent(sqsRecord('{not json', 'x')), lambdaContext())).batchItemFailures).toEqual([{ itemIdentifier: 'x' }]);
    expect(called).not.toHaveBeenCalled();
  });
});
