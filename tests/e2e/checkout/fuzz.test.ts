/**
 * SEC-5 end to end: a fast-check fuzz of `POST /quotes` and `POST /orders` bodies and headers —
 * wrong types, negative or huge quantities, unknown SKUs, megabyte strings, missing fields, bad
 * JSON, bad Idempotency-Key and device headers. Every generated request is defective by
 * construction (the one SKU that exists has no stock), so the answer is always a 4xx problem
 * (400, 409 or 422), never a 5xx, and nothing is written.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { api, tokenFor } from '../../support/e2e.ts';
import { customerToken, productWithStock, rawStock } from './support.ts';

const MEGABYTE = 'x'.repeat(1024 * 1024);
const ALLOWED = [400, 409, 422];

let sku: string;
let token: string;
const customerId = `e2e-fuzz-${ulid()}`;

beforeAll(async () => {
  // A real product with no stock: any order for it that passes validation is a 409, never a 201.
  sku = await productWithStock({ 'WH-EAST': 0 });
  token = await customerToken(customerId);
});

type Body = Record<string, unknown>;
const validOrder = (): Body => ({
  items: [{ sku, quantity: 1 }],
  shippingAddress: { name: '赵敏', phone: '13800138000', line1: '中山路1号', city: '南京', region: 'east', postalCode: '210000', country: 'CN' },
  contactEmail: 'zhao.min@example.cn',
  payment: { method: 'bank_transfer' },
});
const address = (b: Body) => ({ ...((b.shippingAddress as Body | undefined) ?? {}) });

/** Mutations that each make a request invalid (or, for the stock-less SKU, a 409). */
const mutations: Array<[string, (b: Body) => Body]> = [
  ['items empty', (b) => ({ ...b, items: [] })],
  ['items not an array', (b) => ({ ...b, items: 'all of them' })],
  ['negative quantity', (b) => ({ ...b, items: [{ sku, quantity: -3 }] })],
  ['zero quantity', (b) => ({ ...b, items: [{ sku, quantity: 0 }] })],
  ['huge quantity', (b) => ({ ...b, items: [{ sku, quantity: 1e15 }] })],
  ['fractional quantity', (b) => ({ ...b, items: [{ sku, quantity: 1.5 }] })],
  ['string quantity', (b) => ({ ...b, items: [{ sku, quantity: '1' }] })],
  ['unknown sku', (b) => ({ ...b, items: [{ sku: `NOPE-${ulid()}`, quantity: 1 }] })],
  ['malformed sku', (b) => ({ ...b, items: [{ sku: 'not a sku!', quantity: 1 }] })],
  ['megabyte sku', (b) => ({ ...b, items: [{ sku: MEGABYTE, quantity: 1 }] })],
  [
    'duplicate skus',
    (b) => ({
      ...b,
      items: [
        { sku, quantity: 1 },
        { sku, quantity: 1 },
      ],
    }),
  ],
  ['too many lines', (b) => ({ ...b, items: Array.from({ length: 101 }, (_, i) => ({ sku: `S-${i}00`, quantity: 1 })) })],
  ['missing quantity', (b) => ({ ...b, items: [{ sku }] })],
  ['coupon wrong type', (b) => ({ ...b, couponCode: 42 })],
  ['unknown coupon', (b) => ({ ...b, couponCode: 'NO-SUCH-COUPON' })],
  ['megabyte coupon', (b) => ({ ...b, couponCode: MEGABYTE })],
  ['no address', (b) => ({ ...b, shippingAddress: undefined })],
  ['null address', (b) => ({ ...b, shippingAddress: null })],
  ['blank name', (b) => ({ ...b, shippingAddress: { ...address(b), name: '   ' } })],
  ['megabyte name', (b) => ({ ...b, shippingAddress: { ...address(b), name: MEGABYTE } })],
  ['control characters', (b) => ({ ...b, shippingAddress: { ...address(b), line1: 'a\u0000b' } })],
  ['bad phone', (b) => ({ ...b, shippingAddress: { ...address(b), phone: 'call me' } })],
  ['unknown region', (b) => ({ ...b, shippingAddress: { ...address(b), region: 'mars' } })],
  ['bad country', (b) => ({ ...b, shippingAddress: { ...address(b), country: 'China' } })],
  ['extra address field', (b) => ({ ...b, shippingAddress: { ...address(b), floor: 8 } })],
  ['bad email', (b) => ({ ...b, contactEmail: 'not-an-email' })],
  ['megabyte email', (b) => ({ ...b, contactEmail: `${MEGABYTE}@example.cn` })],
  ['no payment', (b) => ({ ...b, payment: undefined })],
  ['unknown method', (b) => ({ ...b, payment: { method: 'bitcoin' } })],
  ['card without token', (b) => ({ ...b, payment: { method: 'card' } })],
  ['card number as token', (b) => ({ ...b, payment: { method: 'card', token: '4111 1111 1111 1111' } })],
  ['card number in a token', (b) => ({ ...b, payment: { method: 'wallet', token: 'tok_4111111111111111' } })],
  ['cod with token', (b) => ({ ...b, payment: { method: 'cod', token: 'tok_visa' } })],
  ['group-buy', (b) => ({ ...b, orderType: 'group-buy' })],
  ['unknown group', (b) => ({ ...b, orderType: 'group-buy', groupBuy: { code: 'ZZZZZZZZ' } })],
  ['bad group code', (b) => ({ ...b, orderType: 'group-buy', groupBuy: { code: 'not a code' } })],
  ['group without group-buy', (b) => ({ ...b, groupBuy: {} })],
  ['group with extra field', (b) => ({ ...b, orderType: 'group-buy', groupBuy: { code: 'ZZZZZZZZ', size: 99 } })],
  ['unknown order type', (b) => ({ ...b, orderType: 'flash-mob' })],
  ['unknown billing region', (b) => ({ ...b, billingRegion: 'venus' })],
  ['client price', (b) => ({ ...b, total: { amount: 1, currency: 'CNY' } })],
];

