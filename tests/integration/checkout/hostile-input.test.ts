/**
 * SEC-5 through the real HTTP middleware stack (API Gateway events → httpHandler → use case →
 * DynamoDB Local, local KMS): input that used to reach a 5xx, or was accepted when it should not
 * be, is a 400 problem naming the field, and nothing is written.
 * - Hostile text — unpaired surrogates (they used to reach field encryption: 500), bidirectional
 *   controls and zero-width characters (they used to be stored: 201), control characters — in any
 *   free-text field of an order, a quote, a listing, or a query parameter declared as plain text.
 * - ORD-2: a product price above the kernel's bound (it used to be stored, and a quote of it then
 *   failed in the money arithmetic: 500); at the bound, the largest basket checkout allows prices
 *   exactly.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const previousMaxLineQuantity = vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  const previous = process.env.MAX_LINE_QUANTITY;
  // The largest line quantity checkout can be configured for (the kernel's MAX_LINE_QUANTITY).
  process.env.MAX_LINE_QUANTITY = '10000';
  return previous;
});

import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import type { DomainEvent } from '../../../events/event-definition.ts';
import { DynamoDbCatalogRepository } from '../../../functions/catalog/catalog-repository.ts';
import { makePutProductHandler } from '../../../functions/catalog/handlers/put-product.ts';
import { makeCreateQuoteHandler } from '../../../functions/checkout/handlers/create-quote.ts';
import { makeListOrdersHandler } from '../../../functions/checkout/handlers/list-orders.ts';
import { makePlaceOrderHandler } from '../../../functions/checkout/handlers/place-order.ts';
import { checkoutSettings } from '../../../functions/checkout/settings.ts';
import { documentClient } from '../../../shared/dynamodb.ts';
import type { EventPublisher } from '../../../shared/events.ts';
import { MAX_LINE_QUANTITY, MAX_UNIT_PRICE_MINOR } from '../../../shared/money.ts';
import { TEXT_RULES } from '../../../shared/text.ts';
import { HOSTILE_CHARACTERS } from '../../support/hostile-text.ts';
import { apiEvent, claimsFor, jsonBody, lambdaContext } from '../../support/http-events.ts';
import { useLocalDynamoDb } from '../../support/local-dynamodb-env.ts';
import { checkoutWorld, customer, startLocalKms } from './fixtures.ts';

let kms: Awaited<ReturnType<typeof startLocalKms>>;
let world: ReturnType<typeof checkoutWorld>;

beforeAll(async () => {
  const { tables } = useLocalDynamoDb();
  checkoutSettings.reset();
  kms = await startLocalKms();
  world = checkoutWorld(tables, kms);
  await world.ensureWarehouses();
});

afterAll(async () => {
  await kms.close();
  if (previousMaxLineQuantity === undefined) delete process.env.MAX_LINE_QUANTITY;
  else process.env.MAX_LINE_QUANTITY = previousMaxLineQuantity;
  checkoutSettings.reset();
});

type Problem = { type: string; status: number; errors: Array<{ path: string; message: string }> };

/** A 400 validation problem naming exactly `paths`. */
function expectValidationProblem(result: { statusCode: number; headers?: Record<string, unknown>; body: string }, paths: string[], message?: string) {
  expect(result.statusCode, result.body).toBe(400);
  expect(result.headers?.['content-type']).toBe('application/problem+json');
  const problem = jsonBody<Problem>(result);
  expect(problem).toMatchObject({ type: 'https://errors.commerce.dev/validation-failed', status: 400 });
  expect(problem.errors.map((e) => e.path).sort()).toEqual([...paths].sort());
  if (message) expect(problem.errors.map((e) => e.message)).toContain(message);
}

