/**
 * Use case (RISK-1, RISK-2, RISK-3): assess an order when `OrderPlaced` arrives — count its
 * signals in the velocity windows, compute its features, evaluate the rules, store the assessment
 * (with the customer's profile and the day's metrics), publish the decision (`RiskApproved`,
 * `RiskReviewRequired` or `RiskRejected`) and, within the tier's rate limit, a `RiskWarningRaised`.
 *
 * Idempotent per order. A replayed or redelivered `OrderPlaced` finds the stored assessment and
 * **re-publishes the same decision** (same assessment id, score, rules and decidedAt) — unless an
 * analyst has decided the order since, in which case it publishes nothing. Re-publishing makes the
 * decision at-least-once even when a previous attempt stored the assessment and then failed before
 * publishing; consumers are idempotent. Velocity counters are protected by their own per-order
 * marker, so a retry after a partial failure never counts the order twice. Warnings are raised only
 * by the attempt that stored the assessment (at most once: alerts are not replayed).
 */
import type { Clock } from '../../shared/clock.ts';
import type { EventPublisher } from '../../shared/events.ts';
import { domainEvent, type DomainEvent } from '../../events/event-definition.ts';
import type { OrderPlaced } from '../../events/order-placed.ts';
import type { EventPayload } from '../../events/event-definition.ts';
import { RiskApproved, RiskRejected, RiskReviewRequired } from '../../events/risk-assessed.ts';
import { RiskWarningRaised } from '../../events/risk-warning-raised.ts';
import type { Assessment, AssessmentStore } from './assessment-store.ts';
import { computeFeatures, normaliseDomain } from './domain/features.ts';
import { evaluateRules, type Thresholds } from './domain/scoring.ts';
import { warningTierFor, type WarningTier } from './domain/warnings.ts';
import type { RuleSource } from './rule-source.ts';
import type { FraudSettings } from './settings.ts';
import type { SignalStore, SignalValue } from './signal-store.ts';

/** The payload of OrderPlaced. */
export type OrderPlacedPayload = EventPayload<typeof OrderPlaced>;

/** Ports and settings of {@link assessOrder}. */
export interface AssessOrderDeps {
  readonly rules: RuleSource;
  readonly signals: SignalStore;
  readonly assessments: AssessmentStore;
  readonly events: EventPublisher;
  readonly clock: Clock;
  readonly newId: (at?: Date) => string;
  readonly thresholds: Thresholds;
  readonly settings: Pick<FraudSettings, 'disposableDomains' | 'zScoreMinStdDevPercent' | 'generalWarningMinScore' | 'warningLimits' | 'warningWindowSeconds' | 'metricsShards'>;
  /** For picking a metrics shard (default Math.random). */
  readonly random?: () => number;
}

/** What happened. */
export interface AssessOrderResult {
  readonly outcome: 'assessed' | 'replayed';
  readonly assessment: Assessment;
  /** The decision event published (none when an analyst decided a replayed order meanwhile). */
  readonly published: 'decision' | 'none';
  /** The warning tier, and whether the rate limit let it through. */
  readonly warning?: { readonly tier: WarningTier; readonly sent: boolean };
}

/** The velocity signals of an order (absent optional signals are not counted). */
export function signalValues(order: OrderPlacedPayload): SignalValue[] {
  const s = order.riskSignals;
  const values: Array<[SignalValue['dimension'], string | undefined]> = [
    ['customer', order.customerId],
    ['email', s.emailHash],
    ['device', s.deviceId],
    ['ip', s.ipHash],
    ['address', s.addressHash],
    ['payment', s.paymentFingerprint],
  ];
  return values.filter((v): v is [SignalValue['dimension'], string] => typeof v[1] === 'string' && v[1] !== '').map(([dimension, value]) => ({ dimension, value }));
}

/** What a risk decision event says about its assessment (who decided, and when, is the caller's). */
export function assessmentFacts(assessment: Assessment) {
  return {
    orderId: assessment.orderId,
    customerId: assessment.customerId,
    assessmentId: assessment.assessmentId,
    score: assessment.score,
    level: assessment.level,
    rulesFired: assessment.fired.map((f) => f.ruleId),
    ...(assessment.addressCorrections ? { addressCorrections: assessment.addressCorrections } : {}),
  };
}

/** The decision event of an assessment (decided by the rules). */
export function decisionEvent(assessment: Assessment): DomainEvent {
  const payload = { ...assessmentFacts(assessment), decidedBy: 'rules' as const, decidedAt: assessment.assessedAt };
  switch (assessment.decision) {
    case 'approve':
      return domainEvent(RiskApproved, payload);
    case 'review':
      return domainEvent(RiskReviewRequired, payload);
    case 'reject':
      return domainEvent(RiskRejected, payload);
  }
}

