/**
 * Group-buy (拼团, ORD-5), the pure parts: the group price (only for group-buy orders), a group's
 * window and places, and the order's state machine — authorised members wait for the group, the
 * completion approves them, an expired group cancels them and releases their stock.
 */
import { describe, expect, it } from 'vitest';
import { groupStatus, groupView, joinGroup, joinRefusal, openGroup, orderGroupOf } from '../../../functions/checkout/domain/group-buy.ts';
import { decide, SYSTEM_ACTORS } from '../../../functions/checkout/domain/order.ts';
import { priceBasket, type GroupBuyPromotion, type PricingInput, type Promotion } from '../../../functions/checkout/domain/pricing.ts';
import { DEFAULT_SHIPPING_RATES } from '../../../functions/checkout/settings.ts';
import { cny, orderFixture } from '../../support/orders.ts';

const now = new Date('2026-06-01T12:00:00Z');
const settings = { currency: 'CNY', freeShippingThreshold: 9900, shippingRates: DEFAULT_SHIPPING_RATES };
const tea = { sku: 'TEA-1', name: '龙井', category: 'groceries', price: cny(12900), weightGrams: 500 };
const group3: GroupBuyPromotion = { kind: 'group-buy', promotionId: 'PT-TEA', title: '三人团', sku: 'TEA-1', price: cny(8800), groupSize: 3 };
const flash: Promotion = { kind: 'flash-price', promotionId: 'FLASH-TEA', title: '秒杀', sku: 'TEA-1', price: cny(9900) };
const spend100: Promotion = { kind: 'spend-threshold', promotionId: 'SPEND100', title: '满100减50', threshold: cny(10000), amountOff: cny(5000) };
const price = (overrides: Partial<PricingInput>) =>
  priceBasket({ lines: [{ product: tea, quantity: 2 }], promotions: [group3, flash, spend100], member: false, now, settings, ...overrides });

describe('group price (ORD-3, ORD-5)', () => {
  it('a group-buy order pays the group price on its SKU instead of any flash price; order-level promotions still apply', () => {
    const priced = price({ groupBuy: {} });
    expect(priced.lines[0]?.flashPrice).toEqual(cny(8800));
    expect(priced.discounts).toEqual([
      { kind: 'group-price', id: 'PT-TEA', title: '三人团', amount: cny(8200) },
      { kind: 'spend-threshold', id: 'SPEND100', title: '满100减50', amount: cny(5000) },
    ]);
    expect(priced.total).toEqual(cny(2 * 8800 - 5000));
  });

  it('a regular order never sees a group price', () => {
    const priced = price({});
    expect(priced.discounts.map((d) => d.kind)).toEqual(['flash-price', 'spend-threshold']);
    expect(priced.lines[0]?.flashPrice).toEqual(cny(9900));
  });

  it('a join is priced with its own group’s promotion, and gets none once that has ended', () => {
    const cheaper: GroupBuyPromotion = { ...group3, promotionId: 'PT-CHEAP', price: cny(7700) };
    expect(price({ promotions: [group3, cheaper], groupBuy: {} }).discounts[0]?.id).toBe('PT-CHEAP');
    expect(price({ promotions: [group3, cheaper], groupBuy: { promotionId: 'PT-TEA' } }).discounts[0]?.id).toBe('PT-TEA');
    const ended = { ...group3, endsAt: '2026-06-01T11:00:00Z' };
    expect(price({ promotions: [ended], groupBuy: { promotionId: 'PT-TEA' } }).discounts).toEqual([]);
  });
});

