/**
 * Group-buy at placement (ORD-5; the rules are in domain/group-buy.ts): the group an order joins
 * (400 unknown code or other SKU, 409 `group-buy-closed`), new group codes, the order as a member
 * (payment due by the group's end while it is open) and the completion events the filling order
 * publishes for the other members. Used by place-order.ts.
 */
import crypto from 'node:crypto';
import type { DomainEvent } from '../../events/event-definition.ts';
import { GroupBuyClosedError, InvalidCheckoutRequestError } from './domain/checkout-errors.ts';
import { joinRefusal, orderGroupOf, type GroupBuy } from './domain/group-buy.ts';
import type { Order } from './domain/order.ts';
import { groupBuyCompleted } from './order-events.ts';
import type { OrderStore } from './orders-repository.ts';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A random group code (8 Crockford base-32 characters: 2^40 codes). */
export function randomGroupCode(): string {
  return Array.from({ length: 8 }, () => CROCKFORD[crypto.randomInt(32)]).join('');
}

/** The group cannot be joined any more. */
export function groupClosed(why: 'complete' | 'expired' | 'offer-ended'): GroupBuyClosedError {
  const detail = { complete: 'The group is already complete.', expired: 'The group’s time is up.', 'offer-ended': 'The group-buy offer has ended.' }[why];
  return new GroupBuyClosedError(`${detail} Open a new group (leave groupBuy.code out) while the offer runs.`);
}

/** The group named by a join request, when it may be joined with this item (400 unknown / other SKU, 409 closed). */
export async function groupToJoin(orders: Pick<OrderStore, 'getGroup'>, code: string, sku: string, now: Date): Promise<GroupBuy> {
  const group = await orders.getGroup(code);
  if (!group) throw new InvalidCheckoutRequestError([{ path: 'body.groupBuy.code', message: 'Unknown group' }]);
  if (group.sku !== sku) throw new InvalidCheckoutRequestError([{ path: 'body.items[0].sku', message: `This group buys ${group.sku}` }]);
  const refusal = joinRefusal(group, now);
  if (refusal) throw groupClosed(refusal);
  return group;
}

/** `order` as a member of `group`: its group, and its payment due by the group's end at the latest while the group is open. */
export function asMember(order: Order, group: GroupBuy | undefined, paymentWindowEnds: string): Order {
  if (!group) return order;
  const open = group.completedAt === undefined && Date.parse(group.expiresAt) < Date.parse(paymentWindowEnds);
  return { ...order, groupBuy: orderGroupOf(group), paymentDueBy: open ? group.expiresAt : paymentWindowEnds };
}

/** GroupBuyCompleted for every other member when this order filled the group. */
export function completionEvents(group: GroupBuy | undefined, orderId: string): DomainEvent[] {
  if (!group?.completedAt) return [];
  const completed = { code: group.code, sku: group.sku, size: group.size, completedAt: group.completedAt };
  return group.members.filter((m) => m !== orderId).map((m) => groupBuyCompleted(m, completed));
}
