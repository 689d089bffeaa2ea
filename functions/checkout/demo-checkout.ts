/**
 * Demo promotions, coupons and customers (dev stage; `npm start` and the e2e setup run the
 * `SeedDemoCheckout` function). Windows are relative to the first seed, so the flash price is
 * active in a fresh demo. Written through the marketer's own use cases (`putPromotion`,
 * `putCoupon`, `setMembership`: validated — a flash price against catalog's list price — and
 * audited as `system:seed`), so demo and production data take one path. Idempotent: every item is
 * created only if absent, the marker last.
 *
 * - Flash price: the 20 000 mAh power bank at ¥99 instead of ¥129 (30 days).
 * - Spend threshold (ORD-3): spend ≥ ¥100, get ¥50 off.
 * - Member offer: 5 % off for members (at most ¥100).
 * - Coupons: `WELCOME10` (10 % off, min spend ¥50, once per customer), `SAVE20` (¥20 off from
 *   ¥199, three times per customer), `MEMBER30` (members only, ¥30 off from ¥200).
 * - Customers: `demo-member` is a member; everyone else is not.
 */
import type { Coupon, Promotion } from './domain/pricing.ts';
import { setMembership, type ManageMembershipsDeps } from './manage-memberships.ts';
import { putCoupon, putPromotion, type ManagePromotionsDeps } from './manage-promotions.ts';

/** Bump when the demo data changes incompatibly. */
export const DEMO_CHECKOUT_MARKER = 'demo-checkout-v1';

/** The demo member's user id (token `sub`). */
export const DEMO_MEMBER_ID = 'demo-member';

const cny = (amount: number) => ({ amount, currency: 'CNY' });
const days = (at: Date, n: number) => new Date(at.getTime() + n * 86_400_000).toISOString();

/** The demo promotions, relative to `at`. */
export function demoPromotions(at: Date): Promotion[] {
  return [
    {
      kind: 'flash-price',
      promotionId: 'FLASH-POWERBANK',
      title: '限时秒杀 Flash sale: power bank ¥99',
      sku: 'ELEC-POWERBANK-20K',
      price: cny(9900),
      startsAt: days(at, -1),
      endsAt: days(at, 30),
    },
    {
      kind: 'spend-threshold',
      promotionId: 'SPEND100-GET50',
      title: '满100减50 Spend ¥100, get ¥50 off',
      threshold: cny(10000),
      amountOff: cny(5000),
      startsAt: days(at, -1),
      endsAt: days(at, 365),
    },
    { kind: 'member-discount', promotionId: 'MEMBER-5PCT', title: '会员95折 Members 5% off', percentBasisPoints: 500, maxDiscount: cny(10000) },
  ];
}

/** The demo coupons, relative to `at`. */
export function demoCoupons(at: Date): Coupon[] {
  return [
    {
      code: 'WELCOME10',
      title: '新客九折 Welcome 10% off',
      kind: 'percentage',
      percentBasisPoints: 1000,
      minSpend: cny(5000),
      validFrom: days(at, -1),
      validUntil: days(at, 365),
      perCustomerLimit: 1,
      totalLimit: 1_000_000,
    },
    {
      code: 'SAVE20',
      title: '满199减20 ¥20 off from ¥199',
      kind: 'fixed',
      amountOff: cny(2000),
      minSpend: cny(19900),
      validFrom: days(at, -1),
      validUntil: days(at, 365),
      perCustomerLimit: 3,
      totalLimit: 1_000_000,
    },
    {
      code: 'MEMBER30',
      title: '会员专享 Members ¥30 off from ¥200',
      kind: 'fixed',
      amountOff: cny(3000),
      minSpend: cny(20000),
      validFrom: days(at, -1),
      validUntil: days(at, 365),
      perCustomerLimit: 5,
      totalLimit: 1_000_000,
      membersOnly: true,
    },
  ];
}

/** What a seed did. */
export interface CheckoutSeedResult {
  readonly seeded: boolean;
  readonly promotions: number;
  readonly coupons: number;
  readonly customers: number;
}

/** Who and why, in the audit trail. */
const SEED_CHANGE = { changedBy: 'system:seed', roles: ['marketer'], reason: 'demo data (dev stage seeder)', correlationId: `seed-${DEMO_CHECKOUT_MARKER}` } as const;

/** Seeds the demo data once, through the marketer's use cases. */
export async function seedDemoCheckout(deps: ManagePromotionsDeps & ManageMembershipsDeps): Promise<CheckoutSeedResult> {
  const { store } = deps;
  if (await store.hasSeedMarker(DEMO_CHECKOUT_MARKER)) return { seeded: false, promotions: 0, coupons: 0, customers: 0 };
  const at = deps.clock.now();
  let promotions = 0;
  let coupons = 0;
  for (const promotion of demoPromotions(at)) {
    if (await store.getPromotion(promotion.promotionId)) continue;
    if ((await putPromotion(deps, { promotion, active: true, ...SEED_CHANGE })).outcome === 'created') promotions++;
  }
  for (const coupon of demoCoupons(at)) {
    if (await store.getCoupon(coupon.code)) continue;
    if ((await putCoupon(deps, { coupon, active: true, ...SEED_CHANGE })).outcome === 'created') coupons++;
  }
  // The demo member, as PUT /admin/members/{customerId} makes one.
  const customers =
    (await store.getMembership(DEMO_MEMBER_ID)).tier === null && (await setMembership(deps, { customerId: DEMO_MEMBER_ID, tier: 'gold', ...SEED_CHANGE })).outcome === 'updated'
      ? 1
      : 0;
  await store.putSeedMarker(DEMO_CHECKOUT_MARKER, at);
  return { seeded: true, promotions, coupons, customers };
}
