/**
 * Use case (ORD-6, RISK-1): the customer corrected an order's shipping address
 * (`OrderAddressCorrected`) → re-assess the order and publish its decision again.
 *
 * 1. The order's assessment must exist (its OrderPlaced was assessed); otherwise the message is
 *    retried later ({@link AssessmentNotYetError}).
 * 2. An assessment that already took this correction (or a later one) into account answers again
 *    with its decision (a redelivery) — unless an analyst decided since, whose event said it.
 * 3. The features change only where the address matters (domain/reassessment.ts): zone, address
 *    and phone blocklist hits, address velocity, `addressCorrected`; the active rules score them
 *    with the current thresholds.
 * 4. The decision is the stricter of the order's decision so far and the new one (never relaxed).
 * 5. The re-assessment replaces the assessment (conditional on the one read: a concurrent change
 *    makes it read again), keeping the replaced one in `previous`; its decision event carries
 *    `addressCorrections`, which lets checkout approve the order again.
 */
import type { Clock } from '../../shared/clock.ts';
import type { EventPublisher } from '../../shared/events.ts';
import type { EventPayload } from '../../events/event-definition.ts';
import type { OrderAddressCorrected } from '../../events/order-address-corrected.ts';
import { decisionEvent } from './assess-order.ts';
import type { Assessment, AssessmentStore } from './assessment-store.ts';
import { effectiveDecision, reassessedFeatures, reviewAfter, stricter } from './domain/reassessment.ts';
import { evaluateRules, type Thresholds } from './domain/scoring.ts';
import type { RuleSource } from './rule-source.ts';
import type { SignalStore } from './signal-store.ts';

/** The order was not assessed yet (its OrderPlaced is still on its way): retry later. */
export class AssessmentNotYetError extends Error {
  override readonly name = 'AssessmentNotYetError';
}

/** Ports and settings. */
export interface ReassessOrderDeps {
  readonly rules: RuleSource;
  readonly signals: Pick<SignalStore, 'readSignals'>;
  readonly assessments: Pick<AssessmentStore, 'get' | 'replace'>;
  readonly events: EventPublisher;
  readonly clock: Clock;
  readonly newId: (at?: Date) => string;
  readonly thresholds: Thresholds;
}

export type CorrectionPayload = EventPayload<typeof OrderAddressCorrected>;

/** What happened. */
export interface ReassessOrderResult {
  readonly outcome: 'reassessed' | 'replayed';
  readonly assessment: Assessment;
  readonly published: 'decision' | 'none';
}

/** Re-assesses an order after an address correction (see the module documentation). */
export async function reassessOrder(deps: ReassessOrderDeps, corrected: CorrectionPayload): Promise<ReassessOrderResult> {
  for (let attempt = 1; ; attempt++) {
    const previous = await deps.assessments.get(corrected.orderId);
    if (!previous) throw new AssessmentNotYetError(`order ${corrected.orderId} has no assessment yet`);
    if ((previous.addressCorrections ?? 0) >= corrected.correction) {
      const analystDecidedSince = previous.review !== undefined && previous.review.status !== 'pending';
      if (analystDecidedSince) return { outcome: 'replayed', assessment: previous, published: 'none' };
      await deps.events.publish([decisionEvent(previous)]);
      return { outcome: 'replayed', assessment: previous, published: 'decision' };
    }

    const now = deps.clock.now();
    const at = now.toISOString();
    const [active, counts] = await Promise.all([
      deps.rules.activeRules(),
      deps.signals.readSignals(corrected.customerId, [{ dimension: 'address', value: corrected.riskSignals.addressHash }], now.getTime(), {
        blocklist: { address: corrected.riskSignals.addressHash, phone: corrected.riskSignals.phoneHash },
      }),
    ]);
    const { blocklist } = counts;
    // The corrected address was never counted for this order: the counts plus this order.
    const counted = counts.velocity.address ?? {};
    const addressVelocity = { '1h': (counted['1h'] ?? 0) + 1, '24h': (counted['24h'] ?? 0) + 1, '7d': (counted['7d'] ?? 0) + 1 };
    const features = reassessedFeatures(previous.features, {
      shippingRegion: corrected.shippingRegion,
      blocklistedAddress: blocklist.address,
      blocklistedPhone: blocklist.phone,
      addressVelocity,
    });
    const evaluation = evaluateRules(active.rules, features, deps.thresholds);
    const decision = stricter(effectiveDecision(previous), evaluation.decision);
    const review = reviewAfter(previous.review, decision, at);
    const { review: _review, decidedByRule: _rule, ruleErrors: _errors, ...kept } = previous;
    const next: Assessment = {
      ...kept,
      assessmentId: deps.newId(now),
      assessedAt: at,
      features: { ...features },
      score: evaluation.score,
      level: evaluation.level,
      decision,
      fired: evaluation.fired,
      ...(evaluation.decidedByRule ? { decidedByRule: evaluation.decidedByRule } : {}),
      ...(evaluation.errors.length > 0 || active.invalid.length > 0 ? { ruleErrors: [...evaluation.errors, ...active.invalid] } : {}),
      signals: { ...previous.signals, addressHash: corrected.riskSignals.addressHash, phoneHash: corrected.riskSignals.phoneHash },
      ...(review ? { review } : {}),
      addressCorrections: corrected.correction,
      previous: [
        ...(previous.previous ?? []),
        { assessmentId: previous.assessmentId, assessedAt: previous.assessedAt, score: previous.score, decision: effectiveDecision(previous) },
      ],
    };
    if ((await deps.assessments.replace(previous, next)) === 'conflict') {
      if (attempt >= 5) throw new Error(`assessment of ${corrected.orderId} keeps changing`);
      continue;
    }
    await deps.events.publish([decisionEvent(next)]);
    return { outcome: 'reassessed', assessment: next, published: 'decision' };
  }
}
