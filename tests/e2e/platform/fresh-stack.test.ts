/**
 * From a fresh stack to the first real order, with no demo data: a local cloud of its own, started
 * from the same template without running any seeder — what a merchant has right after
 * `cdk deploy`. Ops opens a warehouse, lists a product and counts its stock; a marketer creates a
 * flash price and a coupon; ops pick the carrier; a shopper with a province/city/district address gets a quote and places
 * an order that uses both, priced to the fen, and it moves on to fulfillment. Everything through
 * the HTTP API, as the README's "From `cdk deploy` to the first real order" describes. Afterwards
 * the SEC-2 sweep finds no personal data in clear in this cloud either.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPools, startLocalCloud, type LocalCloud } from '../../../infra/local/cloud.ts';
import { TEST_ASSEMBLY_DIR } from '../../../infra/local/synth.ts';
import { sweepForPersonalData } from '../../support/personal-data-sweep.ts';
import { poll } from '../../support/e2e.ts';

let cloud: LocalCloud;
let dataDir: string;
let pools: ReturnType<typeof readPools>['pools'];

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'commerce-fresh-'));
  // The e2e global setup synthesized TEST_ASSEMBLY_DIR; no seeder runs here.
  cloud = await startLocalCloud({ assemblyDir: TEST_ASSEMBLY_DIR, dataDir, dynamodbInMemory: true, asyncRetryDelaysMs: [500, 500] });
  pools = readPools(cloud.names).pools;
}, 180_000);

afterAll(async () => {
  await cloud?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

const cny = (amount: number) => ({ amount, currency: 'CNY' });

function token(sub: string, roles: string[]): Promise<string> {
  const pool = [...pools.values()].find((p) => roles.every((r) => p.groups.has(r)));
  if (!pool) throw new Error(`no pool holds ${roles.join(', ')}`);
  return cloud.issuer.mint({ sub, roles, poolId: pool.poolId, clientId: pool.clientId });
}

async function call(route: string, init: { method?: string; token?: string; json?: unknown; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...(init.headers ?? {}) };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.json !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${cloud.endpoints.api}${route}`, {
    method: init.method ?? 'GET',
    headers,
    ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
  });
  const text = await response.text();
  return { status: response.status, text, json: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}

describe('a fresh stack with no seeders: from nothing to the first real order (ORD-1, ORD-3, FUL-1)', () => {
  it('ops and a marketer set the shop up over HTTP; a shopper’s order uses the promotion and the coupon, priced to the fen', async () => {
    // Nothing is for sale yet.
    expect((await call('/products')).json.items).toEqual([]);

    const ops = await token('fresh-ops', ['ops']);
    const warehouse = await call('/admin/warehouses/WH-HANGZHOU', { method: 'PUT', token: ops, json: { name: '杭州仓', city: '杭州', region: 'east', reason: 'first warehouse' } });
    expect(warehouse.status, warehouse.text).toBe(201);
    const sku = 'LONGJING-250G';
    const product = await call(`/admin/products/${sku}`, {
      method: 'PUT',
      token: ops,
      json: { name: '西湖龙井 250g', category: 'groceries', price: cny(50_000), attributes: { weightGrams: 400, valueClass: 'standard' }, reason: 'first product' },
    });
    expect(product.status, product.text).toBe(201);
    const stock = await call(`/admin/stock/${sku}/WH-HANGZHOU`, { method: 'PUT', token: ops, json: { onHand: 10, reason: 'first count' } });
    expect(stock.status, stock.text).toBe(200);

    const marketer = await token('fresh-marketer', ['marketer']);
    const flash = await call('/admin/promotions/LAUNCH-FLASH', {
      method: 'PUT',
      token: marketer,
      json: { kind: 'flash-price', title: '开业秒杀', sku, price: cny(40_000), reason: 'launch' },
    });
    expect(flash.status, flash.text).toBe(201);
    const coupon = await call('/admin/coupons/LAUNCH30', {
      method: 'PUT',
      token: marketer,
      json: {
        title: '满300减30',
        kind: 'fixed',
        amountOff: cny(3_000),
        minSpend: cny(30_000),
        validFrom: new Date(Date.now() - 60_000).toISOString(),
        validUntil: new Date(Date.now() + 86_400_000).toISOString(),
        perCustomerLimit: 1,
        totalLimit: 1000,
        reason: 'launch',
      },
    });
    expect(coupon.status, coupon.text).toBe(201);

    // Carriers: the configured rules until ops set their own (here: everything by standard express, due in 60 h).
    expect((await call('/admin/settings/shipping', { token: ops })).json).toMatchObject({ source: 'configured', version: 0 });
    const shipping = await call('/admin/settings/shipping', {
      method: 'PUT',
      token: ops,
      json: { carrierRules: { rules: [], defaultCarrier: 'standard-express' }, deliveryTimeLimits: { defaultHours: 60, carriers: {} }, reason: 'launch: one carrier' },
    });
    expect(shipping.status, shipping.text).toBe(200);
    expect(shipping.json).toMatchObject({ source: 'stored', version: 1, changedBy: 'fresh-ops' });
    expect(
      (await call('/admin/settings/shipping', { method: 'PUT', token: ops, json: { carrierRules: { rules: [], defaultCarrier: 'pigeon-post' }, reason: 'typo' } })).status,
    ).toBe(400);

    const methods = await call('/payment-methods');
    expect((methods.json.items as Array<{ method: string }>).map((m) => m.method)).toContain('card');

    const shopper = await token(`fresh-shopper-${ulid()}`, ['customer']);
    const address = {
      name: '林晓',
      phone: '+86 136 5712 8890',
      line1: '文三路 90 号',
      province: '浙江省',
      city: '杭州市',
      district: '西湖区',
      postalCode: '310012',
      country: 'CN',
    };
    const quote = await call('/quotes', { method: 'POST', token: shopper, json: { items: [{ sku, quantity: 1 }], couponCode: 'LAUNCH30', shippingAddress: { province: '浙江' } } });
    expect(quote.status, quote.text).toBe(200);
    // ¥500.00 list → ¥400.00 flash → ¥370.00 with the coupon; free shipping (over ¥99). Nothing else applies: no demo promotion exists.
    expect(quote.json.total).toEqual(cny(37_000));

    const placed = await call('/orders', {
      method: 'POST',
      token: shopper,
      headers: { 'Idempotency-Key': ulid() },
      json: {
        items: [{ sku, quantity: 1 }],
        couponCode: 'LAUNCH30',
        shippingAddress: address,
        contactEmail: 'lin.xiao@example.cn',
        payment: { method: 'card', token: 'tok_visa' },
      },
    });
    expect(placed.status, placed.text).toBe(201);
    expect(placed.json).toMatchObject({
      total: cny(37_000),
      couponCode: 'LAUNCH30',
      reservations: [{ sku, warehouseId: 'WH-HANGZHOU', quantity: 1 }],
      shippingAddress: { province: '浙江省', region: 'east' },
    });
    expect(placed.json.discounts).toEqual([
      { kind: 'flash-price', id: 'LAUNCH-FLASH', title: '开业秒杀', amount: cny(10_000) },
      { kind: 'coupon', id: 'LAUNCH30', title: '满300减30', amount: cny(3_000) },
    ]);
    const orderId = String(placed.json.orderId);
    const moving = await poll(
      () => call(`/orders/${orderId}`, { token: shopper }),
      (r) => ['FULFILLING', 'SHIPPED', 'DELIVERED'].includes(String(r.json.status)),
      60_000,
    );
    expect(moving.json.payment).toMatchObject({ status: 'authorized' });
    expect(moving.json.shipments).toEqual([expect.objectContaining({ carrier: 'standard-express', warehouseId: 'WH-HANGZHOU' })]);
    expect((await call('/products')).json.items).toEqual([expect.objectContaining({ sku })]);

    const dynamodb = new DynamoDBClient({ endpoint: cloud.endpoints.dynamodb, region: cloud.sdkEnv.AWS_REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const sent = [address.name, '5712 8890', '57128890', address.line1, address.city, address.district, 'lin.xiao@example.cn'];
    const hits = await sweepForPersonalData({ dynamodb, tableNames: cloud.names.ofType('AWS::DynamoDB::Table').map((t) => cloud.tableName(t.logicalId)), dataDir, strings: sent });
    dynamodb.destroy();
    expect(hits).toEqual([]);
  }, 180_000);
});
