/**
 * Use cases of the manual review queue (RISK-5, SEC-4): list the queue, and record an analyst's
 * decision on an order the rules sent to review — approve → `RiskApproved`, reject → `RiskRejected`
 * (decidedBy `analyst`), audited, counted in the day's false-positive rate and in the customer's
 * profile (approved after review / confirmed fraud).
 *
 * A decision is recorded once (conditional write while pending): a second decision on the same
 * order is a 409. The same request retried with its Idempotency-Key after a failure (for example
 * the event could not be published) finds its own decision and publishes it again.
 */
import type { AuditLog } from '../../shared/audit.ts';
import type { Principal } from '../../shared/auth.ts';
import type { Clock } from '../../shared/clock.ts';
import { conflict, notFound } from '../../shared/errors.ts';
import type { EventPublisher } from '../../shared/events.ts';
import { domainEvent } from '../../events/event-definition.ts';
import { RiskApproved, RiskRejected } from '../../events/risk-assessed.ts';
import { assessmentFacts } from './assess-order.ts';
import type { Assessment, AssessmentStore, Page } from './assessment-store.ts';
import { checkDecision, type AnalystDecision, type ReviewState } from './domain/review.ts';

/** Ports of the review use cases. */
export interface ReviewDeps {
  readonly assessments: AssessmentStore;
  readonly events: EventPublisher;
  readonly audit: AuditLog;
  readonly clock: Clock;
  readonly newId: (at?: Date) => string;
  readonly metricsShards: number;
  readonly random?: () => number;
}

/** A decision request. */
export interface DecideReviewCommand {
  readonly orderId: string;
  readonly decision: AnalystDecision;
  readonly note: string;
  readonly analyst: Principal;
  readonly idempotencyKey?: string;
  readonly correlationId?: string;
}

/** A review queue item as the API shows it. */
export function reviewItemView(a: Assessment) {
  return {
    orderId: a.orderId,
    customerId: a.customerId,
    assessmentId: a.assessmentId,
    placedAt: a.placedAt,
    assessedAt: a.assessedAt,
    amount: a.amount,
    score: a.score,
    level: a.level,
    rulesFired: a.fired.map((f) => ({ ruleId: f.ruleId, contribution: f.contribution, ...(f.action ? { action: f.action } : {}) })),
    status: a.review?.status ?? 'pending',
    ...(a.review?.analystId ? { analystId: a.review.analystId } : {}),
    ...(a.review?.note ? { note: a.review.note } : {}),
    ...(a.review?.decidedAt ? { decidedAt: a.review.decidedAt } : {}),
  };
}

/** The review queue. */
export async function listReviewQueue(
  deps: Pick<ReviewDeps, 'assessments'>,
  query: { status: 'pending' | 'decided'; limit: number; cursor?: string },
): Promise<Page<ReturnType<typeof reviewItemView>>> {
  const page = await deps.assessments.listReviewQueue(query);
  return { items: page.items.map(reviewItemView), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
}

function decisionEvent(assessment: Assessment, review: ReviewState) {
  const payload = {
    ...assessmentFacts(assessment),
    decidedBy: 'analyst' as const,
    ...(review.analystId ? { analystId: review.analystId } : {}),
    decidedAt: review.decidedAt ?? assessment.assessedAt,
  };
  return review.status === 'approved' ? domainEvent(RiskApproved, payload) : domainEvent(RiskRejected, payload);
}

/** Records an analyst's decision (see the module documentation). */
export async function decideReview(deps: ReviewDeps, command: DecideReviewCommand) {
  const assessment = await deps.assessments.get(command.orderId);
  if (!assessment) throw notFound('No assessment for this order.');
  const request = { decision: command.decision, analystId: command.analyst.userId, ...(command.idempotencyKey ? { key: command.idempotencyKey } : {}) };
  let current = assessment;
  let check = checkDecision(current.review, request);
  let replayed = false;
  if (check === 'decide') {
    const at = deps.clock.now();
    const review = {
      status: command.decision === 'approve' ? ('approved' as const) : ('rejected' as const),
      queuedAt: current.review?.queuedAt ?? current.assessedAt,
      analystId: command.analyst.userId,
      note: command.note,
      decidedAt: at.toISOString(),
      ...(command.idempotencyKey ? { decisionKey: command.idempotencyKey } : {}),
    };
    const shard = Math.floor((deps.random ?? Math.random)() * deps.metricsShards) % deps.metricsShards;
    const written = await deps.assessments.recordDecision(current, review, deps.newId(at), shard);
    if (written === 'recorded') {
      current = { ...current, review };
    } else {
      // Someone decided concurrently: judge this request against what is stored now.
      current = (await deps.assessments.get(command.orderId)) ?? current;
      check = checkDecision(current.review, request);
      if (check === 'decide') throw conflict('The review changed concurrently; retry.');
    }
  }
  if (check === 'not-in-review') throw conflict(`The order is not in the review queue (the rules decided: ${assessment.decision}).`);
  if (check === 'already-decided') throw conflict('An analyst has already decided this order.');
  if (check === 'repeat') replayed = true;
  const review = current.review as ReviewState;
  await deps.audit.record({
    actor: command.analyst.userId,
    roles: command.analyst.roles,
    action: `risk.review.${command.decision}`,
    resource: { type: 'order', id: command.orderId },
    reason: command.note,
    details: { assessmentId: current.assessmentId, score: current.score, level: current.level, ...(replayed ? { repeated: true } : {}) },
    ...(command.correlationId ? { correlationId: command.correlationId } : {}),
  });
  await deps.events.publish([decisionEvent(current, review)]);
  return reviewItemView(current);
}
