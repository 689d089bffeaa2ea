/**
 * Demo data for local runs, demos and end-to-end tests (dev stage only): the default rules stored
 * as version 1, two blocklist entries (a device and an email domain), and a week of assessment
 * history — approvals, reviews decided by analysts, rejections and a few refunds flagged as fraud —
 * so the review queue, the metrics, the risk-event store and backtests have something to show.
 *
 * Idempotent: a marker item is written last and a second run does nothing; every write before it
 * is conditional, so an interrupted seed can be re-run.
 */
import type { Clock } from '../../shared/clock.ts';
import type { AssessmentStore, Assessment } from './assessment-store.ts';
import { DEFAULT_RULES } from './domain/default-rules.ts';
import { normaliseFeatures } from './domain/features.ts';
import { evaluateRules, type Thresholds } from './domain/scoring.ts';
import { compileRuleSet, builtInRules } from './rule-source.ts';
import type { RuleStore } from './rule-store.ts';
import type { SignalStore } from './signal-store.ts';

/** The seed marker; bump the suffix when the demo data changes incompatibly. */
export const DEMO_RISK_MARKER = 'demo-risk-v1';
/** Who the demo data was written by. */
export const DEMO_SEED_USER = 'system:seed';
/** A blocklisted demo device id (an order with it is rejected). */
export const DEMO_BLOCKED_DEVICE = 'demo-blocked-device';
/** A blocklisted demo email domain. */
export const DEMO_BLOCKED_DOMAIN = 'blocked-demo.test';

/** What the seeder did. */
export interface DemoRiskSeedResult {
  readonly seeded: boolean;
  readonly rules: number;
  readonly assessments: number;
}

/** Ports of the seeder. */
export interface DemoRiskDeps {
  readonly rules: RuleStore;
  readonly assessments: AssessmentStore;
  readonly signals: SignalStore;
  readonly clock: Clock;
  readonly newId: (at?: Date) => string;
  readonly thresholds: Thresholds;
}

const HOUR = 3_600_000;

/** A small deterministic generator (the demo history is the same on every machine). */
function lcg(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

/** Seeds the demo risk data once. */
export async function seedDemoRisk(deps: DemoRiskDeps): Promise<DemoRiskSeedResult> {
  if (await deps.assessments.hasSeedMarker(DEMO_RISK_MARKER)) return { seeded: false, rules: 0, assessments: 0 };
  const now = deps.clock.now();
  const rules = await deps.rules.materialise(DEFAULT_RULES, DEMO_SEED_USER, now.toISOString());
  for (const [kind, value] of [
    ['device', DEMO_BLOCKED_DEVICE],
    ['emailDomain', DEMO_BLOCKED_DOMAIN],
  ] as const) {
    if (!(await deps.signals.getBlocklistEntry(kind, value)))
      await deps.signals.putBlocklistEntry({ kind, value, reason: 'demo data', addedBy: DEMO_SEED_USER, addedAt: now.toISOString() });
  }
  const compiled = compileRuleSet(builtInRules()).rules.map((r) => ({ ...r, rule: { ...r.rule, version: 1 } }));
  const random = lcg(20_261_123);
  let written = 0;
  for (let i = 0; i < 48; i++) {
    const at = new Date(now.getTime() - (i * 3.5 + 1) * HOUR);
    const customer = `demo-shopper-${(i % 6) + 1}`;
    const big = random() < 0.2;
    const features = normaliseFeatures({
      amount: Math.round((big ? 150_000 + random() * 300_000 : 5_000 + random() * 40_000) / 10) * 10,
      accountAgeHours: i % 9 === 0 ? 2 : 200 + i * 10,
      regionMismatch: random() < 0.2,
      disposableEmail: i % 16 === 5,
      velocityCustomer1h: 1 + Math.floor(random() * 2),
      velocityDevice24h: i % 11 === 3 ? 7 : 1,
      customerOrderCount: Math.floor(i / 6),
      deliveredOrders: Math.floor(i / 12),
      paymentMethod: ['card', 'wallet', 'bank_transfer', 'cod'][i % 4] as string,
      currency: 'CNY',
      orderType: 'regular',
      emailDomain: i % 16 === 5 ? 'mailinator.com' : 'example.com',
    });
    const evaluation = evaluateRules(compiled, features, deps.thresholds);
    const orderId = deps.newId(at);
    const assessedAt = at.toISOString();
    const assessment: Assessment = {
      assessmentId: deps.newId(at),
      orderId,
      customerId: customer,
      placedAt: assessedAt,
      assessedAt,
      amount: { amount: features.amount as number, currency: 'CNY' },
      features: { ...features },
      score: evaluation.score,
      level: evaluation.level,
      decision: evaluation.decision,
      fired: evaluation.fired,
      ...(evaluation.decidedByRule ? { decidedByRule: evaluation.decidedByRule } : {}),
      signals: { emailDomain: features.emailDomain as string, emailHash: hex(i, 'e'), phoneHash: hex(i, 'f'), addressHash: hex(i, 'a') },
      ...(evaluation.decision === 'review' ? { review: { status: 'pending' as const, queuedAt: assessedAt } } : {}),
    };
    if ((await deps.assessments.create(assessment, { countInHistory: evaluation.decision !== 'reject', metricsShard: i % 4 })) === 'exists') continue;
    written++;
    // Reviews older than a day were decided; newer ones wait in the queue.
    if (assessment.review && now.getTime() - at.getTime() > 24 * HOUR) {
      const decidedAt = new Date(at.getTime() + 2 * HOUR).toISOString();
      const approve = i % 3 !== 0;
      await deps.assessments.recordDecision(
        assessment,
        {
          status: approve ? 'approved' : 'rejected',
          queuedAt: assessedAt,
          analystId: 'demo-analyst',
          note: approve ? 'customer verified by phone' : 'card reported stolen',
          decidedAt,
        },
        deps.newId(new Date(decidedAt)),
        i % 4,
      );
    }
    // A few approved orders with a region mismatch later turned out to be fraud (refund flagged as fraud).
    if (assessment.decision === 'approve' && features.regionMismatch === true && (features.amount as number) >= 20_000) {
      const refundedAt = new Date(at.getTime() + 30 * HOUR).toISOString();
      if (Date.parse(refundedAt) < now.getTime())
        await deps.assessments.recordOutcome('confirmed-fraud', orderId, customer, refundedAt, { fraudRefundOf: assessment, eventId: deps.newId(new Date(refundedAt)) });
    }
  }
  await deps.assessments.putSeedMarker(DEMO_RISK_MARKER, now.toISOString());
  return { seeded: true, rules, assessments: written };
}

function hex(i: number, c: string): string {
  return `${c.repeat(56)}${i.toString(16).padStart(8, '0')}`;
}
