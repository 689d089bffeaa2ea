/**
 * ORD-6 / RISK-1 on DynamoDB Local: after the customer corrects an order's address
 * (`OrderAddressCorrected`), fraud re-assesses the order — the address-dependent features change,
 * the rules score it again, the decision is never relaxed, the replaced assessment is kept, and the
 * decision event carries how many corrections it took into account. A redelivery changes nothing;
 * a correction that overtakes the order's first assessment is retried.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  process.env.RISK_RULES_CACHE_SECONDS = '0';
});

import { ulid } from 'ulid';
import type { DomainEvent } from '../../../events/event-definition.ts';
import { OrderAddressCorrected } from '../../../events/order-address-corrected.ts';
import { OrderPlaced } from '../../../events/order-placed.ts';
import type { OrderPlacedPayload } from '../../../functions/fraud/assess-order.ts';
import { DynamoDbAssessmentStore } from '../../../functions/fraud/assessment-store.ts';
import { makeAssessOrderHandler } from '../../../functions/fraud/handlers/assess-order.ts';
import { makeReassessOrderHandler } from '../../../functions/fraud/handlers/reassess-order.ts';
import { DynamoDbSignalStore } from '../../../functions/fraud/signal-store.ts';
import type { EventPublisher } from '../../../shared/events.ts';
import { eventBridgeEvent, lambdaContext, sqsEvent, sqsRecord } from '../../support/http-events.ts';
import { useLocalDynamoDb } from '../../support/local-dynamodb-env.ts';

const published: DomainEvent[] = [];
const fakeEvents = (): EventPublisher => ({ publish: async (events) => void published.push(...events) });
const decisionsFor = (orderId: string) =>
  published.filter((e) => (e.payload as { orderId?: string }).orderId === orderId && e.definition.name.startsWith('Risk') && e.definition.name !== 'RiskWarningRaised');
const hex = (seed: string) => Buffer.from(seed).toString('hex').padEnd(64, '0').slice(0, 64);

function order(overrides: Partial<OrderPlacedPayload> = {}): OrderPlacedPayload {
  const orderId = ulid();
  return {
    ...OrderPlaced.example,
    orderId,
    customerId: `cust-${orderId}`,
    placedAt: new Date().toISOString(),
    paymentDueBy: new Date(Date.now() + 1_800_000).toISOString(),
    ...overrides,
    riskSignals: { emailDomain: 'example.com', emailHash: hex(`e${orderId}`), phoneHash: hex(`p${orderId}`), addressHash: hex(`a${orderId}`), deviceId: `dev-${orderId}` },
  } as OrderPlacedPayload;
}

const placed = (p: OrderPlacedPayload) =>
  eventBridgeEvent(OrderPlaced.name, OrderPlaced.source, { version: 1, ...p, meta: { correlationId: `corr-${p.orderId}`, occurredAt: p.placedAt, eventId: ulid() } });
const corrected = (p: OrderPlacedPayload, correction: number, addressHash: string, shippingRegion = 'south') =>
  eventBridgeEvent(OrderAddressCorrected.name, OrderAddressCorrected.source, {
    version: 1,
    orderId: p.orderId,
    customerId: p.customerId,
    shippingRegion,
    correction,
    riskSignals: { addressHash, phoneHash: p.riskSignals.phoneHash },
    correctedAt: new Date().toISOString(),
    meta: { correlationId: `corr-${p.orderId}`, occurredAt: new Date().toISOString(), eventId: ulid() },
  });

let store: DynamoDbAssessmentStore;
let signals: DynamoDbSignalStore;
const assess = makeAssessOrderHandler({ events: fakeEvents });
const reassess = makeReassessOrderHandler({ events: fakeEvents });

beforeAll(() => {
  const { tables } = useLocalDynamoDb();
  store = new DynamoDbAssessmentStore(tables.risk);
  signals = new DynamoDbSignalStore(tables.risk);
});

describe('re-assessment after an address correction (ORD-6, RISK-1)', () => {
  it('a correction to a clean address: approved again, with the correction counted; the first assessment kept; a redelivery publishes the same decision', async () => {
    const o = order();
    await assess(sqsEvent(sqsRecord(placed(o))), lambdaContext());
    const first = await store.get(o.orderId);
    expect(first?.decision).toBe('approve');

    const message = corrected(o, 1, hex(`new-${o.orderId}`));
    expect(await reassess(sqsEvent(sqsRecord(message)), lambdaContext())).toEqual({ batchItemFailures: [] });
    const after = await store.get(o.orderId);
    expect(after).toMatchObject({
      decision: 'approve',
      addressCorrections: 1,
      features: { shippingRegion: 'south', addressCorrected: true, blocklistedAddress: false, velocityAddress24h: 1 },
      signals: { addressHash: hex(`new-${o.orderId}`) },
    });
    expect(after?.assessmentId).not.toBe(first?.assessmentId);
    expect(after?.previous).toEqual([{ assessmentId: first?.assessmentId, assessedAt: first?.assessedAt, score: first?.score, decision: 'approve' }]);
    const decisions = decisionsFor(o.orderId);
    expect(decisions.map((d) => d.definition.name)).toEqual(['RiskApproved', 'RiskApproved']);
    expect(decisions[1]?.payload).toMatchObject({ assessmentId: after?.assessmentId, addressCorrections: 1, decidedBy: 'rules' });
    expect(decisions[0]?.payload).not.toHaveProperty('addressCorrections');

    await reassess(sqsEvent(sqsRecord(message)), lambdaContext());
    expect((await store.get(o.orderId))?.assessmentId).toBe(after?.assessmentId);
    expect(decisionsFor(o.orderId).at(-1)?.payload).toMatchObject({ assessmentId: after?.assessmentId, addressCorrections: 1 });
  });

  it('a correction to a blocklisted address rejects an approved order', async () => {
    const o = order();
    await assess(sqsEvent(sqsRecord(placed(o))), lambdaContext());
    const bad = hex(`blocked-${o.orderId}`);
    await signals.putBlocklistEntry({ kind: 'address', value: bad, reason: 'parcel fraud ring', addedBy: 'analyst-1', addedAt: new Date().toISOString() });
    await reassess(sqsEvent(sqsRecord(corrected(o, 1, bad))), lambdaContext());
    expect(await store.get(o.orderId)).toMatchObject({ decision: 'reject', decidedByRule: 'blocklisted-address', addressCorrections: 1 });
    expect(decisionsFor(o.orderId).map((d) => d.definition.name)).toEqual(['RiskApproved', 'RiskRejected']);
  });

  it('an order in review stays in review (never relaxed) with its pending review item; the decision says it took the correction into account', async () => {
    const o = order({ total: { amount: 300_000, currency: 'CNY' }, amountDue: { amount: 300_000, currency: 'CNY' } });
    await assess(sqsEvent(sqsRecord(placed(o))), lambdaContext());
    const first = await store.get(o.orderId);
    expect(first?.decision).toBe('review');
    await reassess(sqsEvent(sqsRecord(corrected(o, 1, hex(`new-${o.orderId}`)))), lambdaContext());
    const after = await store.get(o.orderId);
    expect(after).toMatchObject({ decision: 'review', review: { status: 'pending', queuedAt: first?.review?.queuedAt } });
    expect(decisionsFor(o.orderId).at(-1)).toMatchObject({ definition: { name: 'RiskReviewRequired' }, payload: { addressCorrections: 1 } });
  });

  it('a correction that overtakes its order’s first assessment fails the record (SQS redelivers it) and changes nothing', async () => {
    const o = order();
    const result = await reassess(sqsEvent(sqsRecord(corrected(o, 1, hex(`x${o.orderId}`)))), lambdaContext());
    expect(result.batchItemFailures).toHaveLength(1);
    expect(await store.get(o.orderId)).toBeUndefined();
    expect(decisionsFor(o.orderId)).toEqual([]);
  });
});