describe('SEC-5: POST /orders — hostile text in an address field → 400 naming it; no order, no reservation, no event, nothing encrypted', () => {
  const placeOrder = makePlaceOrderHandler({
    orders: () => world.orders,
    catalog: () => world.catalog,
    promotions: () => world.promotions,
    cipher: () => world.cipher,
    events: (correlationId) => world.events.forCorrelation(correlationId),
    paymentLimits: () => world.limitsPort(),
    riskSignalKey: async () => world.settings.riskSignalKey,
  });
  const FIELDS = ['name', 'line1', 'line2', 'city'] as const;

  it.each(HOSTILE_CHARACTERS.map(([rule, name, char], i) => [rule, name, char, FIELDS[i % FIELDS.length]!] as const))(
    '%s: %s in shippingAddress.%s',
    async (rule, _name, char, field) => {
      const sku = await world.product({ price: 12_900 });
      const customerId = customer();
      const key = ulid();
      const request = world.request([{ sku, quantity: 1 }]);
      const body = { ...request, shippingAddress: { ...request.shippingAddress, [field]: `浦东${char}新区` } };
      const kmsCallsBefore = Object.values(kms.stats()).reduce((a, b) => a + b, 0);
      const result = await placeOrder(
        apiEvent({ method: 'POST', path: '/orders', resource: '/orders', body, claims: claimsFor(customerId, 'customer'), headers: { 'Idempotency-Key': key } }),
        lambdaContext(),
      );
      expectValidationProblem(result, [`body.shippingAddress.${field}`], TEXT_RULES[rule]);
      // Nothing written: no order of this customer, no request marker, no event, the stock untouched, KMS never asked.
      const orders = await documentClient().send(
        new QueryCommand({
          TableName: world.tables.orders,
          IndexName: 'byCustomerSummary',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': `CUSTOMER#${customerId}` },
        }),
      );
      expect(orders.Items ?? []).toEqual([]);
      expect(await world.orders.findRequest(customerId, key)).toBeUndefined();
      expect(world.events.published.filter((p) => (p.event.payload as { customerId?: string }).customerId === customerId)).toEqual([]);
      expect((await world.stock(sku))['WH-EAST']).toEqual({ onHand: 10, reserved: 0, available: 10 });
      expect(Object.values(kms.stats()).reduce((a, b) => a + b, 0)).toBe(kmsCallsBefore);
    },
  );

  it('the same order with clean text is placed (201)', async () => {
    const sku = await world.product({ price: 12_900 });
    const result = await placeOrder(
      apiEvent({
        method: 'POST',
        path: '/orders',
        resource: '/orders',
        body: world.request([{ sku, quantity: 1 }]),
        claims: claimsFor(customer(), 'customer'),
        headers: { 'Idempotency-Key': ulid() },
      }),
      lambdaContext(),
    );
    expect(result.statusCode, result.body).toBe(201);
  });
});

describe('SEC-5: other routes, other fields', () => {
  it('POST /quotes: a bidi override in the (optional) address name → 400, though pricing ignores the name', async () => {
    const quote = makeCreateQuoteHandler({ catalog: () => world.catalog, promotions: () => world.promotions });
    const sku = await world.product();
    const result = await quote(
      apiEvent({
        method: 'POST',
        path: '/quotes',
        resource: '/quotes',
        body: { items: [{ sku, quantity: 1 }], shippingAddress: { region: 'east', name: 'abc\u202Efed' } },
        claims: claimsFor(customer(), 'customer'),
      }),
      lambdaContext(),
    );
    expectValidationProblem(result, ['body.shippingAddress.name'], TEXT_RULES.bidi);
  });

  it('GET /orders?customerId= (a query parameter declared as plain text): a zero-width space → 400 naming it', async () => {
    const list = makeListOrdersHandler({ orders: () => world.orders });
    const result = await list(
      apiEvent({ method: 'GET', path: '/orders', resource: '/orders', query: { customerId: 'c-1\u200B' }, claims: claimsFor('agent-1', 'cs-agent') }),
      lambdaContext(),
    );
    expectValidationProblem(result, ['query.customerId'], TEXT_RULES.zeroWidth);
  });
});

