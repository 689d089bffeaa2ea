/**
 * Back office end to end (ORD-3, FUL-1): ops opens a warehouse and stocks a product there, a marketer creates a flash price
 * and a coupon over HTTP, and a customer with a province/city/district address gets a quote and an
 * order that use both — priced to the fen. The
 * marketer's changes are in the audit trail; other roles cannot make them.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { api, dynamo, poll, tables, tokenFor } from '../../support/e2e.ts';
import { customerToken, orderBody, postOrder, productWithStock } from './support.ts';

const cny = (amount: number) => ({ amount, currency: 'CNY' });

describe('marketers run promotions and coupons (ORD-3)', () => {
  it('a flash price and a coupon made over HTTP price a customer’s quote and order; audited; other roles get 403', async () => {
    const ops = await tokenFor(`e2e-ops-${ulid()}`, ['ops']);
    const warehouseId = `WH-E2E-${ulid()}`;
    const opened = await api(`/admin/warehouses/${warehouseId}`, {
      method: 'PUT',
      token: ops,
      json: { name: '嘉兴仓', city: '嘉兴', region: 'east', reason: 'e2e: new warehouse' },
    });
    expect(opened.status, opened.text).toBe(201);
    const warehouses: Array<Record<string, unknown>> = [];
    for (let cursor: string | undefined, first = true; first || cursor; first = false) {
      const page = await api(`/admin/warehouses?limit=100${cursor ? `&cursor=${cursor}` : ''}`, { token: ops });
      warehouses.push(...((page.json.items ?? []) as Array<Record<string, unknown>>));
      cursor = page.json.nextCursor as string | undefined;
    }
    expect(warehouses).toEqual(expect.arrayContaining([expect.objectContaining({ warehouseId, active: true })]));
    const sku = await productWithStock({ [warehouseId]: 10 }, { price: 50_000 });
    const marketer = await tokenFor(`e2e-marketer-${ulid()}`, ['marketer']);
    const promotionId = `E2E-FLASH-${ulid()}`;
    const code = `E2E${ulid()}`.slice(0, 24);
    const endsAt = new Date(Date.now() + 3_600_000).toISOString();

    const flash = await api(`/admin/promotions/${promotionId}`, {
      method: 'PUT',
      token: marketer,
      json: { kind: 'flash-price', title: '限时秒杀', sku, price: cny(40_000), endsAt, reason: 'e2e flash sale' },
    });
    expect(flash.status, flash.text).toBe(201);
    const coupon = await api(`/admin/coupons/${code}`, {
      method: 'PUT',
      token: marketer,
      json: {
        title: '满300减30',
        kind: 'fixed',
        amountOff: cny(3_000),
        minSpend: cny(30_000),
        validFrom: new Date(Date.now() - 60_000).toISOString(),
        validUntil: endsAt,
        perCustomerLimit: 1,
        totalLimit: 100,
        reason: 'e2e coupon',
      },
    });
    expect(coupon.status, coupon.text).toBe(201);
    expect(
      (
        await api(`/admin/promotions/${promotionId}`, {
          method: 'PUT',
          token: await tokenFor(`e2e-ops-${ulid()}`, ['ops']),
          json: { kind: 'flash-price', title: 'x', sku, price: cny(1), reason: 'not mine' },
        })
      ).status,
    ).toBe(403);

    const shopper = await customerToken(`e2e-bo-${ulid()}`);
    // Quotes may price with promotions up to PROMOTIONS_CACHE_SECONDS old: wait for the flash price.
    const priced = await poll(
      () => api('/quotes', { method: 'POST', token: shopper, json: { items: [{ sku, quantity: 1 }], couponCode: code.toLowerCase(), shippingAddress: { province: '浙江' } } }),
      (r) => r.status === 200 && (r.json.lines as Array<{ flashPrice?: unknown }>).some((l) => l.flashPrice !== undefined),
      20_000,
    );
    expect(priced.status, priced.text).toBe(200);
    // ¥500 list → ¥400 flash; 满300减30 coupon → ¥370 (the demo 满100减50 applies too, first).
    expect(priced.json.lines).toEqual([expect.objectContaining({ sku, flashPrice: cny(40_000) })]);
    expect(priced.json.discounts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'flash-price', id: promotionId, amount: cny(10_000) }),
        expect.objectContaining({ kind: 'coupon', id: code, amount: cny(3_000) }),
      ]),
    );
    // A mainland address as a shopper writes it: province, city, district — no shipping zone.
    const address = {
      name: '陈静',
      phone: '+86 135 7100 2233',
      line1: `文三路 ${ulid()} 号`,
      province: '浙江省',
      city: '杭州市',
      district: '西湖区',
      postalCode: '310012',
      country: 'CN',
    };
    const placed = await postOrder(shopper, orderBody([{ sku, quantity: 1 }], { couponCode: code, shippingAddress: address }));
    expect(placed.status, placed.text).toBe(201);
    expect(placed.json.total).toEqual(priced.json.total);
    expect(placed.json.couponCode).toBe(code);
    expect(placed.json.reservations).toEqual([{ sku, warehouseId, quantity: 1 }]);
    expect(placed.json.shippingAddress).toMatchObject({ province: '浙江省', district: '西湖区', region: 'east' });

    const listed = await api('/admin/coupons?limit=100', { token: marketer });
    expect(listed.status).toBe(200);
    expect((listed.json.items as Array<{ coupon: { code: string }; used: number }>).find((c) => c.coupon.code === code)?.used).toBe(1);
    const trail = await dynamo().send(
      new QueryCommand({
        TableName: tables().audit,
        IndexName: 'byResource',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': `RESOURCE#promotion#${promotionId}` },
      }),
    );
    expect(trail.Items?.map((i) => [i.action, i.reason])).toEqual([['promotion.create', 'e2e flash sale']]);
  });
});

describe('marketers run memberships and issue coupons (ORD-3)', () => {
  it('a tier set over HTTP prices the member’s quote; an issued coupon is in the wallet and usable by its customer only', async () => {
    const marketer = await tokenFor(`e2e-marketer-${ulid()}`, ['marketer']);
    const shopperId = `e2e-tier-${ulid()}`;
    const shopper = await customerToken(shopperId);
    const category = `tier${ulid().toLowerCase().slice(-10)}`;
    const sku = await productWithStock({ 'WH-EAST': 5 }, { price: 30_000, category });
    const offer = await api(`/admin/promotions/E2E-PLAT-${ulid()}`, {
      method: 'PUT',
      token: marketer,
      json: { kind: 'member-discount', title: '白金75折', percentBasisPoints: 2500, categories: [category], tiers: ['platinum'], reason: 'e2e tiers' },
    });
    expect(offer.status, offer.text).toBe(201);
    const quoteFor = (token: string) => api('/quotes', { method: 'POST', token, json: { items: [{ sku, quantity: 1 }], shippingAddress: { province: '上海' } } });

    const set = await api(`/admin/members/${shopperId}`, { method: 'PUT', token: marketer, json: { tier: 'platinum', reason: 'e2e: top spender' } });
    expect(set.status, set.text).toBe(200);
    expect(set.json).toMatchObject({ customerId: shopperId, tier: 'platinum' });
    expect((await api(`/admin/members/${shopperId}`, { token: await tokenFor(`e2e-cs-${ulid()}`, ['cs-agent']) })).json).toMatchObject({ tier: 'platinum' });
    // Quotes may price with promotions up to PROMOTIONS_CACHE_SECONDS old: wait for the new offer.
    const platinum = await poll(
      () => quoteFor(shopper),
      (r) => (r.json.discounts as Array<{ kind: string }>).some((d) => d.kind === 'member-discount'),
      20_000,
    );
    // Platinum: 25 % off (¥75.00) beats the demo 满100减50; one automatic offer applies.
    expect(platinum.json.discounts).toEqual([expect.objectContaining({ kind: 'member-discount', amount: cny(7_500) })]);
    // Not a member: the demo 满100减50 is the best automatic offer.
    expect((await quoteFor(await customerToken(`e2e-nonmember-${ulid()}`))).json.discounts).toEqual([expect.objectContaining({ kind: 'spend-threshold', amount: cny(5_000) })]);
    // A shopper cannot make themselves a member: /admin/* admits staff-pool tokens only (401).
    expect((await api(`/admin/members/${shopperId}`, { method: 'PUT', token: shopper, json: { tier: 'gold', reason: 'me' } })).status).toBe(401);

    const code = `E2EVIP${ulid()}`.slice(0, 24);
    const coupon = await api(`/admin/coupons/${code}`, {
      method: 'PUT',
      token: marketer,
      json: {
        title: 'VIP 立减10',
        kind: 'fixed',
        amountOff: cny(1_000),
        minSpend: cny(10_000),
        validFrom: new Date(Date.now() - 60_000).toISOString(),
        validUntil: new Date(Date.now() + 3_600_000).toISOString(),
        perCustomerLimit: 1,
        totalLimit: 10,
        issuedOnly: true,
        reason: 'e2e vip coupon',
      },
    });
    expect(coupon.status, coupon.text).toBe(201);
    const issued = await api(`/admin/coupons/${code}/issues`, { method: 'POST', token: marketer, json: { customerIds: [shopperId], reason: 'e2e: vip list' } });
    expect(issued.json).toEqual({ code, customers: 1, newlyIssued: 1 });
    expect((await api('/me/coupons', { token: shopper })).json.items).toEqual([expect.objectContaining({ code, usable: true, usesLeft: 1 })]);
    const stranger = await customerToken(`e2e-stranger-${ulid()}`);
    expect((await api('/me/coupons', { token: stranger })).json.items).toEqual([]);
    const strangerQuote = await api('/quotes', { method: 'POST', token: stranger, json: { items: [{ sku, quantity: 1 }], couponCode: code } });
    expect(strangerQuote.json.coupon).toMatchObject({ applied: false, reason: 'not-issued' });
    const mine = await api('/quotes', { method: 'POST', token: shopper, json: { items: [{ sku, quantity: 1 }], couponCode: code } });
    expect(mine.json.coupon).toMatchObject({ applied: true });
  });
});
