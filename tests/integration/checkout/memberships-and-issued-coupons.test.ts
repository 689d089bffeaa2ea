/**
 * Marketers run memberships and issue coupons without a deploy (ORD-3), against DynamoDB Local:
 * a tier set over the use case prices the customer's next order with that tier's member offer
 * (audited once; the same tier again changes nothing); a coupon issued to some customers is in
 * their wallets, usable by them, refused to others with 409 `coupon-not-applicable`.
 */
import { describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import { ulid } from 'ulid';
import { getMembership, setMembership } from '../../../functions/checkout/manage-memberships.ts';
import { issueCoupon, listWalletCoupons, putCoupon } from '../../../functions/checkout/manage-promotions.ts';
import { placeOrder } from '../../../functions/checkout/place-order.ts';
import type { Coupon, Promotion } from '../../../functions/checkout/domain/pricing.ts';
import type { AuditEvent } from '../../../shared/audit.ts';
import { systemClock } from '../../../shared/clock.ts';
import { PROBLEM_TYPE_BASE } from '../../../shared/errors.ts';
import { customer, problem, useCheckoutWorld } from './fixtures.ts';

const world = useCheckoutWorld();
const audited: AuditEvent[] = [];
const audit = {
  record: async (event: Omit<AuditEvent, 'seq' | 'at' | 'prevHash' | 'hash'>) =>
    (audited.push(event as AuditEvent), { ...event, seq: audited.length, at: new Date().toISOString(), prevHash: '', hash: '' }) as never,
};
const deps = () => ({ store: world.promotions, audit, clock: systemClock });
const staff = (reason = 'loyalty programme') => ({ changedBy: 'marketer-1', roles: ['marketer'], reason, correlationId: `c-${ulid()}` });
const cny = (amount: number) => ({ amount, currency: 'CNY' });
const place = (customerId: string, sku: string, couponCode?: string) =>
  placeOrder(world.placeDeps(), {
    customerId,
    request: world.request([{ sku, quantity: 1 }], couponCode ? { couponCode } : {}),
    correlationId: `c-${ulid()}`,
    idempotencyKey: ulid(),
  });

describe('memberships (ORD-3)', () => {
  it('a gold tier set by a marketer gets the gold member offer on the next order; silver does not; audited once', async () => {
    const sku = await world.product({ price: 20_000, category: `tier-${ulid().toLowerCase().slice(-8)}` });
    const category = (await world.catalog.entries([sku])).get(sku)?.product.category as string;
    const offer: Promotion = { kind: 'member-discount', promotionId: `GOLD-${ulid()}`, title: '金卡9折', percentBasisPoints: 1000, categories: [category], tiers: ['gold'] };
    await world.promotions.putPromotion(offer);
    const gold = customer('gold');
    const silver = customer('silver');
    expect(await getMembership(deps(), gold)).toEqual({ customerId: gold, tier: null });

    const before = audited.length;
    expect((await setMembership(deps(), { customerId: gold, tier: 'gold', ...staff() })).item).toMatchObject({
      customerId: gold,
      tier: 'gold',
      memberSince: expect.any(String),
      updatedBy: 'marketer-1',
    });
    expect((await setMembership(deps(), { customerId: gold, tier: 'gold', ...staff() })).outcome).toBe('unchanged');
    await setMembership(deps(), { customerId: silver, tier: 'silver', ...staff() });
    expect(audited.slice(before).map((e) => [e.action, e.resource.id, e.details])).toEqual([
      ['membership.update', gold, { from: 'none', to: 'gold' }],
      ['membership.update', silver, { from: 'none', to: 'silver' }],
    ]);

    expect((await place(gold, sku)).order.discounts).toEqual([{ kind: 'member-discount', id: offer.promotionId, title: '金卡9折', amount: cny(2_000) }]);
    expect((await place(silver, sku)).order.discounts).toEqual([]);
    // Ending the membership ends the price.
    await setMembership(deps(), { customerId: gold, tier: null, ...staff('left the programme') });
    expect(await getMembership(deps(), gold)).toMatchObject({ tier: null });
    expect((await place(gold, sku)).order.discounts).toEqual([]);
  });
});

describe('issued coupons (ORD-3)', () => {
  it('an issuedOnly coupon is in its customers’ wallets and usable by them only; issuing twice changes nothing', async () => {
    const sku = await world.product({ price: 20_000 });
    const code = `VIP${ulid()}`.slice(0, 20);
    const coupon: Coupon = {
      code,
      title: 'VIP 立减20',
      kind: 'fixed',
      amountOff: cny(2_000),
      minSpend: cny(10_000),
      validFrom: new Date(Date.now() - 60_000).toISOString(),
      validUntil: new Date(Date.now() + 86_400_000).toISOString(),
      perCustomerLimit: 1,
      totalLimit: 100,
      issuedOnly: true,
    };
    await putCoupon({ ...deps(), currency: 'CNY' }, { coupon, active: true, ...staff() });
    const chosen = customer('vip');
    const other = customer('plain');
    expect(await issueCoupon(deps(), { code, customerIds: [chosen, chosen], ...staff('vip list') })).toEqual({ code, customers: 1, newlyIssued: 1 });
    expect(await issueCoupon(deps(), { code, customerIds: [chosen], ...staff('vip list again') })).toEqual({ code, customers: 1, newlyIssued: 0 });
    expect(await listWalletCoupons(deps(), chosen)).toEqual([expect.objectContaining({ code, usable: true, usesLeft: 1, amountOff: cny(2_000) })]);
    expect(await listWalletCoupons(deps(), other)).toEqual([]);

    const refused = await problem(place(other, sku, code));
    expect(refused).toMatchObject({ status: 409, type: `${PROBLEM_TYPE_BASE}coupon-not-applicable`, detail: 'The coupon was not issued to you.' });
    const used = await place(chosen, sku, code);
    expect(used.order).toMatchObject({ couponCode: code, total: cny(18_000) });
    expect(await listWalletCoupons(deps(), chosen)).toEqual([expect.objectContaining({ code, usable: false, usesLeft: 0 })]);
    expect((await problem(issueCoupon(deps(), { code: 'NO-SUCH-COUPON', customerIds: [chosen], ...staff() }))).status).toBe(404);
  });
});