const arbMutated = fc
  .array(fc.constantFrom(...mutations), { minLength: 1, maxLength: 3 })
  .map((ms) => ({ names: ms.map(([n]) => n), body: ms.reduce((b, [, m]) => m(b), validOrder()) }));
const arbGarbage = fc
  .oneof(fc.anything({ maxDepth: 3 }), fc.constant(null), fc.constant([]), fc.constant('order please'), fc.integer())
  .map((body) => ({ names: ['garbage'], body: body === undefined ? null : body }));
const arbRawText = fc.constantFrom('{', '{"items":', '[1,2', 'null', '', 'undefined', '{"items":[{"sku":"A","quantity":1}]', `{"a":"${MEGABYTE}"`);
const arbKey = fc.oneof(
  fc.constant<string | undefined>(undefined),
  fc.constant(''),
  fc.constant('   '),
  fc.constant('k'.repeat(300)),
  fc.constant('clé-é'),
  fc.stringMatching(/^[A-Za-z0-9-]{1,40}$/),
);
const arbDevice = fc.oneof(fc.constant<string | undefined>(undefined), fc.constant('d'.repeat(200)), fc.constant('has space'), fc.stringMatching(/^[a-z0-9-]{1,20}$/));

function headersOf(key: string | undefined, device: string | undefined): Record<string, string> {
  return { ...(key !== undefined ? { 'Idempotency-Key': key } : {}), ...(device !== undefined ? { 'x-device-id': device } : {}) };
}

async function expectNothingWritten() {
  const list = await api('/orders', { token });
  expect(list.status).toBe(200);
  expect(list.json.items).toEqual([]);
  expect(await rawStock(sku, ['WH-EAST'])).toEqual({ 'WH-EAST': { onHand: 0, reserved: 0, available: 0 } });
}

