/**
 * Use case: a group-buy group as shoppers see it (`GET /group-buys/{code}`; ORD-5) — the SKU, the
 * group price, places left, status and end; never who joined.
 */
import type { Clock } from '../../shared/clock.ts';
import { groupView } from './domain/group-buy.ts';
import type { OrderStore } from './orders-repository.ts';
import { CheckoutNotFoundError } from './domain/checkout-errors.ts';

/** The group's view; 404 for an unknown code. */
export async function getGroupBuy(deps: { readonly orders: Pick<OrderStore, 'getGroup'>; readonly clock: Clock }, code: string): Promise<ReturnType<typeof groupView>> {
  const group = await deps.orders.getGroup(code);
  if (!group) throw new CheckoutNotFoundError('No group has this code.');
  return groupView(group, deps.clock.now());
}
