/**
 * Back office (ORD-3, SEC-4): marketers create, replace, switch off and list promotions and coupons
 * against DynamoDB Local; quotes see the change at once; every change is audited before it is
 * written; a coupon keeps its usage; bad definitions are 400s naming the field and change nothing.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import { ulid } from 'ulid';
import { createQuote } from '../../../functions/checkout/create-quote.ts';
import type { Coupon, Promotion } from '../../../functions/checkout/domain/pricing.ts';
import { listCoupons, listPromotions, putCoupon, putPromotion, type ManagePromotionsDeps } from '../../../functions/checkout/manage-promotions.ts';
import { placeOrder } from '../../../functions/checkout/place-order.ts';
import type { AuditEvent } from '../../../shared/audit.ts';
import { systemClock } from '../../../shared/clock.ts';
import { useLocalDynamoDb } from '../../support/local-dynamodb-env.ts';
import { checkoutWorld, customer, problem, startLocalKms } from './fixtures.ts';

let kms: Awaited<ReturnType<typeof startLocalKms>>;
let world: ReturnType<typeof checkoutWorld>;
let audited: AuditEvent[];
let deps: ManagePromotionsDeps;

beforeAll(async () => {
  const { tables } = useLocalDynamoDb();
  kms = await startLocalKms();
  world = checkoutWorld(tables, kms);
  await world.ensureWarehouses();
  audited = [];
  deps = {
    store: world.promotions,
    catalog: { listPrices: async (skus) => new Map([...(await world.catalog.entries(skus))].map(([sku, e]) => [sku, e.product.price])) },
    audit: { record: async (event) => (audited.push(event), { ...event, seq: audited.length, at: new Date().toISOString(), prevHash: '', hash: '' }) as never },
    clock: systemClock,
    currency: 'CNY',
  };
});

afterAll(async () => {
  await kms.close();
});

const cny = (amount: number) => ({ amount, currency: 'CNY' });
const staff = (reason = 'spring campaign') => ({ changedBy: 'marketer-1', roles: ['marketer'], reason, correlationId: `c-${ulid()}` });
const hourFromNow = () => new Date(Date.now() + 3_600_000).toISOString();
const quote = (customerId: string, items: Array<{ sku: string; quantity: number }>, couponCode?: string) =>
  createQuote({ ...world.placeDeps(), settings: world.settings }, customerId, { items, ...(couponCode ? { couponCode } : {}), shippingAddress: { region: 'east' } });

describe('promotions (ORD-3)', () => {
  it('a flash price created by a marketer prices the next quote; switched off, it no longer does; both audited, the replay is not', async () => {
    const sku = await world.product({ price: 12900 });
    const promotionId = `FLASH-${ulid()}`;
    const flash: Promotion = { kind: 'flash-price', promotionId, title: '限时秒杀', sku, price: cny(9900), endsAt: hourFromNow() };
    const before = audited.length;
    expect((await putPromotion(deps, { promotion: flash, active: true, ...staff() })).outcome).toBe('created');
    expect((await quote(customer(), [{ sku, quantity: 1 }])).lines[0]).toMatchObject({ flashPrice: cny(9900) });
    expect((await putPromotion(deps, { promotion: flash, active: true, ...staff() })).outcome).toBe('unchanged');
    expect((await putPromotion(deps, { promotion: flash, active: false, ...staff('sold out') })).outcome).toBe('updated');
    expect((await quote(customer(), [{ sku, quantity: 1 }])).lines[0]?.flashPrice).toBeUndefined();
    expect(audited.slice(before).map((e) => [e.action, e.resource.id, e.reason])).toEqual([
      ['promotion.create', promotionId, 'spring campaign'],
      ['promotion.update', promotionId, 'sold out'],
    ]);
    const listed = await listPromotions(deps, { limit: 100 });
    expect(listed.items.find((p) => p.promotion.promotionId === promotionId)).toMatchObject({ active: false, updatedBy: 'marketer-1' });
  });

  it('refuses a flash price for an unknown SKU, above the list price, in another currency, or with its window backwards — writing nothing', async () => {
    const sku = await world.product({ price: 12900 });
    const bad = async (promotion: Promotion) => {
      const error = await problem(putPromotion(deps, { promotion, active: true, ...staff() }));
      expect(error.status).toBe(400);
      expect(await world.promotions.getPromotion(promotion.promotionId)).toBeUndefined();
      return error.errors?.map((e) => e.path);
    };
    const base = { kind: 'flash-price' as const, title: 't', sku, price: cny(9900) };
    expect(await bad({ ...base, promotionId: `X-${ulid()}`, sku: 'NO-SUCH-SKU' })).toEqual(['body.sku']);
    expect(await bad({ ...base, promotionId: `X-${ulid()}`, price: cny(12900) })).toEqual(['body.price.amount']);
    expect(await bad({ ...base, promotionId: `X-${ulid()}`, price: { amount: 100, currency: 'USD' } })).toContain('body.price.currency');
    expect(await bad({ ...base, promotionId: `X-${ulid()}`, startsAt: hourFromNow(), endsAt: new Date().toISOString() })).toEqual(['body.endsAt']);
    expect(await bad({ kind: 'spend-threshold', promotionId: `X-${ulid()}`, title: 't', threshold: cny(5000), amountOff: cny(5000) })).toEqual(['body.amountOff.amount']);
  });

  it('pages through promotions with an opaque cursor', async () => {
    for (let i = 0; i < 3; i++)
      await putPromotion(deps, {
        promotion: { kind: 'member-discount', promotionId: `PAGE-${ulid()}`, title: 'm', percentBasisPoints: 100, startsAt: hourFromNow() },
        active: false,
        ...staff(),
      });
    const first = await listPromotions(deps, { limit: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).toBeTruthy();
    const second = await listPromotions(deps, { limit: 2, cursor: first.nextCursor as string });
    expect(second.items[0]?.promotion.promotionId).not.toBe(first.items[0]?.promotion.promotionId);
    expect(await problem(listPromotions(deps, { limit: 2, cursor: 'not-a-cursor' }))).toMatchObject({ status: 400 });
  });
});

describe('coupons (ORD-3)', () => {
  const coupon = (code: string, overrides: Partial<Coupon> = {}): Coupon => ({
    code,
    title: '满199减20',
    kind: 'fixed',
    amountOff: cny(2000),
    minSpend: cny(10000),
    validFrom: new Date(Date.now() - 60_000).toISOString(),
    validUntil: hourFromNow(),
    perCustomerLimit: 1,
    totalLimit: 2,
    ...overrides,
  });

  it('a coupon created by a marketer applies at once; replacing it keeps its usage; a total limit below the usage is 409; switched off it is unknown', async () => {
    const code = `C${ulid()}`.slice(0, 20).toUpperCase();
    const sku = await world.product({ price: 12900, stock: { 'WH-EAST': 10 } });
    expect((await putCoupon(deps, { coupon: coupon(code), active: true, ...staff() })).outcome).toBe('created');
    expect((await quote(customer(), [{ sku, quantity: 1 }], code)).coupon).toMatchObject({ code, applied: true });
    const buyer = customer();
    await placeOrder(world.placeDeps(), {
      customerId: buyer,
      request: world.request([{ sku, quantity: 1 }], { couponCode: code, payment: { method: 'bank_transfer' } }),
      correlationId: 'c',
      idempotencyKey: ulid(),
    });
    await placeOrder(world.placeDeps(), {
      customerId: customer(),
      request: world.request([{ sku, quantity: 1 }], { couponCode: code, payment: { method: 'bank_transfer' } }),
      correlationId: 'c',
      idempotencyKey: ulid(),
    });

    const replaced = await putCoupon(deps, { coupon: coupon(code, { title: '满199减20 (extended)', totalLimit: 5 }), active: true, ...staff('extended') });
    expect(replaced).toMatchObject({ outcome: 'updated', item: { used: 2, coupon: { totalLimit: 5 } } });
    const tooLow = await problem(putCoupon(deps, { coupon: coupon(code, { totalLimit: 1 }), active: true, ...staff() }));
    expect(tooLow.status).toBe(409);
    expect((await world.promotions.getCoupon(code))?.coupon.totalLimit).toBe(5);

    await putCoupon(deps, { coupon: coupon(code, { title: '满199减20 (extended)', totalLimit: 5 }), active: false, ...staff('campaign over') });
    const off = await problem(quote(customer(), [{ sku, quantity: 1 }], code));
    expect(off.status).toBe(400);
    const listed = await listCoupons(deps, { limit: 100 });
    expect(listed.items.find((c) => c.coupon.code === code)).toMatchObject({ active: false, used: 2 });
  });

  it('refuses inconsistent coupons with 400s naming the fields', async () => {
    const error = await problem(
      putCoupon(deps, {
        coupon: coupon(`BAD${ulid()}`.slice(0, 20), {
          kind: 'percentage',
          amountOff: undefined,
          perCustomerLimit: 3,
          totalLimit: 2,
          validUntil: new Date(Date.now() - 3_600_000).toISOString(),
        }),
        active: true,
        ...staff(),
      }),
    );
    expect(error.status).toBe(400);
    expect(error.errors?.map((e) => e.path).sort()).toEqual(['body.perCustomerLimit', 'body.percentBasisPoints', 'body.validUntil']);
  });
});