async function replay(deps: AssessOrderDeps, assessment: Assessment): Promise<AssessOrderResult> {
  const analystDecided = assessment.review !== undefined && assessment.review.status !== 'pending';
  if (analystDecided) return { outcome: 'replayed', assessment, published: 'none' };
  await deps.events.publish([decisionEvent(assessment)]);
  return { outcome: 'replayed', assessment, published: 'decision' };
}

/** Assesses an order (see the module documentation). */
export async function assessOrder(deps: AssessOrderDeps, order: OrderPlacedPayload): Promise<AssessOrderResult> {
  const at = Date.parse(order.placedAt);
  const signals = signalValues(order);
  const s = order.riskSignals;
  // Independent first steps in parallel; the window counts are read after this order is counted.
  // (No look-up of an existing assessment first: a replay is recognised when storing it — its
  // velocity marker already exists, so nothing is counted twice — and then answered from the store.)
  const [, active] = await Promise.all([deps.signals.recordOrderSignals(order.orderId, signals, at), deps.rules.activeRules()]);
  // The window counts, the blocklist hits and the customer's profile in one read.
  const counts = await deps.signals.readSignals(order.customerId, signals, at, {
    blocklist: {
      email: s.emailHash,
      phone: s.phoneHash,
      address: s.addressHash,
      device: s.deviceId,
      ip: s.ipHash,
      payment: s.paymentFingerprint,
      emailDomain: normaliseDomain(s.emailDomain),
    },
    profile: true,
  });
  const features = computeFeatures(order, {
    ...(counts.profile ? { profile: counts.profile } : {}),
    velocity: counts.velocity,
    paymentFailures24h: counts.paymentFailures24h,
    blocklist: counts.blocklist,
    disposableDomains: deps.settings.disposableDomains,
    zScoreMinStdDevPercent: deps.settings.zScoreMinStdDevPercent,
  });
  const evaluation = evaluateRules(active.rules, features, deps.thresholds);
  const now = deps.clock.now();
  const assessedAt = now.toISOString();
  const assessment: Assessment = {
    assessmentId: deps.newId(now),
    orderId: order.orderId,
    customerId: order.customerId,
    placedAt: order.placedAt,
    assessedAt,
    amount: order.total,
    features: { ...features },
    score: evaluation.score,
    level: evaluation.level,
    decision: evaluation.decision,
    fired: evaluation.fired,
    ...(evaluation.decidedByRule ? { decidedByRule: evaluation.decidedByRule } : {}),
    ...(evaluation.errors.length > 0 || active.invalid.length > 0 ? { ruleErrors: [...evaluation.errors, ...active.invalid] } : {}),
    signals: {
      emailDomain: normaliseDomain(s.emailDomain),
      emailHash: s.emailHash,
      phoneHash: s.phoneHash,
      addressHash: s.addressHash,
      ...(s.deviceId ? { deviceId: s.deviceId } : {}),
      ...(s.ipHash ? { ipHash: s.ipHash } : {}),
      ...(s.paymentFingerprint ? { paymentFingerprint: s.paymentFingerprint } : {}),
    },
    ...(evaluation.decision === 'review' ? { review: { status: 'pending' as const, queuedAt: assessedAt } } : {}),
  };
  const shard = Math.floor((deps.random ?? Math.random)() * deps.settings.metricsShards) % deps.settings.metricsShards;
  const stored = await deps.assessments.create(assessment, { countInHistory: evaluation.decision !== 'reject', metricsShard: shard });
  if (stored === 'exists') {
    const winner = await deps.assessments.get(order.orderId);
    if (!winner) throw new Error(`assessment of ${order.orderId} vanished`);
    return replay(deps, winner);
  }

  const events: DomainEvent[] = [decisionEvent(assessment)];
  const tier = warningTierFor(evaluation, deps.settings.generalWarningMinScore);
  let warning: AssessOrderResult['warning'];
  if (tier) {
    const slot = await deps.signals.acquireWarningSlot(tier, now.getTime(), deps.settings.warningLimits[tier], deps.settings.warningWindowSeconds);
    warning = { tier, sent: slot.allowed };
    if (slot.allowed) {
      events.push(
        domainEvent(RiskWarningRaised, {
          warningId: deps.newId(now),
          tier,
          orderId: order.orderId,
          ruleIds: evaluation.fired.map((f) => f.ruleId),
          score: evaluation.score,
          suppressedSinceLast: slot.suppressedSinceLast,
          raisedAt: assessedAt,
        }),
      );
    }
  }
  await deps.events.publish(events);
  return { outcome: 'assessed', assessment, published: 'decision', ...(warning ? { warning } : {}) };
}