describe('bad input never causes a 5xx or a write (SEC-5, e2e fuzz)', () => {
  it('POST /orders: defective bodies and headers → 400/409/422', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof({ weight: 5, arbitrary: arbMutated }, { weight: 1, arbitrary: arbGarbage }), arbKey, arbDevice, async ({ names, body }, key, device) => {
        const res = await api('/orders', { method: 'POST', token, json: body, headers: headersOf(key ?? ulid(), device) });
        expect(ALLOWED, `${names.join(' + ')} → ${res.status} ${res.text.slice(0, 200)}`).toContain(res.status);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
      }),
      { numRuns: 120 },
    );
    await expectNothingWritten();
  });

  it('POST /orders: malformed JSON and missing or malformed Idempotency-Key → 400', async () => {
    await fc.assert(
      fc.asyncProperty(arbRawText, async (text) => {
        const res = await api('/orders', { method: 'POST', token, body: text, headers: { 'content-type': 'application/json', 'Idempotency-Key': ulid() } });
        expect(ALLOWED, `${JSON.stringify(text.slice(0, 40))} → ${res.status}`).toContain(res.status);
      }),
      { numRuns: 16 },
    );
    for (const key of [undefined, '', 'k'.repeat(300)]) {
      const res = await api('/orders', { method: 'POST', token, json: validOrder(), headers: key === undefined ? {} : { 'Idempotency-Key': key } });
      expect(res.status, String(key)).toBe(400);
    }
    await expectNothingWritten();
  });

  it('POST /quotes: defective bodies → 400 (quotes write nothing anyway)', async () => {
    const quoteMutations = mutations.filter(([name]) => /items|quantity|sku|coupon|region|client price|lines/.test(name) && !/billing/.test(name));
    const arbQuote = fc
      .array(fc.constantFrom(...quoteMutations), { minLength: 1, maxLength: 3 })
      .map((ms) => ({ names: ms.map(([n]) => n), body: ms.reduce((b, [, m]) => m(b), { items: [{ sku, quantity: 1 }], shippingAddress: { region: 'east' } } as Body) }));
    await fc.assert(
      fc.asyncProperty(fc.oneof({ weight: 5, arbitrary: arbQuote }, { weight: 1, arbitrary: arbGarbage }), async ({ names, body }) => {
        const res = await api('/quotes', { method: 'POST', token, json: body });
        expect(ALLOWED, `${names.join(' + ')} → ${res.status} ${res.text.slice(0, 200)}`).toContain(res.status);
      }),
      { numRuns: 60 },
    );
    await expectNothingWritten();
  });

  it('PUT /admin/promotions and /admin/coupons: defective definitions → 400, never a 5xx, nothing written', async () => {
    const marketer = await tokenFor(`e2e-fuzz-marketer-${ulid()}`, ['marketer']);
    const promotionId = `FUZZ-${ulid()}`;
    const code = `FUZZ${ulid()}`.slice(0, 30);
    const validPromotion = (): Body => ({ kind: 'flash-price', title: '秒杀', sku, price: { amount: 100, currency: 'CNY' }, reason: 'fuzz' });
    const validCoupon = (): Body => ({
      title: '券',
      kind: 'fixed',
      amountOff: { amount: 100, currency: 'CNY' },
      minSpend: { amount: 1000, currency: 'CNY' },
      validFrom: '2026-01-01T00:00:00Z',
      validUntil: '2027-01-01T00:00:00Z',
      perCustomerLimit: 1,
      totalLimit: 10,
      reason: 'fuzz',
    });
    const breakers: Array<[string, (b: Body) => Body]> = [
      ['unknown kind', (b) => ({ ...b, kind: 'buy-one-get-all' })],
      ['negative money', (b) => ({ ...b, price: { amount: -1, currency: 'CNY' }, amountOff: { amount: -5, currency: 'CNY' } })],
      ['fractional money', (b) => ({ ...b, price: { amount: 0.5, currency: 'CNY' }, minSpend: { amount: 9.99, currency: 'CNY' } })],
      ['huge money', (b) => ({ ...b, price: { amount: 1e300, currency: 'CNY' }, minSpend: { amount: 1e300, currency: 'CNY' } })],
      ['other currency', (b) => ({ ...b, price: { amount: 100, currency: 'USD' }, minSpend: { amount: 1000, currency: 'USD' } })],
      [
        'window backwards',
        (b) => ({ ...b, startsAt: '2027-01-01T00:00:00Z', endsAt: '2026-01-01T00:00:00Z', validFrom: '2027-01-01T00:00:00Z', validUntil: '2026-01-01T00:00:00Z' }),
      ],
      ['not a date', (b) => ({ ...b, endsAt: 'tomorrow', validUntil: 'soon' })],
      ['megabyte title', (b) => ({ ...b, title: MEGABYTE })],
      ['bidi title', (b) => ({ ...b, title: 'sale\u202Eelas' })],
      ['no reason', (b) => ({ ...b, reason: undefined })],
      ['unknown field', (b) => ({ ...b, discountEverything: true })],
      ['limits inverted', (b) => ({ ...b, perCustomerLimit: 20, totalLimit: 2, percentBasisPoints: 20_000 })],
    ];
    const arbBreak = fc.array(fc.constantFrom(...breakers), { minLength: 1, maxLength: 3 });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          { weight: 5, arbitrary: arbBreak.map((bs) => ({ names: bs.map(([n]) => n), fix: (b: Body) => bs.reduce((x, [, m]) => m(x), b) })) },
          { weight: 1, arbitrary: arbGarbage.map((g) => ({ names: g.names, fix: () => g.body as Body })) },
        ),
        async ({ names, fix }) => {
          const promotion = await api(`/admin/promotions/${promotionId}`, { method: 'PUT', token: marketer, json: fix(validPromotion()) });
          expect(promotion.status, `${names.join(' + ')} → ${promotion.status} ${promotion.text.slice(0, 200)}`).toBe(400);
          const coupon = await api(`/admin/coupons/${code}`, { method: 'PUT', token: marketer, json: fix(validCoupon()) });
          expect(coupon.status, `${names.join(' + ')} → ${coupon.status} ${coupon.text.slice(0, 200)}`).toBe(400);
        },
      ),
      { numRuns: 40 },
    );
    const promotions = await api('/admin/promotions?limit=100', { token: marketer });
    expect(JSON.stringify(promotions.json)).not.toContain(promotionId);
    const coupons = await api('/admin/coupons?limit=100', { token: marketer });
    expect(JSON.stringify(coupons.json)).not.toContain(code);
  });
});
