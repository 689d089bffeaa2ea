/**
 * RISK-1…RISK-3: the OrderPlaced consumer against DynamoDB Local — decisions and their events,
 * stored assessments with every fired rule, idempotent replays, profiles and exact velocity under
 * concurrency, rate-limited warnings.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  process.env.RISK_RULES_CACHE_SECONDS = '0';
});

import { ulid } from 'ulid';
import type { DomainEvent } from '../../../events/event-definition.ts';
import { OrderPlaced } from '../../../events/order-placed.ts';
import { assessOrder, type OrderPlacedPayload } from '../../../functions/fraud/assess-order.ts';
import { DynamoDbAssessmentStore } from '../../../functions/fraud/assessment-store.ts';
import { makeAssessOrderHandler } from '../../../functions/fraud/handlers/assess-order.ts';
import { cachedRuleSource } from '../../../functions/fraud/rule-source.ts';
import { DynamoDbRuleStore } from '../../../functions/fraud/rule-store.ts';
import { fraudSettings } from '../../../functions/fraud/settings.ts';
import { DynamoDbSignalStore } from '../../../functions/fraud/signal-store.ts';
import { systemClock } from '../../../shared/clock.ts';
import type { EventPublisher } from '../../../shared/events.ts';
import { newId } from '../../../shared/ids.ts';
import { eventBridgeEvent, lambdaContext, sqsEvent, sqsRecord } from '../../support/http-events.ts';
import { useLocalDynamoDb } from '../../support/local-dynamodb-env.ts';

const published: DomainEvent[] = [];
const fakeEvents = (): EventPublisher => ({ publish: async (events) => void published.push(...events) });
const eventsFor = (orderId: string) => published.filter((e) => (e.payload as { orderId?: string }).orderId === orderId);

const hex = (seed: string) => Buffer.from(seed).toString('hex').padEnd(64, '0').slice(0, 64);

function order(overrides: Partial<OrderPlacedPayload> = {}, signals: Partial<OrderPlacedPayload['riskSignals']> = {}): OrderPlacedPayload {
  const orderId = ulid();
  return {
    ...OrderPlaced.example,
    orderId,
    customerId: `cust-${orderId}`,
    placedAt: new Date().toISOString(),
    paymentDueBy: new Date(Date.now() + 1_800_000).toISOString(),
    ...overrides,
    riskSignals: {
      emailDomain: 'example.com',
      emailHash: hex(`e${orderId}`),
      phoneHash: hex(`p${orderId}`),
      addressHash: hex(`a${orderId}`),
      deviceId: `dev-${orderId}`,
      ...signals,
    },
  } as OrderPlacedPayload;
}

const message = (payload: OrderPlacedPayload) =>
  eventBridgeEvent(OrderPlaced.name, OrderPlaced.source, {
    version: 1,
    ...payload,
    meta: { correlationId: `corr-${payload.orderId}`, occurredAt: payload.placedAt, eventId: ulid() },
  });

let tables: { risk: string };
let store: DynamoDbAssessmentStore;
const handler = makeAssessOrderHandler({ events: fakeEvents });
const assess = (...payloads: OrderPlacedPayload[]) => handler(sqsEvent(...payloads.map((p) => sqsRecord(message(p)))), lambdaContext());

describe('assess-order consumer (DynamoDB Local)', () => {
  beforeAll(() => {
    ({ tables } = useLocalDynamoDb());
    store = new DynamoDbAssessmentStore(tables.risk);
  });

  it('RISK-2: a disposable email domain → RiskRejected (high) with the rule that fired; stored for staff', async () => {
    const o = order({}, { emailDomain: 'mailinator.com' });
    expect(await assess(o)).toEqual({ batchItemFailures: [] });
    const [decision, warning] = eventsFor(o.orderId);
    expect(decision?.definition.name).toBe('RiskRejected');
    expect(decision?.payload).toMatchObject({ orderId: o.orderId, customerId: o.customerId, level: 'high', rulesFired: ['disposable-email'], decidedBy: 'rules' });
    expect(warning?.definition.name).toBe('RiskWarningRaised');
    expect(warning?.payload).toMatchObject({ tier: 'major', orderId: o.orderId, ruleIds: ['disposable-email'] });
    const stored = await store.get(o.orderId);
    expect(stored).toMatchObject({
      decision: 'reject',
      level: 'high',
      decidedByRule: 'disposable-email',
      fired: [{ ruleId: 'disposable-email', contribution: 0, action: 'block' }],
    });
    expect(stored?.features).toMatchObject({ disposableEmail: true, emailDomain: 'mailinator.com', amount: o.total.amount });
  });

  it('RISK-2: a large first order from a new account → RiskReviewRequired and a pending review item', async () => {
    const o = order({ total: { amount: 300_000, currency: 'CNY' }, amountDue: { amount: 300_000, currency: 'CNY' } });
    await assess(o);
    expect(eventsFor(o.orderId).map((e) => e.definition.name)).toEqual(['RiskReviewRequired', 'RiskWarningRaised']);
    expect(eventsFor(o.orderId)[0]?.payload).toMatchObject({ level: 'medium', rulesFired: ['new-account-high-value'] });
    const stored = await store.get(o.orderId);
    expect(stored?.review).toMatchObject({ status: 'pending' });
    expect(stored?.features).toMatchObject({ accountAgeHours: 0, customerOrderCount: 0 });
  });

  it('an ordinary order → RiskApproved (low), no warning; the profile starts the amount history', async () => {
    const o = order();
    await assess(o);
    expect(eventsFor(o.orderId).map((e) => e.definition.name)).toEqual(['RiskApproved']);
    expect(await store.getProfile(o.customerId)).toMatchObject({ orderCount: 1, amountSum: BigInt(o.total.amount), firstSeenAt: o.placedAt });
  });

  it('idempotent: a redelivered OrderPlaced re-publishes the same decision and changes nothing', async () => {
    const o = order({}, { emailDomain: 'yopmail.com' });
    await assess(o);
    const first = await store.get(o.orderId);
    await assess(o);
    await Promise.all([assess(o), assess(o)]);
    const decisions = eventsFor(o.orderId).filter((e) => e.definition.name === 'RiskRejected');
    expect(decisions).toHaveLength(4);
    expect(new Set(decisions.map((e) => JSON.stringify(e.payload))).size).toBe(1);
    expect(eventsFor(o.orderId).filter((e) => e.definition.name === 'RiskWarningRaised')).toHaveLength(1);
    expect(await store.get(o.orderId)).toEqual(first);
    expect((await store.getProfile(o.customerId))?.orderCount ?? 0).toBe(0); // rejected orders stay out of the amount history
  });

  it('partial batch failure: an invalid message fails alone and is not dropped', async () => {
    const o = order();
    const result = await handler(sqsEvent(sqsRecord(message(o), 'ok-1'), sqsRecord({ not: 'an event' }, 'bad-1'), sqsRecord('{', 'bad-2')), lambdaContext());
    expect(result.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['bad-1', 'bad-2']);
    expect(await store.get(o.orderId)).toBeDefined();
  });

  it('RISK-2: velocity and the customer profile are exact under 100 concurrent orders of one customer on one device', async () => {
    const customerId = `burst-${ulid()}`;
    const deviceId = `dev-${ulid()}`;
    const placedAt = new Date().toISOString();
    const orders = Array.from({ length: 100 }, (_, i) => order({ customerId, placedAt, total: { amount: 10_000 + i, currency: 'CNY' } }, { deviceId, emailHash: hex(customerId) }));
    const deps = {
      rules: cachedRuleSource(new DynamoDbRuleStore(tables.risk), systemClock, 60),
      signals: new DynamoDbSignalStore(tables.risk),
      assessments: store,
      events: fakeEvents(),
      clock: systemClock,
      newId,
      thresholds: { review: 40, reject: 75 },
      settings: fraudSettings(),
    };
    const results = await Promise.all(orders.map((o) => assessOrder(deps, o)));
    expect(results.every((r) => r.outcome === 'assessed')).toBe(true);
    // Every order saw itself and at most all 100; the last counters are exactly 100.
    const seen = results.map((r) => r.assessment.features.velocityDevice1h as number);
    expect(Math.max(...seen)).toBeLessThanOrEqual(100);
    expect(Math.min(...seen)).toBeGreaterThanOrEqual(1);
    const counts = await deps.signals.readSignals(
      customerId,
      [
        { dimension: 'device', value: deviceId },
        { dimension: 'customer', value: customerId },
        { dimension: 'email', value: hex(customerId) },
      ],
      Date.parse(placedAt),
    );
    expect(counts.velocity).toEqual({ device: { '1h': 100, '24h': 100, '7d': 100 }, customer: { '1h': 100, '24h': 100, '7d': 100 }, email: { '1h': 100, '24h': 100, '7d': 100 } });
    // Velocity rules fired on the later orders (more than 3 per hour from the customer).
    expect(results.filter((r) => r.assessment.fired.some((f) => f.ruleId === 'velocity-customer-1h')).length).toBeGreaterThan(90);
    // The profile counts the orders the rules did not reject, exactly (atomic ADDs).
    const kept = results.filter((r) => r.assessment.decision !== 'reject');
    const profile = await store.getProfile(customerId);
    expect(profile?.orderCount).toBe(kept.length);
    expect(profile?.amountSum).toBe(kept.reduce((sum, r) => sum + BigInt(r.assessment.amount.amount), 0n));
    expect(profile?.amountSumSquares).toBe(kept.reduce((sum, r) => sum + BigInt(r.assessment.amount.amount) ** 2n, 0n));
  });

  it('RISK-2: a blocklisted device is blocked; repeated payment failures and the amount history raise the score', async () => {
    const signals = new DynamoDbSignalStore(tables.risk);
    const deviceId = `dev-${ulid()}`;
    await signals.putBlocklistEntry({ kind: 'device', value: deviceId, reason: 'bot', addedBy: 'ana', addedAt: new Date().toISOString() });
    const blocked = order({}, { deviceId });
    await assess(blocked);
    expect(eventsFor(blocked.orderId)[0]?.payload).toMatchObject({ rulesFired: ['blocklisted-device'] });

    const customerId = `hist-${ulid()}`;
    const base = Date.now() - 10 * 86_400_000;
    for (let i = 0; i < 5; i++) await assess(order({ customerId, placedAt: new Date(base + i * 3_600_000).toISOString(), total: { amount: 10_000 + i * 100, currency: 'CNY' } }));
    for (let i = 0; i < 3; i++) await signals.recordPaymentFailure(customerId, ulid(), Date.now() - 60_000);
    const outlier = order({ customerId, total: { amount: 90_000, currency: 'CNY' }, billingRegion: 'north', shippingRegion: 'east' });
    await assess(outlier);
    const stored = await store.get(outlier.orderId);
    expect(stored?.features).toMatchObject({ customerOrderCount: 5, paymentFailures24h: 3, regionMismatch: true });
    expect((stored?.features.accountAgeHours as number) >= 240).toBe(true);
    expect(stored?.fired.map((f) => f.ruleId)).toEqual(['amount-outlier', 'region-mismatch', 'repeated-payment-failures']);
    expect(stored).toMatchObject({ score: 80, level: 'high', decision: 'reject' });
  });
});
