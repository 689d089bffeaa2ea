/**
 * Membership tiers (ORD-3: member prices). Pure. A customer is a member of one tier or of none;
 * members-only offers and coupons apply to every tier, a member offer may name the tiers it is for.
 * The tiers are the product's design (lowest first); who is in which tier is data, set by
 * marketers (`PUT /admin/members/{customerId}`).
 */
export const MEMBER_TIERS = ['silver', 'gold', 'platinum'] as const;

/** A membership tier. */
export type MemberTier = (typeof MEMBER_TIERS)[number];
