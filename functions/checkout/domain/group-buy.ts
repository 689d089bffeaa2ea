/**
 * Group-buy (拼团, ORD-5). Pure: no I/O.
 *
 * A marketer runs a `group-buy` promotion for one SKU: a group price, a group size (2–10) and a
 * window (default 24 h). The first buyer's order opens a group and gets its code to share; others
 * join with the code. Every member pays the group price and is authorised like any order, but no
 * member's order is approved (so nothing is allocated or shipped) until the group is complete:
 *
 * - **Complete**: the join that fills the last place completes the group in the same transaction
 *   (exactly `size` members however many join at once: every join is conditional on the member
 *   count it read). `GroupBuyCompleted` then moves each member whose payment is authorised to
 *   APPROVED; a member still paying is approved by its authorisation as usual.
 * - **Expired**: a member waits with its payment due by the group's `expiresAt` (the awaiting-payment
 *   index), so when the window ends short the unpaid-order sweep cancels every member (reason
 *   `group-buy-expired`): stock released, authorisations voided, captured payments refunded.
 *
 * Joining needs the group open (not complete, not expired) and its promotion still running. A
 * member's order cancelled before the group completes keeps its place taken (the group completes
 * with one buyer fewer shipping); the window is the shopper's protection.
 */
import type { Money } from '../../../shared/money.ts';
import { DEFAULT_GROUP_WINDOW_MINUTES, type GroupBuyPromotion } from './pricing.ts';

/** Smallest and largest group (ORD-5). */
export const GROUP_SIZE = { min: 2, max: 10 } as const;

/** Group codes: 8 Crockford base-32 characters (shareable, no I/O/L/U). */
export const GROUP_CODE_PATTERN = /^[0-9A-HJKMNP-TV-Z]{8}$/;

/** A group as stored. */
export interface GroupBuy {
  readonly code: string;
  readonly promotionId: string;
  readonly sku: string;
  readonly price: Money;
  readonly size: number;
  /** Member order ids, the opener first. */
  readonly members: readonly string[];
  readonly openedAt: string;
  readonly expiresAt: string;
  /** Set by the join that filled the last place. */
  readonly completedAt?: string;
}

/** A group's state at a given time. */
export type GroupBuyStatus = 'OPEN' | 'COMPLETE' | 'EXPIRED';

/** What an order knows of its group. */
export interface OrderGroupBuy {
  readonly code: string;
  readonly promotionId: string;
  readonly size: number;
  readonly expiresAt: string;
  /** True once the group has all its members (the order may then be approved). */
  readonly complete: boolean;
}

/** The group's status at `now`. */
export function groupStatus(group: Pick<GroupBuy, 'completedAt' | 'expiresAt'>, now: Date): GroupBuyStatus {
  if (group.completedAt) return 'COMPLETE';
  return now.getTime() >= Date.parse(group.expiresAt) ? 'EXPIRED' : 'OPEN';
}

/** Why nobody may join `group` now, or undefined when one may. */
export function joinRefusal(group: GroupBuy, now: Date): 'complete' | 'expired' | undefined {
  const status = groupStatus(group, now);
  if (status === 'COMPLETE' || group.members.length >= group.size) return 'complete';
  if (status === 'EXPIRED') return 'expired';
  return undefined;
}

/** A new group opened by `orderId` under `promotion` at `now`; it ends after the window, never after the promotion. */
export function openGroup(input: { code: string; promotion: GroupBuyPromotion; orderId: string; now: Date }): GroupBuy {
  const { promotion, now } = input;
  const windowEnd = now.getTime() + (promotion.windowMinutes ?? DEFAULT_GROUP_WINDOW_MINUTES) * 60_000;
  const expires = promotion.endsAt !== undefined ? Math.min(windowEnd, Date.parse(promotion.endsAt)) : windowEnd;
  return {
    code: input.code,
    promotionId: promotion.promotionId,
    sku: promotion.sku,
    price: promotion.price,
    size: promotion.groupSize,
    members: [input.orderId],
    openedAt: now.toISOString(),
    expiresAt: new Date(expires).toISOString(),
  };
}

/** `group` with `orderId` added; completed when that fills it. */
export function joinGroup(group: GroupBuy, orderId: string, now: Date): GroupBuy {
  const members = [...group.members, orderId];
  return { ...group, members, ...(members.length >= group.size ? { completedAt: now.toISOString() } : {}) };
}

/** What a member's order records of `group` (complete when this member completed it). */
export function orderGroupOf(group: GroupBuy): OrderGroupBuy {
  return { code: group.code, promotionId: group.promotionId, size: group.size, expiresAt: group.expiresAt, complete: group.completedAt !== undefined };
}

/** The view of a group for shoppers: no member ids, only how many joined. */
export function groupView(group: GroupBuy, now: Date) {
  return {
    code: group.code,
    sku: group.sku,
    price: group.price,
    size: group.size,
    joined: group.members.length,
    placesLeft: Math.max(0, group.size - group.members.length),
    status: groupStatus(group, now),
    openedAt: group.openedAt,
    expiresAt: group.expiresAt,
    ...(group.completedAt ? { completedAt: group.completedAt } : {}),
  };
}
