/**
 * Use cases: marketers set who is a member, of which tier (`PUT /admin/members/{customerId}`,
 * `GET /admin/members/{customerId}`; ORD-3 member prices). Effective for the customer's next quote
 * and order (pricing reads the profile uncached). Every change is audited before it is written
 * (SEC-4: who, what, why); setting the tier a customer already has changes nothing.
 */
import type { AuditLog } from '../../shared/audit.ts';
import type { Clock } from '../../shared/clock.ts';
import type { MemberTier } from './domain/membership.ts';
import type { StaffChange } from './manage-promotions.ts';
import type { Membership, PromotionAdmin } from './promotions-repository.ts';

/** Ports. */
export interface ManageMembershipsDeps {
  readonly store: Pick<PromotionAdmin, 'getMembership' | 'saveMembership'>;
  readonly audit: AuditLog;
  readonly clock: Clock;
}

/** A customer's membership (not a member: tier null). */
export function getMembership(deps: { readonly store: Pick<PromotionAdmin, 'getMembership'> }, customerId: string): Promise<Membership> {
  return deps.store.getMembership(customerId);
}

/** Sets a customer's tier, or ends their membership with `null`. */
export async function setMembership(
  deps: ManageMembershipsDeps,
  input: { customerId: string; tier: MemberTier | null } & StaffChange,
): Promise<{ item: Membership; outcome: 'updated' | 'unchanged' }> {
  const current = await deps.store.getMembership(input.customerId);
  if (current.tier === input.tier) return { item: current, outcome: 'unchanged' };
  await deps.audit.record({
    actor: input.changedBy,
    roles: input.roles,
    action: 'membership.update',
    resource: { type: 'customer', id: input.customerId },
    reason: input.reason,
    details: { from: current.tier ?? 'none', to: input.tier ?? 'none' },
    correlationId: input.correlationId,
  });
  const item = await deps.store.saveMembership(input.customerId, { tier: input.tier, at: deps.clock.now().toISOString(), by: input.changedBy });
  return { item, outcome: 'updated' };
}
