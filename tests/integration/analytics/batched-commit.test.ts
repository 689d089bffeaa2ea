/**
 * KPI-1 at a sale's rate: the analytics consumer commits a batch of events in one transaction
 * (apply-event.ts `applyEvents`), so the day's aggregates take one write per batch instead of one
 * per event — and the result is exactly what applying the events one by one gives. Against
 * DynamoDB Local, counting the consumer's requests; each test uses days and customers of its own.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { OrderCancelled } from '../../../events/order-cancelled.ts';
import { OrderPlaced } from '../../../events/order-placed.ts';
import { AnalyticsStore } from '../../../functions/analytics/analytics-store.ts';
import { makeConsumeAnalyticsEventsHandler } from '../../../functions/analytics/handlers/consume-analytics-events.ts';
import { requireSetting } from '../../../shared/config.ts';
import { documentClient } from '../../../shared/dynamodb.ts';
import { eventBridgeEvent, lambdaContext, sqsEvent, sqsRecord } from '../../support/http-events.ts';
import { useLocalDynamoDb } from '../../support/local-dynamodb-env.ts';

beforeAll(() => {
  useLocalDynamoDb();
});

type Send = Pick<DynamoDBDocumentClient, 'send'>['send'];

/** A store whose client counts requests by command, and refuses transactions holding a poisoned event's marker. */
function countingStore(poisoned = new Set<string>()) {
  const counts: Record<string, number> = {};
  const client = documentClient();
  const send = (async (command: { constructor: { name: string }; input?: { TransactItems?: Array<{ Put?: { Item?: Record<string, unknown> } }> } }) => {
    const name = command.constructor.name;
    counts[name] = (counts[name] ?? 0) + 1;
    const markers = (command.input?.TransactItems ?? []).map((item) => String(item.Put?.Item?.pk ?? ''));
    if (markers.some((pk) => poisoned.has(pk.replace('EVENT#', '')))) throw Object.assign(new Error('poisoned event'), { name: 'InternalServerError' });
    return client.send(command as never);
  }) as unknown as Send;
  const store = new AnalyticsStore(requireSetting('analyticsTableName'), { send } as Pick<DynamoDBDocumentClient, 'send'>);
  return { store, counts };
}

const cny = (amount: number) => ({ amount, currency: 'CNY' });
let dayCounter = 0;
/** A day of its own (no other test, nor an earlier run on the same database, counts on it). */
const YEAR = 2100 + Math.floor(Math.random() * 800);
const freshDay = () => {
  dayCounter++;
  return `${YEAR}-${String(dayCounter).padStart(2, '0')}-15`;
};

function placed(day: string, customerId: string, amount: number, categories: readonly string[] = ['tea']) {
  const placedAt = `${day}T10:00:00.000Z`;
  const orderId = ulid(Date.parse(placedAt));
  const detail = {
    ...OrderPlaced.example,
    version: OrderPlaced.version,
    orderId,
    customerId,
    lines: categories.map((category, i) => ({ sku: `SKU-BATCH-${i}`, quantity: 1, category, unitPrice: cny(amount), lineTotal: cny(amount) })),
    reservations: categories.map((_, i) => ({ sku: `SKU-BATCH-${i}`, warehouseId: 'WH-EAST', quantity: 1 })),
    subtotal: cny(amount * categories.length),
    discountTotal: cny(0),
    shippingFee: cny(0),
    total: cny(amount * categories.length),
    amountDue: cny(amount * categories.length),
    paymentMethod: 'card',
    placedAt,
    paymentDueBy: `${day}T10:30:00.000Z`,
    couponCode: undefined,
    meta: { eventId: ulid(), correlationId: ulid(), occurredAt: placedAt },
  };
  return { orderId, customerId, detail, record: () => sqsRecord(eventBridgeEvent(OrderPlaced.name, OrderPlaced.source, detail)) };
}

function cancelled(day: string, orderId: string, customerId: string) {
  const at = `${day}T11:00:00.000Z`;
  const detail = {
    ...OrderCancelled.example,
    version: OrderCancelled.version,
    orderId,
    customerId,
    actor: customerId,
    cancelledAt: at,
    meta: { eventId: ulid(), correlationId: ulid(), occurredAt: at },
  };
  return { record: () => sqsRecord(eventBridgeEvent(OrderCancelled.name, OrderCancelled.source, detail)) };
}

async function dayTotals(day: string) {
  return new AnalyticsStore(requireSetting('analyticsTableName')).dayTotal(day);
}

