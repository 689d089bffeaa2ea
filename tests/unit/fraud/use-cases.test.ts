/**
 * Fraud use cases with in-memory ports: replay semantics of the OrderPlaced consumer (RISK-1),
 * rate-limited warnings (RISK-3), the rule cache (RISK-4), analyst decision retries (RISK-5),
 * blocklist value checks and the route dispatcher.
 */
import { describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import type { DomainEvent } from '../../../events/event-definition.ts';
import { OrderPlaced } from '../../../events/order-placed.ts';
import { assessOrder, type AssessOrderDeps, type OrderPlacedPayload } from '../../../functions/fraud/assess-order.ts';
import type { Assessment, AssessmentStore } from '../../../functions/fraud/assessment-store.ts';
import { decideReview } from '../../../functions/fraud/decide-review.ts';
import { DEFAULT_DISPOSABLE_EMAIL_DOMAINS } from '../../../functions/fraud/domain/disposable-domains.ts';
import { NO_BLOCKLIST_HITS } from '../../../functions/fraud/domain/features.ts';
import { blocklistValue } from '../../../functions/fraud/manage-blocklist.ts';
import { routeDispatcher } from '../../../shared/http/route-dispatcher.ts';
import { getAssessmentRoute, listReviewsRoute } from '../../../functions/fraud/routes.ts';
import { cachedRuleSource } from '../../../functions/fraud/rule-source.ts';
import type { SignalStore } from '../../../functions/fraud/signal-store.ts';
import type { AuditLog } from '../../../shared/audit.ts';
import { manualClock } from '../../../shared/clock.ts';
import { ProblemError } from '../../../shared/errors.ts';
import { newId } from '../../../shared/ids.ts';
import { apiEvent, jsonBody, lambdaContext } from '../../support/http-events.ts';

const order = (overrides: Partial<OrderPlacedPayload> = {}): OrderPlacedPayload => ({ ...(OrderPlaced.example as OrderPlacedPayload), orderId: newId(), ...overrides });

function fakes(options: { slotAllowed?: boolean; createResult?: 'created' | 'exists'; existing?: Assessment } = {}) {
  const published: DomainEvent[] = [];
  const stored = new Map<string, Assessment>();
  if (options.existing) stored.set(options.existing.orderId, options.existing);
  const counted = new Set<string>();
  const assessments = {
    get: async (orderId: string) => stored.get(orderId),
    create: async (a: Assessment) => {
      if (stored.has(a.orderId)) return 'exists' as const;
      if (options.createResult === 'exists') {
        stored.set(a.orderId, { ...a, assessmentId: 'WINNER', review: { status: 'approved', queuedAt: a.assessedAt, analystId: 'ana' } });
        return 'exists' as const;
      }
      stored.set(a.orderId, a);
      return 'created' as const;
    },
    getProfile: async () => undefined,
  } as unknown as AssessmentStore;
  const signals = {
    recordOrderSignals: async (orderId: string) => {
      if (counted.has(orderId)) return 'already-counted' as const;
      counted.add(orderId);
      return 'counted' as const;
    },
    readSignals: async () => ({ velocity: {}, paymentFailures24h: 0, blocklist: NO_BLOCKLIST_HITS }),
    acquireWarningSlot: async () => ({ allowed: options.slotAllowed ?? true, suppressedSinceLast: 7 }),
  } as unknown as SignalStore;
  const deps: AssessOrderDeps = {
    rules: cachedRuleSource({ listRules: async () => [] }, manualClock(), 5),
    signals,
    assessments,
    events: { publish: async (events) => void published.push(...events) },
    clock: manualClock('2026-11-23T08:00:01.000Z'),
    newId,
    thresholds: { review: 40, reject: 75 },
    settings: {
      disposableDomains: new Set(DEFAULT_DISPOSABLE_EMAIL_DOMAINS),
      zScoreMinStdDevPercent: 10,
      generalWarningMinScore: 20,
      warningLimits: { general: 1, elevated: 1, major: 1 },
      warningWindowSeconds: 60,
      metricsShards: 4,
    },
  };
  return { deps, published, stored, counted: () => counted.size };
}

describe('assessOrder (RISK-1, RISK-3)', () => {
  it('a new order: decision + warning with the suppressed count; a replay re-publishes the same decision only', async () => {
    const { deps, published, counted } = fakes();
    const o = order({ riskSignals: { ...OrderPlaced.example.riskSignals, emailDomain: 'mailinator.com' } } as Partial<OrderPlacedPayload>);
    const first = await assessOrder(deps, o);
    expect(first).toMatchObject({ outcome: 'assessed', published: 'decision', warning: { tier: 'major', sent: true } });
    expect(published.map((e) => e.definition.name)).toEqual(['RiskRejected', 'RiskWarningRaised']);
    expect(published[1]?.payload).toMatchObject({ tier: 'major', suppressedSinceLast: 7, ruleIds: ['disposable-email'], score: 0 });
    const replay = await assessOrder(deps, o);
    expect(replay).toMatchObject({ outcome: 'replayed', published: 'decision' });
    expect(published.map((e) => e.definition.name)).toEqual(['RiskRejected', 'RiskWarningRaised', 'RiskRejected']);
    expect(published[2]?.payload).toEqual(published[0]?.payload);
    expect(counted()).toBe(1);
  });

  it('a warning over the rate limit is not published; the decision is', async () => {
    const { deps, published } = fakes({ slotAllowed: false });
    const result = await assessOrder(deps, order({ total: { amount: 300_000, currency: 'CNY' } }));
    expect(result.warning).toEqual({ tier: 'elevated', sent: false });
    expect(published.map((e) => e.definition.name)).toEqual(['RiskReviewRequired']);
  });

  it('a replay after an analyst decided publishes nothing (the analyst’s event stands)', async () => {
    const { deps, published } = fakes();
    const o = order({ total: { amount: 300_000, currency: 'CNY' } });
    const { assessment } = await assessOrder(deps, o);
    published.length = 0;
    const decided = fakes({ existing: { ...assessment, review: { status: 'approved', queuedAt: assessment.assessedAt, analystId: 'ana' } } });
    expect(await assessOrder(decided.deps, o)).toMatchObject({ outcome: 'replayed', published: 'none' });
    expect(decided.published).toEqual([]);
  });

  it('losing the race to store the assessment replays the winner’s', async () => {
    const { deps, published } = fakes({ createResult: 'exists' });
    const result = await assessOrder(deps, order());
    expect(result).toMatchObject({ outcome: 'replayed', published: 'none', assessment: { assessmentId: 'WINNER' } });
    expect(published).toEqual([]);
  });
});

describe('rule cache (RISK-4: changes apply within RISK_RULES_CACHE_SECONDS)', () => {
  it('uses the built-in defaults while no rules are stored; re-reads after the cache time', async () => {
    const clock = manualClock();
    let reads = 0;
    const rules: Array<Record<string, unknown>> = [];
    const source = cachedRuleSource({ listRules: async () => (reads++, rules as never) }, clock, 5);
    const first = await source.activeRules();
    expect(first.builtIn).toBe(true);
    expect(first.rules.length).toBeGreaterThan(10);
    rules.push({ id: 'only', description: 'x', priority: 1, enabled: true, condition: 'true', effect: { type: 'score', points: 1 }, version: 1, updatedBy: 'a', updatedAt: 'x' });
    rules.push({
      id: 'broken',
      description: 'x',
      priority: 1,
      enabled: true,
      condition: 'amount.x',
      effect: { type: 'score', points: 1 },
      version: 1,
      updatedBy: 'a',
      updatedAt: 'x',
    });
    clock.advance(4_000);
    expect((await source.activeRules()).builtIn).toBe(true);
    clock.advance(1_000);
    const next = await source.activeRules();
    expect({ builtIn: next.builtIn, ids: next.rules.map((r) => r.rule.id), invalid: next.invalid }).toEqual({ builtIn: false, ids: ['only'], invalid: ['broken'] });
    expect(reads).toBe(2);
  });
});

describe('decideReview retries (RISK-5)', () => {
  it('the same request retried after a failed publish publishes again; the audit notes the repeat', async () => {
    const a = {
      orderId: newId(),
      customerId: 'c',
      assessmentId: newId(),
      assessedAt: '2026-11-23T08:00:00.000Z',
      placedAt: '2026-11-23T08:00:00.000Z',
      score: 0,
      level: 'medium',
      decision: 'review',
      fired: [],
      review: { status: 'pending', queuedAt: 'x' },
    } as unknown as Assessment;
    let state = a;
    const assessments = {
      get: async () => state,
      recordDecision: async (_a: Assessment, review: Assessment['review']) => {
        if (state.review?.status !== 'pending') return 'not-pending';
        state = { ...state, review };
        return 'recorded';
      },
    } as unknown as AssessmentStore;
    const audited: Array<Record<string, unknown>> = [];
    const audit: AuditLog = { record: async (e) => (audited.push(e as never), e as never) };
    let fail = true;
    const published: DomainEvent[] = [];
    const events = {
      publish: async (list: readonly DomainEvent[]) => {
        if (fail) throw new Error('bus down');
        published.push(...list);
      },
    };
    const deps = { assessments, audit, events, clock: manualClock(), newId, metricsShards: 2 };
    const command = {
      orderId: a.orderId,
      decision: 'approve' as const,
      note: 'ok',
      analyst: { userId: 'ana', roles: ['risk-analyst' as const], isStaff: true },
      idempotencyKey: 'k1',
    };
    await expect(decideReview(deps, command)).rejects.toThrow('bus down');
    fail = false;
    expect(await decideReview(deps, command)).toMatchObject({ status: 'approved', analystId: 'ana' });
    expect(published.map((e) => [e.definition.name, (e.payload as { decidedBy: string }).decidedBy])).toEqual([['RiskApproved', 'analyst']]);
    expect(audited.map((e) => (e.details as Record<string, unknown>).repeated ?? false)).toEqual([false, true]);
    await expect(decideReview(deps, { ...command, idempotencyKey: 'k2' })).rejects.toMatchObject({ status: 409 });
  });
});

describe('blocklist values', () => {
  it.each([
    ['email', 'a'.repeat(64), 'a'.repeat(64)],
    ['device', 'device-123', 'device-123'],
    ['emailDomain', 'Mailinator.COM.', 'mailinator.com'],
  ] as const)('%s %s → %s', (kind, raw, value) => {
    expect(blocklistValue(kind, raw)).toBe(value);
  });

  it.each([
    ['email', 'A'.repeat(64)],
    ['phone', 'abc'],
    ['device', 'has space'],
    ['device', 'x'.repeat(129)],
    ['emailDomain', 'localhost'],
    ['emailDomain', '-bad.com'],
  ] as const)('%s %s → 400', (kind, raw) => {
    expect(() => blocklistValue(kind, raw)).toThrow(ProblemError);
  });
});

describe('route dispatcher', () => {
  it('hands each route’s requests to its handler; anything else is a 404 problem', async () => {
    const seen: string[] = [];
    const dispatcher = routeDispatcher([
      [listReviewsRoute, async () => (seen.push('list'), { statusCode: 200, body: '{}' })],
      [getAssessmentRoute, async () => (seen.push('get'), { statusCode: 200, body: '{}' })],
    ]);
    await dispatcher(apiEvent({ method: 'GET', path: '/admin/reviews', resource: '/admin/reviews' }), lambdaContext());
    await dispatcher(apiEvent({ method: 'GET', path: '/admin/risk/assessments/X', resource: '/admin/risk/assessments/{orderId}' }), lambdaContext());
    const unknown = await dispatcher(apiEvent({ method: 'POST', path: '/admin/reviews', resource: '/admin/reviews' }), lambdaContext());
    expect(seen).toEqual(['list', 'get']);
    expect(unknown.statusCode).toBe(404);
    expect(jsonBody(unknown)).toMatchObject({ status: 404 });
    expect(dispatcher.routes).toEqual([listReviewsRoute, getAssessmentRoute]);
  });
});