describe('a group', () => {
  it('stays open for its window, never past the promotion’s end', () => {
    expect(openGroup({ code: '7KD3M9QX', promotion: group3, orderId: 'O1', now }).expiresAt).toBe('2026-06-02T12:00:00.000Z');
    expect(openGroup({ code: '7KD3M9QX', promotion: { ...group3, windowMinutes: 30 }, orderId: 'O1', now }).expiresAt).toBe('2026-06-01T12:30:00.000Z');
    expect(openGroup({ code: '7KD3M9QX', promotion: { ...group3, endsAt: '2026-06-01T18:00:00Z' }, orderId: 'O1', now }).expiresAt).toBe('2026-06-01T18:00:00.000Z');
  });

  it('completes with the join that fills its last place; then nobody joins, nor after it ends', () => {
    let group = openGroup({ code: '7KD3M9QX', promotion: group3, orderId: 'O1', now });
    group = joinGroup(group, 'O2', now);
    expect(groupStatus(group, now)).toBe('OPEN');
    expect(joinRefusal(group, now)).toBeUndefined();
    expect(joinRefusal(group, new Date('2026-06-02T12:00:00Z'))).toBe('expired');
    group = joinGroup(group, 'O3', now);
    expect(group.members).toEqual(['O1', 'O2', 'O3']);
    expect(group.completedAt).toBe(now.toISOString());
    expect(joinRefusal(group, now)).toBe('complete');
    expect(groupView(group, now)).toEqual(expect.objectContaining({ joined: 3, placesLeft: 0, status: 'COMPLETE' }));
    expect(JSON.stringify(groupView(group, now))).not.toContain('O1');
  });
});

describe('a group-buy order’s state machine (ORD-5)', () => {
  const ctx = { now, balanceWindowHours: 168 };
  const group = openGroup({ code: '7KD3M9QX', promotion: group3, orderId: 'O1', now });
  const member = orderFixture({ orderType: 'group-buy', groupBuy: orderGroupOf(group) });
  const authorized = { type: 'PaymentAuthorized' as const, paymentId: 'P1', amount: cny(10000), captureOn: 'shipment' as const, at: now.toISOString() };

  it('an authorised member waits for its group: still PLACED, payment due by the group’s end', () => {
    const d = decide(member, authorized, ctx);
    expect(d).toMatchObject({ kind: 'change', patch: { payment: { status: 'authorized' }, paymentDueBy: group.expiresAt }, release: [] });
    expect(d.kind === 'change' && d.transition).toBeFalsy();
  });

  it('the completion approves an authorised member; a member still paying is approved by its payment', () => {
    const waiting = { ...member, payment: { ...member.payment, status: 'authorized' as const, authorized: cny(10000), paymentIds: ['P1'] }, paymentDueBy: group.expiresAt };
    const done = decide(waiting, { type: 'GroupBuyCompleted', code: '7KD3M9QX', at: now.toISOString() }, ctx);
    expect(done).toMatchObject({
      kind: 'change',
      patch: { status: 'APPROVED', paymentDueBy: null, groupBuy: { complete: true } },
      transition: { from: 'PLACED', to: 'APPROVED', reason: 'group-buy-complete', actor: SYSTEM_ACTORS.groupBuy },
    });

    const unpaid = decide(member, { type: 'GroupBuyCompleted', code: '7KD3M9QX', at: now.toISOString() }, ctx);
    expect(unpaid).toMatchObject({ kind: 'change', patch: { groupBuy: { complete: true } } });
    expect(unpaid.kind === 'change' && unpaid.patch.status).toBeUndefined();
    const completeMember = { ...member, groupBuy: { ...member.groupBuy!, complete: true } };
    expect(decide(completeMember, authorized, ctx)).toMatchObject({ kind: 'change', patch: { status: 'APPROVED' } });
  });

  it('another group’s completion, or a second one, changes nothing', () => {
    expect(decide(member, { type: 'GroupBuyCompleted', code: 'ZZZZZZZZ', at: now.toISOString() }, ctx)).toMatchObject({ kind: 'ignore' });
    expect(decide(orderFixture(), { type: 'GroupBuyCompleted', code: '7KD3M9QX', at: now.toISOString() }, ctx)).toMatchObject({ kind: 'ignore' });
  });

  it('when the window ends short, the sweep cancels the member (group-buy-expired) and releases its stock', () => {
    const waiting = { ...member, payment: { ...member.payment, status: 'authorized' as const }, paymentDueBy: group.expiresAt };
    const sweep = { type: 'Cancel' as const, by: 'timeout' as const, actor: SYSTEM_ACTORS.timeout, reason: 'payment-window-expired' };
    expect(decide(waiting, sweep, ctx)).toMatchObject({ kind: 'ignore', reason: 'payment window still open' });
    const later = { now: new Date(group.expiresAt), balanceWindowHours: 168 };
    expect(decide(waiting, sweep, later)).toMatchObject({
      kind: 'change',
      patch: { status: 'CANCELLED', cancellation: { reason: 'group-buy-expired' } },
      release: member.reservations,
    });
  });
});