describe('KPI-1: a batch of events in one transaction', () => {
  it('ten orders of one day: one BatchGetItem and one TransactWriteItems for the batch, the day counted exactly', async () => {
    const day = freshDay();
    const { store, counts } = countingStore();
    const consume = makeConsumeAnalyticsEventsHandler({ store: () => store });
    const orders = Array.from({ length: 10 }, (_, i) => placed(day, `batch-${ulid()}`, 1_000 * (i + 1)));
    const result = await consume(sqsEvent(...orders.map((o) => o.record())), lambdaContext());
    expect(result.batchItemFailures).toEqual([]);
    expect(counts).toMatchObject({ BatchGetCommand: 1, TransactWriteCommand: 1 });
    const totals = await dayTotals(day);
    expect(totals.orders).toBe(10);
    expect(totals.gmv).toBe(55_000);
  });

  it('one customer’s order placed and cancelled in the same batch, the same event twice in it: as if applied one by one', async () => {
    const day = freshDay();
    const { store, counts } = countingStore();
    const consume = makeConsumeAnalyticsEventsHandler({ store: () => store });
    const customerId = `batch-${ulid()}`;
    const first = placed(day, customerId, 4_000);
    const second = placed(day, customerId, 6_000);
    const again = first.record();
    const result = await consume(sqsEvent(first.record(), second.record(), cancelled(day, first.orderId, customerId).record(), again), lambdaContext());
    expect(result.batchItemFailures).toEqual([]);
    expect(counts.TransactWriteCommand).toBe(1);
    const totals = await dayTotals(day);
    // The cancelled order no longer counts; the customer's second order does.
    expect(totals.orders).toBe(1);
    expect(totals.gmv).toBe(6_000);
  });

  it('a batch with an event applied before: the batched commit is refused on its marker, the rest are committed together again, the old one is a duplicate', async () => {
    const day = freshDay();
    const consume = makeConsumeAnalyticsEventsHandler({ store: () => countingStore().store });
    const old = placed(day, `batch-${ulid()}`, 2_000);
    expect((await consume(sqsEvent(old.record()), lambdaContext())).batchItemFailures).toEqual([]);
    const { store, counts } = countingStore();
    const consumeCounted = makeConsumeAnalyticsEventsHandler({ store: () => store });
    const fresh = [placed(day, `batch-${ulid()}`, 3_000), placed(day, `batch-${ulid()}`, 5_000)];
    const result = await consumeCounted(sqsEvent(fresh[0]!.record(), old.record(), fresh[1]!.record()), lambdaContext());
    expect(result.batchItemFailures).toEqual([]);
    // The refused batch commit, then the two others together.
    expect(counts).toMatchObject({ TransactWriteCommand: 2, BatchGetCommand: 2 });
    const totals = await dayTotals(day);
    expect(totals.orders).toBe(3);
    expect(totals.gmv).toBe(10_000);
  });

  it('a batch too large for one transaction is halved until it fits (twenty orders over eighty categories)', async () => {
    const day = freshDay();
    const { store, counts } = countingStore();
    const consume = makeConsumeAnalyticsEventsHandler({ store: () => store });
    const orders = Array.from({ length: 20 }, (_, i) =>
      placed(
        day,
        `batch-${ulid()}`,
        1_000,
        ['a', 'b', 'c', 'd'].map((c) => `cat-${i}-${c}`),
      ),
    );
    expect((await consume(sqsEvent(...orders.map((o) => o.record())), lambdaContext())).batchItemFailures).toEqual([]);
    // 20 markers + 20 orders + 20 customers + 80 categories + 2 > 100: two halves of ten.
    expect(counts).toMatchObject({ TransactWriteCommand: 2, BatchGetCommand: 3 });
    expect((await dayTotals(day)).orders).toBe(20);
  });

  it('events the invocation has no time left for fail (nothing written) and are applied once redelivered', async () => {
    const day = freshDay();
    const consume = makeConsumeAnalyticsEventsHandler({ store: () => countingStore().store });
    const orders = [placed(day, `batch-${ulid()}`, 1_000), placed(day, `batch-${ulid()}`, 2_000)];
    const batch = orders.map((o) => o.record());
    const late = await consume(sqsEvent(...batch), lambdaContext(1_000));
    expect(late.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(batch.map((r) => r.messageId));
    expect((await dayTotals(day)).orders).toBe(0);
    expect((await consume(sqsEvent(...batch), lambdaContext())).batchItemFailures).toEqual([]);
    expect((await dayTotals(day)).orders).toBe(2);
  });

  it('an event that fails fails alone: the others are applied, only its record is reported for redelivery', async () => {
    const day = freshDay();
    const bad = placed(day, `batch-${ulid()}`, 7_000);
    const good = [placed(day, `batch-${ulid()}`, 1_500), placed(day, `batch-${ulid()}`, 2_500)];
    const { store } = countingStore(new Set([bad.detail.meta.eventId]));
    const consume = makeConsumeAnalyticsEventsHandler({ store: () => store });
    const badRecord = bad.record();
    const result = await consume(sqsEvent(good[0]!.record(), badRecord, good[1]!.record()), lambdaContext());
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: badRecord.messageId }]);
    const totals = await dayTotals(day);
    expect(totals.orders).toBe(2);
    expect(totals.gmv).toBe(4_000);
    // Redelivered once it is healthy, it is counted once.
    const healthy = makeConsumeAnalyticsEventsHandler({ store: () => countingStore().store });
    expect((await healthy(sqsEvent(badRecord), lambdaContext())).batchItemFailures).toEqual([]);
    expect((await dayTotals(day)).orders).toBe(3);
  });

  it('two containers applying batches of the same customers at once: every order counted once', async () => {
    const day = freshDay();
    const customers = Array.from({ length: 3 }, () => `batch-${ulid()}`);
    const orders = Array.from({ length: 24 }, (_, i) => placed(day, customers[i % 3] as string, 100 * (i + 1)));
    const consumers = [0, 1].map(() => makeConsumeAnalyticsEventsHandler({ store: () => countingStore().store, sleep: async () => undefined }));
    const batches = [orders.slice(0, 8), orders.slice(8, 16), orders.slice(16, 24)];
    let pending = batches.map((batch) => batch.map((o) => o.record()));
    for (let round = 0; round < 10 && pending.length > 0; round++) {
      const results = await Promise.all(pending.map((records, i) => consumers[i % 2]!(sqsEvent(...records), lambdaContext())));
      pending = results
        .map((result, i) => {
          const failed = new Set(result.batchItemFailures.map((f) => f.itemIdentifier));
          return (pending[i] ?? []).filter((r) => failed.has(r.messageId));
        })
        .filter((records) => records.length > 0);
    }
    expect(pending).toEqual([]);
    const totals = await dayTotals(day);
    expect(totals.orders).toBe(24);
    expect(totals.gmv).toBe((100 * 24 * 25) / 2);
  });
});
