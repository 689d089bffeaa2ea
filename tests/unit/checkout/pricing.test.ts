/**
 * Pricing and promotions (ORD-2, ORD-3): worked examples of the stacking rule, and fast-check
 * properties over random baskets and promotions — totals exact to the fen, never negative,
 * discounts never above the subtotal, line totals adding up to the goods total.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  couponRejection,
  presaleDeposit,
  priceBasket,
  shippingFee,
  type BasketLine,
  type Coupon,
  type PricingInput,
  type Promotion,
} from '../../../functions/checkout/domain/pricing.ts';
import { DEFAULT_SHIPPING_RATES } from '../../../functions/checkout/settings.ts';

const cny = (amount: number) => ({ amount, currency: 'CNY' });
const settings = { currency: 'CNY', freeShippingThreshold: 9900, shippingRates: DEFAULT_SHIPPING_RATES };
const now = new Date('2026-06-01T12:00:00Z');
const line = (sku: string, price: number, quantity: number, category = 'groceries', weightGrams = 500): BasketLine => ({
  product: { sku, name: sku, category, price: cny(price), weightGrams },
  quantity,
});
const input = (overrides: Partial<PricingInput>): PricingInput => ({ lines: [], promotions: [], member: false, now, settings, ...overrides });

const welcome10: Coupon = {
  code: 'WELCOME10',
  title: 'Welcome',
  kind: 'percentage',
  percentBasisPoints: 1000,
  minSpend: cny(5000),
  validFrom: '2026-01-01T00:00:00Z',
  validUntil: '2027-01-01T00:00:00Z',
  perCustomerLimit: 1,
  totalLimit: 100,
};
const spend100get50: Promotion = { kind: 'spend-threshold', promotionId: 'SPEND100', title: '满100减50', threshold: cny(10000), amountOff: cny(5000) };

describe('priceBasket: the stacking rule (ORD-3)', () => {
  it('prices list prices with no promotions; shipping by region and weight', () => {
    const q = priceBasket(input({ lines: [line('A-1', 1990, 2, 'books', 700), line('B-1', 3990, 1, 'home', 1200)], shippingRegion: 'east' }));
    expect(q.subtotal).toEqual(cny(7970));
    expect(q.discounts).toEqual([]);
    expect(q.goodsTotal).toEqual(cny(7970));
    // 2 600 g to east: 800 base covers 1 000 g, then 2 started kilograms at 200.
    expect(q.shipping).toEqual({ region: 'east', weightGrams: 2600, fee: cny(1200), free: false });
    expect(q.total).toEqual(cny(9170));
  });

  it('spend ≥ ¥100 get ¥50 off; shipping free once the goods after discounts reach the threshold', () => {
    const q = priceBasket(input({ lines: [line('A-1', 12900, 1)], promotions: [spend100get50], shippingRegion: 'west' }));
    expect(q.discounts).toEqual([{ kind: 'spend-threshold', id: 'SPEND100', title: '满100减50', amount: cny(5000) }]);
    expect(q.goodsTotal).toEqual(cny(7900));
    expect(q.shipping.free).toBe(false);
    expect(q.shippingFee).toEqual(cny(1500));
    const big = priceBasket(input({ lines: [line('A-1', 20000, 1)], promotions: [spend100get50], shippingRegion: 'west' }));
    expect(big.goodsTotal).toEqual(cny(15000));
    expect(big.shipping).toMatchObject({ free: true, fee: cny(0) });
    expect(big.total).toEqual(cny(15000));
  });

  it('a threshold just missed does not apply', () => {
    const q = priceBasket(input({ lines: [line('A-1', 9999, 1)], promotions: [spend100get50] }));
    expect(q.discounts).toEqual([]);
  });

  it('flash price first, then the best automatic promotion on what is left, then the coupon', () => {
    const flash: Promotion = {
      kind: 'flash-price',
      promotionId: 'FLASH-A',
      title: 'Flash',
      sku: 'A-1',
      price: cny(9900),
      startsAt: '2026-05-01T00:00:00Z',
      endsAt: '2026-07-01T00:00:00Z',
    };
    const q = priceBasket(
      input({ lines: [line('A-1', 12900, 1), line('B-1', 5000, 1)], promotions: [flash, spend100get50], coupon: { definition: welcome10, usage: { total: 0, byCustomer: 0 } } }),
    );
    // subtotal 17 900; flash saves 3 000 → 14 900; threshold 5 000 → 9 900; coupon 10 % of 9 900 = 990.
    expect(q.discounts.map((d) => [d.kind, d.amount.amount])).toEqual([
      ['flash-price', 3000],
      ['spend-threshold', 5000],
      ['coupon', 990],
    ]);
    expect(q.goodsTotal).toEqual(cny(8910));
    expect(q.lines[0]).toMatchObject({ unitPrice: cny(12900), flashPrice: cny(9900) });
    expect(q.lines.reduce((s, l) => s + l.lineTotal.amount, 0)).toBe(8910);
    expect(q.coupon).toEqual({ code: 'WELCOME10', applied: true });
  });

  it('a flash price outside its window or members-only for a non-member does not apply', () => {
    const expired: Promotion = { kind: 'flash-price', promotionId: 'F1', title: 'F', sku: 'A-1', price: cny(100), endsAt: '2026-06-01T12:00:00Z' };
    const membersOnly: Promotion = { kind: 'flash-price', promotionId: 'F2', title: 'F', sku: 'A-1', price: cny(200), membersOnly: true };
    expect(priceBasket(input({ lines: [line('A-1', 1000, 1)], promotions: [expired, membersOnly] })).discountTotal).toEqual(cny(0));
    expect(priceBasket(input({ lines: [line('A-1', 1000, 1)], promotions: [expired, membersOnly], member: true })).discountTotal).toEqual(cny(800));
  });

  it('only the best automatic order-level promotion applies (member offer vs threshold)', () => {
    const member5: Promotion = { kind: 'member-discount', promotionId: 'MEMBER5', title: '5%', percentBasisPoints: 500 };
    const small = priceBasket(input({ lines: [line('A-1', 12000, 1)], promotions: [spend100get50, member5], member: true }));
    expect(small.discounts.map((d) => d.id)).toEqual(['SPEND100']);
    const large = priceBasket(input({ lines: [line('A-1', 200000, 1)], promotions: [spend100get50, member5], member: true }));
    expect(large.discounts.map((d) => [d.id, d.amount.amount])).toEqual([['MEMBER5', 10000]]);
    const notMember = priceBasket(input({ lines: [line('A-1', 200000, 1)], promotions: [member5] }));
    expect(notMember.discounts).toEqual([]);
  });

  it('category-limited promotions count and discount only their categories', () => {
    const books: Promotion = { kind: 'spend-threshold', promotionId: 'BOOKS', title: 'Books', threshold: cny(5000), amountOff: cny(1000), categories: ['books'] };
    const q = priceBasket(input({ lines: [line('BOOK-1', 6000, 1, 'books'), line('TEA-1', 90000, 1, 'groceries')], promotions: [books] }));
    expect(q.lines[0]!.lineDiscount).toEqual(cny(1000));
    expect(q.lines[1]!.lineDiscount).toEqual(cny(0));
  });

  it('coupons: minimum spend, window, members-only and usage limits are checked and reported', () => {
    const lines = [line('A-1', 4000, 1)];
    expect(priceBasket(input({ lines, coupon: { definition: welcome10, usage: { total: 0, byCustomer: 0 } } })).coupon).toEqual({
      code: 'WELCOME10',
      applied: false,
      reason: 'min-spend-not-met',
    });
    expect(couponRejection(welcome10, { total: 0, byCustomer: 1 }, false, now)).toBe('customer-limit-reached');
    expect(couponRejection(welcome10, { total: 100, byCustomer: 0 }, false, now)).toBe('usage-limit-reached');
    expect(couponRejection(welcome10, { total: 0, byCustomer: 0 }, false, new Date('2027-01-01T00:00:00Z'))).toBe('expired');
    expect(couponRejection(welcome10, { total: 0, byCustomer: 0 }, false, new Date('2025-12-31T00:00:00Z'))).toBe('not-started');
    expect(couponRejection({ ...welcome10, membersOnly: true }, { total: 0, byCustomer: 0 }, false, now)).toBe('members-only');
  });

  it('a fixed coupon larger than the goods brings them to zero, never below', () => {
    const big: Coupon = { ...welcome10, code: 'BIG', kind: 'fixed', amountOff: cny(99999), minSpend: cny(0) };
    const q = priceBasket(input({ lines: [line('A-1', 1234, 1)], coupon: { definition: big, usage: { total: 0, byCustomer: 0 } }, shippingRegion: 'east' }));
    expect(q.goodsTotal).toEqual(cny(0));
    expect(q.discountTotal).toEqual(cny(1234));
    expect(q.total).toEqual(q.shippingFee);
  });

  it('allocates a discount across lines by what is left of each, exactly (largest remainder)', () => {
    const fixed: Coupon = { ...welcome10, code: 'TEN', kind: 'fixed', amountOff: cny(100), minSpend: cny(0) };
    const q = priceBasket(input({ lines: [line('A-1', 1, 1), line('B-1', 1, 1), line('C-1', 1, 1)], coupon: { definition: fixed, usage: { total: 0, byCustomer: 0 } } }));
    expect(q.lines.map((l) => l.lineTotal.amount)).toEqual([0, 0, 0]);
    const odd: Coupon = { ...fixed, amountOff: cny(10) };
    const r = priceBasket(input({ lines: [line('A-1', 333, 1), line('B-1', 333, 1), line('C-1', 334, 1)], coupon: { definition: odd, usage: { total: 0, byCustomer: 0 } } }));
    expect(r.lines.map((l) => l.lineDiscount.amount)).toEqual([3, 3, 4]);
    expect(r.goodsTotal).toEqual(cny(990));
  });

  it('shipping: unknown regions pay the highest rate table; no region → no fee yet', () => {
    expect(shippingFee(DEFAULT_SHIPPING_RATES, 'atlantis', 500, 'CNY')).toEqual(cny(1500));
    const q = priceBasket(input({ lines: [line('A-1', 100, 1)] }));
    expect(q.shipping).toEqual({ region: null, weightGrams: 500, fee: cny(0), free: false });
  });

  it('pre-sale deposit: 20 % rounded half-up, at least one fen, the balance is the rest (ORD-5)', () => {
    expect(presaleDeposit(cny(12345), 2000)).toEqual({ deposit: cny(2469), balance: cny(9876) });
    expect(presaleDeposit(cny(3), 2000)).toEqual({ deposit: cny(1), balance: cny(2) });
    expect(presaleDeposit(cny(0), 2000)).toEqual({ deposit: cny(0), balance: cny(0) });
    expect(presaleDeposit(cny(100), 10_000)).toEqual({ deposit: cny(100), balance: cny(0) });
  });
});

// ---- properties -------------------------------------------------------------------------------

const categories = ['books', 'groceries', 'electronics', 'fresh-food'] as const;
const arbWindow = fc.record({
  startsAt: fc.option(fc.constantFrom('2026-01-01T00:00:00Z', '2026-06-01T12:00:00Z', '2026-07-01T00:00:00Z'), { nil: undefined }),
  endsAt: fc.option(fc.constantFrom('2026-06-01T12:00:00Z', '2026-06-02T00:00:00Z', '2027-01-01T00:00:00Z'), { nil: undefined }),
});
const arbAmount = fc.integer({ min: 0, max: 5_000_000 });
const arbCategories = fc.option(fc.subarray([...categories], { minLength: 1 }), { nil: undefined });

const arbLines = fc
  .uniqueArray(
    fc.record({
      sku: fc.constantFrom('A-1', 'B-2', 'C-3', 'D-4', 'E-5', 'F-6', 'G-7', 'H-8'),
      price: fc.integer({ min: 0, max: 2_000_000 }),
      quantity: fc.integer({ min: 1, max: 99 }),
      category: fc.constantFrom(...categories),
      weight: fc.integer({ min: 1, max: 20_000 }),
    }),
    { minLength: 1, maxLength: 8, selector: (l) => l.sku },
  )
  .map((ls) => ls.map((l) => line(l.sku, l.price, l.quantity, l.category, l.weight)));

const arbPromotion: fc.Arbitrary<Promotion> = fc.oneof(
  fc
    .record({ sku: fc.constantFrom('A-1', 'B-2', 'C-3', 'Z-9'), price: arbAmount, membersOnly: fc.boolean(), w: arbWindow, id: fc.integer({ min: 0, max: 99 }) })
    .map((p) => ({ kind: 'flash-price' as const, promotionId: `F${p.id}`, title: 'flash', sku: p.sku, price: cny(p.price), membersOnly: p.membersOnly, ...stripUndefined(p.w) })),
  fc.record({ threshold: arbAmount, off: arbAmount, membersOnly: fc.boolean(), cats: arbCategories, w: arbWindow, id: fc.integer({ min: 0, max: 99 }) }).map((p) => ({
    kind: 'spend-threshold' as const,
    promotionId: `S${p.id}`,
    title: 'threshold',
    threshold: cny(p.threshold),
    amountOff: cny(p.off),
    membersOnly: p.membersOnly,
    ...(p.cats ? { categories: p.cats } : {}),
    ...stripUndefined(p.w),
  })),
  fc
    .record({ bp: fc.integer({ min: 0, max: 10_000 }), max: fc.option(arbAmount, { nil: undefined }), cats: arbCategories, w: arbWindow, id: fc.integer({ min: 0, max: 99 }) })
    .map((p) => ({
      kind: 'member-discount' as const,
      promotionId: `M${p.id}`,
      title: 'member',
      percentBasisPoints: p.bp,
      ...(p.max !== undefined ? { maxDiscount: cny(p.max) } : {}),
      ...(p.cats ? { categories: p.cats } : {}),
      ...stripUndefined(p.w),
    })),
);

const arbCoupon: fc.Arbitrary<{ definition: Coupon; usage: { total: number; byCustomer: number } }> = fc
  .record({
    kind: fc.constantFrom('percentage' as const, 'fixed' as const),
    bp: fc.integer({ min: 0, max: 10_000 }),
    off: arbAmount,
    max: fc.option(arbAmount, { nil: undefined }),
    min: fc.integer({ min: 0, max: 500_000 }),
    membersOnly: fc.boolean(),
    cats: arbCategories,
    used: fc.integer({ min: 0, max: 3 }),
  })
  .map((c) => ({
    definition: {
      code: 'RANDOM',
      title: 'random',
      kind: c.kind,
      ...(c.kind === 'percentage' ? { percentBasisPoints: c.bp } : { amountOff: cny(c.off) }),
      ...(c.max !== undefined ? { maxDiscount: cny(c.max) } : {}),
      minSpend: cny(c.min),
      validFrom: '2026-01-01T00:00:00Z',
      validUntil: '2027-01-01T00:00:00Z',
      perCustomerLimit: 2,
      totalLimit: 3,
      membersOnly: c.membersOnly,
      ...(c.cats ? { categories: c.cats } : {}),
    },
    usage: { total: c.used, byCustomer: Math.min(c.used, 2) },
  }));

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

const arbInput = fc.record({
  lines: arbLines,
  promotions: fc.array(arbPromotion, { maxLength: 6 }),
  coupon: fc.option(arbCoupon, { nil: undefined }),
  member: fc.boolean(),
  region: fc.option(fc.constantFrom('east', 'west', 'north', 'nowhere'), { nil: undefined }),
  threshold: fc.integer({ min: 0, max: 1_000_000 }),
});

describe('priceBasket properties (fast-check, ORD-2)', () => {
  it('totals are exact, never negative, discounts never above the subtotal, lines add up to the goods total', () => {
    fc.assert(
      fc.property(arbInput, (x) => {
        const q = priceBasket({
          lines: x.lines,
          promotions: x.promotions,
          ...(x.coupon ? { coupon: x.coupon } : {}),
          member: x.member,
          ...(x.region ? { shippingRegion: x.region } : {}),
          now,
          settings: { ...settings, freeShippingThreshold: x.threshold },
        });
        const amounts = [
          q.subtotal,
          q.discountTotal,
          q.goodsTotal,
          q.shippingFee,
          q.total,
          ...q.discounts.map((d) => d.amount),
          ...q.lines.flatMap((l) => [l.lineSubtotal, l.lineDiscount, l.lineTotal]),
        ];
        for (const m of amounts) {
          expect(Number.isSafeInteger(m.amount)).toBe(true);
          expect(m.amount).toBeGreaterThanOrEqual(0);
          expect(m.currency).toBe('CNY');
        }
        expect(q.subtotal.amount).toBe(x.lines.reduce((s, l) => s + l.product.price.amount * l.quantity, 0));
        expect(q.discountTotal.amount).toBeLessThanOrEqual(q.subtotal.amount);
        expect(q.discounts.reduce((s, d) => s + d.amount.amount, 0)).toBe(q.discountTotal.amount);
        expect(q.lines.reduce((s, l) => s + l.lineTotal.amount, 0)).toBe(q.goodsTotal.amount);
        expect(q.goodsTotal.amount).toBe(q.subtotal.amount - q.discountTotal.amount);
        expect(q.total.amount).toBe(q.goodsTotal.amount + q.shippingFee.amount);
        for (const l of q.lines) {
          expect(l.lineDiscount.amount).toBeLessThanOrEqual(l.lineSubtotal.amount);
          expect(l.lineTotal.amount).toBe(l.lineSubtotal.amount - l.lineDiscount.amount);
          expect(l.discounts.reduce((s, d) => s + d.amount.amount, 0)).toBe(l.lineDiscount.amount);
        }
        // each discount is exactly the sum of its line shares
        for (const d of q.discounts) {
          expect(q.lines.reduce((s, l) => s + l.discounts.filter((x2) => x2.id === d.id).reduce((t, x2) => t + x2.amount.amount, 0), 0)).toBe(d.amount.amount);
        }
        // one rule: at most one automatic order-level promotion, at most one coupon, one flash per line
        expect(q.discounts.filter((d) => d.kind === 'spend-threshold' || d.kind === 'member-discount').length).toBeLessThanOrEqual(1);
        expect(q.discounts.filter((d) => d.kind === 'coupon').length).toBeLessThanOrEqual(1);
        expect(q.discounts.filter((d) => d.kind === 'flash-price').length).toBeLessThanOrEqual(q.lines.length);
        if (q.shipping.free) expect(q.shippingFee.amount).toBe(0);
        if (x.region && q.goodsTotal.amount >= x.threshold) expect(q.shipping.free).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('is deterministic: the same input prices the same', () => {
    fc.assert(
      fc.property(arbInput, (x) => {
        const build = () => priceBasket({ lines: x.lines, promotions: x.promotions, ...(x.coupon ? { coupon: x.coupon } : {}), member: x.member, now, settings });
        expect(build()).toEqual(build());
      }),
      { numRuns: 100 },
    );
  });

  it('the pre-sale deposit and balance add up to the total, the deposit never above it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 1, max: 10_000 }), (total, bp) => {
        const { deposit, balance } = presaleDeposit(cny(total), bp);
        expect(deposit.amount + balance.amount).toBe(total);
        expect(deposit.amount).toBeGreaterThanOrEqual(total > 0 ? 1 : 0);
        expect(balance.amount).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});

describe('member tiers and issued coupons (ORD-3)', () => {
  const goldOnly: Promotion = { kind: 'member-discount', promotionId: 'GOLD10', title: '金卡9折', percentBasisPoints: 1000, tiers: ['gold', 'platinum'] };
  const lines = [line('A-1', 20000, 1)];
  it('a member offer naming tiers applies to members of those tiers only', () => {
    expect(priceBasket(input({ lines, promotions: [goldOnly], member: true, memberTier: 'gold' })).discounts).toEqual([
      { kind: 'member-discount', id: 'GOLD10', title: '金卡9折', amount: cny(2000) },
    ]);
    expect(priceBasket(input({ lines, promotions: [goldOnly], member: true, memberTier: 'silver' })).discounts).toEqual([]);
    expect(priceBasket(input({ lines, promotions: [goldOnly], member: true })).discounts).toEqual([]);
    expect(priceBasket(input({ lines, promotions: [{ ...goldOnly, tiers: undefined } as Promotion], member: true, memberTier: 'silver' })).discounts).toHaveLength(1);
  });

  it('an issuedOnly coupon is refused to a customer it was not issued to', () => {
    const vip = { ...welcome10, issuedOnly: true };
    expect(couponRejection(vip, { total: 0, byCustomer: 0 }, false, now)).toBe('not-issued');
    expect(couponRejection(vip, { total: 0, byCustomer: 0, issued: true }, false, now)).toBeUndefined();
    expect(couponRejection(welcome10, { total: 0, byCustomer: 0 }, false, now)).toBeUndefined();
  });
});