describe('SEC-5, ORD-2: PUT /admin/products — listing text and price bounds', () => {
  const published: DomainEvent[] = [];
  const events = (): EventPublisher => ({ publish: async (list) => void published.push(...list) });
  const putProduct = makePutProductHandler({ events });
  const listing = (overrides: Record<string, unknown> = {}) => ({
    name: '西湖龙井 250g',
    category: 'groceries',
    price: { amount: 36_800, currency: 'CNY' },
    attributes: { weightGrams: 300, valueClass: 'high' },
    ...overrides,
  });
  const put = (sku: string, body: unknown) =>
    putProduct(
      apiEvent({ method: 'PUT', path: `/admin/products/${sku}`, resource: '/admin/products/{sku}', pathParameters: { sku }, body, claims: claimsFor('ops-1', 'ops') }),
      lambdaContext(),
    );
  const expectNoProduct = async (sku: string) => {
    expect(await new DynamoDbCatalogRepository(world.tables.catalog).getProductRecord(sku)).toBeUndefined();
    expect(published.filter((e) => (e.payload as { sku?: string }).sku === sku)).toEqual([]);
  };

  it.each([
    ['a lone surrogate in the name', listing({ name: '龙井\uD83D' }), 'body.name', TEXT_RULES.surrogate],
    ['a right-to-left override in the reason (a field that had no text rule at all)', { ...listing(), reason: 'price fix \u202Etxt.exe' }, 'body.reason', TEXT_RULES.bidi],
    ['a zero-width joiner in the reason', { ...listing(), reason: 'cycle\u200Dcount' }, 'body.reason', TEXT_RULES.zeroWidth],
    ['a line break in the reason (free text: no forged audit lines)', { ...listing(), reason: 'ok\nfake audit line' }, 'body.reason', TEXT_RULES.control],
  ])('%s → 400 naming it, nothing written', async (_what, body, path, message) => {
    const sku = `T-${ulid()}`;
    expectValidationProblem(await put(sku, body), [path], message);
    await expectNoProduct(sku);
  });

  it.each([
    ['one fen above the bound', MAX_UNIT_PRICE_MINOR + 1],
    ['Number.MAX_SAFE_INTEGER (used to be stored, then every quote of it was a 500)', Number.MAX_SAFE_INTEGER],
  ])('a price %s → 400 naming body.price.amount, nothing written', async (_what, amount) => {
    const sku = `T-${ulid()}`;
    expectValidationProblem(await put(sku, listing({ price: { amount, currency: 'CNY' } })), ['body.price.amount']);
    await expectNoProduct(sku);
  });

  it('a price at the bound is accepted, and the largest basket checkout allows — every line at that price, at the largest quantity — prices exactly (200, no 500)', async () => {
    const settings = checkoutSettings();
    expect(settings.maxLineQuantity).toBe(MAX_LINE_QUANTITY);
    const viaApi = `T-${ulid()}`;
    expect((await put(viaApi, listing({ price: { amount: MAX_UNIT_PRICE_MINOR, currency: 'CNY' } }))).statusCode).toBe(201);
    const skus = [viaApi];
    while (skus.length < settings.maxOrderLines) skus.push(await world.product({ price: MAX_UNIT_PRICE_MINOR }));
    const quote = makeCreateQuoteHandler({ catalog: () => world.catalog, promotions: () => world.promotions });
    const result = await quote(
      apiEvent({
        method: 'POST',
        path: '/quotes',
        resource: '/quotes',
        body: { items: skus.map((sku) => ({ sku, quantity: settings.maxLineQuantity })), shippingAddress: { region: 'west' } },
        claims: claimsFor(customer(), 'customer'),
      }),
      lambdaContext(),
    );
    expect(result.statusCode, result.body).toBe(200);
    const priced = jsonBody<{ subtotal: { amount: number }; total: { amount: number }; lines: Array<{ lineSubtotal: { amount: number } }> }>(result);
    expect(priced.subtotal.amount).toBe(MAX_UNIT_PRICE_MINOR * MAX_LINE_QUANTITY * settings.maxOrderLines);
    for (const line of priced.lines) expect(line.lineSubtotal.amount).toBe(MAX_UNIT_PRICE_MINOR * MAX_LINE_QUANTITY);
    expect(Number.isSafeInteger(priced.total.amount)).toBe(true);
  });
});
