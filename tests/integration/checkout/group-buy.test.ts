/**
 * Group-buy (拼团, ORD-5) against DynamoDB Local: 50 shoppers join a group of 5 at once and exactly
 * 5 become members (the rest get 409 `group-buy-closed`, nothing written for them); the filling
 * join publishes GroupBuyCompleted for the others and an authorised member is then approved; a
 * group whose window ends short is cancelled by the unpaid-order sweep, every member's stock
 * released and OrderCancelled published (payments voids or refunds on it).
 */
import { describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import { ulid } from 'ulid';
import { applyOrderEvent, inboundEvent } from '../../../functions/checkout/apply-order-event.ts';
import { changeOrder } from '../../../functions/checkout/change-order.ts';
import { expireUnpaidOrders } from '../../../functions/checkout/expire-unpaid-orders.ts';
import { placeOrder } from '../../../functions/checkout/place-order.ts';
import type { GroupBuyPromotion } from '../../../functions/checkout/domain/pricing.ts';
import { manualClock, type Clock } from '../../../shared/clock.ts';
import { PROBLEM_TYPE_BASE } from '../../../shared/errors.ts';
import { asProblem, customer, problem, useCheckoutWorld } from './fixtures.ts';

const world = useCheckoutWorld();

const cny = (amount: number) => ({ amount, currency: 'CNY' });
const CLOSED = `${PROBLEM_TYPE_BASE}group-buy-closed`;

async function groupOffer(options: { size: number; windowMinutes?: number; price?: number }): Promise<{ sku: string; promotion: GroupBuyPromotion }> {
  const sku = await world.product({ price: 12900, stock: { 'WH-EAST': 100 } });
  const promotion: GroupBuyPromotion = {
    kind: 'group-buy',
    promotionId: `PT-${ulid()}`,
    title: '拼团',
    sku,
    price: cny(options.price ?? 8800),
    groupSize: options.size,
    ...(options.windowMinutes ? { windowMinutes: options.windowMinutes } : {}),
  };
  await world.promotions.putPromotion(promotion);
  return { sku, promotion };
}

const placeGroupOrder = (sku: string, code?: string, clock?: Clock) =>
  placeOrder(world.placeDeps(clock ? { clock } : {}), {
    customerId: customer('group'),
    request: world.request([{ sku, quantity: 1 }], { orderType: 'group-buy', ...(code ? { groupBuy: { code } } : {}) }),
    correlationId: `c-${ulid()}`,
    idempotencyKey: ulid(),
  });

const authorize = (orderId: string, clock?: Clock) =>
  changeOrder(world.changeDeps(clock), {
    orderId,
    fact: { type: 'PaymentAuthorized', paymentId: ulid(), amount: cny(8800), captureOn: 'shipment', at: new Date().toISOString() },
    correlationId: `c-${ulid()}`,
  });

describe('group-buy (ORD-5)', () => {
  it('50 concurrent joins to a group of 5 → exactly 5 members; the rest 409 with nothing written', async () => {
    const { sku, promotion } = await groupOffer({ size: 5 });
    const opener = await placeGroupOrder(sku);
    const code = opener.order.groupBuy?.code as string;
    expect(opener.order).toMatchObject({ orderType: 'group-buy', groupBuy: { size: 5, complete: false }, lines: [{ sku, unitPrice: cny(12900), flashPrice: cny(8800) }] });
    expect(opener.order.discounts).toEqual([{ kind: 'group-price', id: promotion.promotionId, title: '拼团', amount: cny(4100) }]);

    const results = await Promise.allSettled(Array.from({ length: 50 }, () => placeGroupOrder(sku, code)));
    const joined = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.order] : []));
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    expect(joined).toHaveLength(4);
    expect(refused).toHaveLength(46);
    for (const error of refused) {
      expect(asProblem(error).type).toBe(CLOSED);
    }
    const group = await world.orders.getGroup(code);
    expect(group?.members).toHaveLength(5);
    expect(new Set(group?.members)).toEqual(new Set([opener.order.orderId, ...joined.map((o) => o.orderId)]));
    expect(group?.completedAt).toBeDefined();
    // Only the members hold stock; the filling member knows its group is complete.
    expect((await world.stock(sku))['WH-EAST']).toMatchObject({ reserved: 5 });
    expect(joined.filter((o) => o.groupBuy?.complete)).toHaveLength(1);
    // The filling join told every other member.
    const completedFor = world.events
      .of('GroupBuyCompleted')
      .filter((e) => e.groupCode === code)
      .map((e) => e.orderId);
    const filler = joined.find((o) => o.groupBuy?.complete)?.orderId;
    expect(new Set(completedFor)).toEqual(new Set(group?.members.filter((m) => m !== filler)));
  });

  it('an authorised member waits for its group; GroupBuyCompleted then approves it', async () => {
    const { sku } = await groupOffer({ size: 2 });
    const opener = await placeGroupOrder(sku);
    const code = opener.order.groupBuy?.code as string;
    const waiting = await authorize(opener.order.orderId);
    expect(waiting).toMatchObject({ outcome: 'applied', order: { status: 'PLACED', payment: { status: 'authorized' }, paymentDueBy: opener.order.groupBuy?.expiresAt } });
    // An authorised member no longer counts as an unpaid order against its customer's cap (SEC-5).
    expect((await world.orders.customerHolds(opener.order.customerId)).openUnpaid).toBe(0);

    const second = await placeGroupOrder(sku, code);
    expect(second.order.groupBuy?.complete).toBe(true);
    const event = world.events.published.find((p) => p.event.definition.name === 'GroupBuyCompleted' && (p.event.payload as { orderId: string }).orderId === opener.order.orderId);
    expect(event).toBeDefined();
    const payload = event?.event.payload as Record<string, unknown>;
    const applied = await applyOrderEvent(
      world.changeDeps(),
      inboundEvent('GroupBuyCompleted', {
        ...payload,
        orderId: opener.order.orderId,
        meta: { eventId: ulid(), correlationId: 'c', occurredAt: new Date().toISOString(), version: 1 },
      } as never),
    );
    expect(applied).toMatchObject({
      outcome: 'applied',
      order: { status: 'APPROVED', paymentDueBy: null, groupBuy: { complete: true } },
      transition: { reason: 'group-buy-complete' },
    });
    // The second member is approved by its own payment, the group being complete.
    expect(await authorize(second.order.orderId)).toMatchObject({ order: { status: 'APPROVED' } });
  });

  it('a group whose window ends short: the sweep cancels every member and releases their stock; no one joins after', async () => {
    const clock = manualClock(new Date());
    const { sku } = await groupOffer({ size: 3, windowMinutes: 10 });
    const opener = await placeGroupOrder(sku, undefined, clock);
    const code = opener.order.groupBuy?.code as string;
    const second = await placeGroupOrder(sku, code, clock);
    await authorize(opener.order.orderId, clock);
    await authorize(second.order.orderId, clock);
    expect((await world.stock(sku))['WH-EAST']).toMatchObject({ reserved: 2 });

    clock.advance(10 * 60_000 + 1000);
    const late = await problem(placeGroupOrder(sku, code, clock));
    expect(late).toMatchObject({ status: 409, type: CLOSED });
    await expireUnpaidOrders({ ...world.changeDeps(clock), eventsFor: world.events.forCorrelation, outboxGraceSeconds: 3600 }, { correlationId: 'sweep' });
    for (const member of [opener, second]) {
      expect(await world.orders.getOrder(member.order.orderId)).toMatchObject({
        status: 'CANCELLED',
        reservations: [],
        cancellation: { by: 'timeout', reason: 'group-buy-expired' },
      });
      expect(world.events.of('OrderCancelled', member.order.orderId)).toEqual([expect.objectContaining({ reason: 'group-buy-expired' })]);
    }
    expect((await world.stock(sku))['WH-EAST']).toMatchObject({ reserved: 0, available: 100 });
  });

  it('refuses a group-buy order without a running offer, an unknown code, and a code of another SKU', async () => {
    const plain = await world.product();
    expect(await problem(placeGroupOrder(plain))).toMatchObject({ status: 409, type: `${PROBLEM_TYPE_BASE}group-buy-unavailable` });
    expect(await problem(placeGroupOrder(plain, 'ZZZZZZZZ'))).toMatchObject({ status: 400, errors: [{ path: 'body.groupBuy.code' }] });
    const { sku } = await groupOffer({ size: 2 });
    const opened = await placeGroupOrder(sku);
    expect(await problem(placeGroupOrder(plain, opened.order.groupBuy?.code))).toMatchObject({ status: 400, errors: [{ path: 'body.items[0].sku' }] });
    expect((await world.stock(plain))['WH-EAST']).toMatchObject({ reserved: 0 });
  });
});
