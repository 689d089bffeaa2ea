/**
 * Use case (CMP-1, SEC-4): a staff member resolves a finding — `confirmed` (open → confirmed),
 * `dismissed` or `fixed` (open/confirmed → resolved). Audited before it takes effect. Confirming a
 * `banned-terms` finding takes the listing down through catalog's listing contract, audited too
 * (before the take-down).
 */
import type { AuditLog } from '../../shared/audit.ts';
import type { Principal } from '../../shared/auth.ts';
import type { Clock } from '../../shared/clock.ts';
import { conflict, forbidden, notFound } from '../../shared/errors.ts';
import type { Finding, FindingsRepository, FindingStatus, ResolutionOutcome } from './findings-repository.ts';
import { BANNED_TERMS_SCAN } from './scans/banned-terms.ts';

/** Ports of the use case. */
export interface ResolveFindingDeps {
  readonly findings: FindingsRepository;
  readonly audit: AuditLog;
  readonly clock: Clock;
  /** Takes a product listing down (catalog's listing contract); `false` when the product does not exist. */
  readonly takeDownListing: (takeDown: { sku: string; by: string; findingId: string; at: Date }) => Promise<boolean>;
}

/** What is asked. */
export interface ResolveFindingInput {
  readonly findingId: string;
  readonly principal: Principal;
  readonly resolution: ResolutionOutcome;
  readonly note?: string;
  readonly correlationId?: string;
}

/** Resolves the finding; 404 when unknown, 409 when it is not in a state the resolution applies to. */
export async function resolveFinding(deps: ResolveFindingDeps, input: ResolveFindingInput): Promise<Finding> {
  const finding = await deps.findings.get(input.findingId);
  if (!finding) throw notFound(`There is no finding ${input.findingId}.`);
  if (!mayHandle(input.principal, finding.scan)) throw forbidden(CONTENT_REVIEWER_SCOPE);
  const from: readonly FindingStatus[] = input.resolution === 'confirmed' ? ['open'] : ['open', 'confirmed'];
  const to: FindingStatus = input.resolution === 'confirmed' ? 'confirmed' : 'resolved';
  if (!from.includes(finding.status)) throw conflict(`The finding is ${finding.status}; it cannot be ${input.resolution} now.`);
  const takeDown = input.resolution === 'confirmed' && finding.scan === BANNED_TERMS_SCAN;
  const actor = { actor: input.principal.userId, roles: input.principal.roles, ...(input.correlationId ? { correlationId: input.correlationId } : {}) };
  // SEC-4: recorded before it takes effect.
  await deps.audit.record({
    ...actor,
    action: 'compliance-finding.resolve',
    resource: { type: 'compliance-finding', id: finding.findingId },
    ...(input.note ? { reason: input.note } : {}),
    details: { scan: finding.scan, resolution: input.resolution, from: finding.status, to, takeDown },
  });
  const at = deps.clock.now();
  // The take-down (idempotent) comes before the finding moves on: if it fails, the finding is still
  // open and the reviewer's retry takes the listing down, instead of a 409 on a confirmed finding.
  if (takeDown) {
    await deps.audit.record({
      ...actor,
      action: 'product.take-down',
      resource: { type: 'product', id: finding.subject },
      reason: `compliance finding ${finding.findingId} confirmed`,
      details: { findingId: finding.findingId },
    });
    await deps.takeDownListing({ sku: finding.subject, by: input.principal.userId, findingId: finding.findingId, at });
  }
  const updated = await deps.findings.transition(finding.findingId, from, to, {
    outcome: input.resolution,
    by: input.principal.userId,
    at: at.toISOString(),
    ...(input.note ? { note: input.note } : {}),
  });
  if (!updated) throw conflict('The finding changed meanwhile; read it again.');
  return updated;
}

/** Why a content reviewer is refused another scan's findings. */
export const CONTENT_REVIEWER_SCOPE = 'Content reviewers handle banned-terms findings only; other scans are for administrators.';

/**
 * SEC-1: administrators handle every scan's findings; content reviewers only listings' (banned
 * terms) — not audit-chain breaks, ledger imbalances or plaintext personal data, whose subjects
 * name orders, tickets and amounts.
 */
export function mayHandle(principal: Principal, scan: string | undefined): boolean {
  return principal.roles.includes('admin') || scan === BANNED_TERMS_SCAN;
}
