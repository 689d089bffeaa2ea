/**
 * ORD-2 / SEC-5: prices are bounded so that the largest basket a request can name stays exact, and
 * no client input can drive pricing into a MoneyError (a 500): catalog refuses a price above the
 * kernel's bound, and checkout's request schema and settings never allow a larger basket than the
 * bound assumes.
 */
import { describe, expect, it } from 'vitest';
import { PriceSchema, ProductInputSchema, ProductSchema } from '../../../functions/catalog/domain/product.ts';
import { priceBasket, type BasketLine } from '../../../functions/checkout/domain/pricing.ts';
import { OrderBodySchema, QuoteBodySchema } from '../../../functions/checkout/routes.ts';
import { checkoutSettings } from '../../../functions/checkout/settings.ts';
import { MAX_BASKET_LINES, MAX_LINE_QUANTITY, MAX_UNIT_PRICE_MINOR, money, multiply, MoneyError, sum } from '../../../shared/money.ts';

describe('ORD-2, SEC-5: the unit-price bound keeps every basket exact', () => {
  it('the largest basket at the highest price is far below Number.MAX_SAFE_INTEGER (a margin of at least 8×)', () => {
    const largest = BigInt(MAX_UNIT_PRICE_MINOR) * BigInt(MAX_LINE_QUANTITY) * BigInt(MAX_BASKET_LINES);
    expect(largest * 8n <= BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    // and the kernel's arithmetic computes it exactly
    const line = multiply(money(MAX_UNIT_PRICE_MINOR), MAX_LINE_QUANTITY);
    expect(sum(Array.from({ length: MAX_BASKET_LINES }, () => line)).amount).toBe(Number(largest));
  });

  it('what the bound prevents: an unbounded price times a quantity is a MoneyError', () => {
    expect(() => multiply(money(Number.MAX_SAFE_INTEGER), 2)).toThrow(MoneyError);
  });

  it.each([
    [MAX_UNIT_PRICE_MINOR, true],
    [MAX_UNIT_PRICE_MINOR + 1, false],
    [Number.MAX_SAFE_INTEGER, false],
    [1, true],
  ])('catalog PriceSchema: %d minor units → accepted %s', (amount, ok) => {
    expect(PriceSchema().safeParse({ amount, currency: 'CNY' }).success).toBe(ok);
    const input = { name: 'Tea', category: 'groceries', price: { amount, currency: 'CNY' }, attributes: { weightGrams: 100, valueClass: 'standard' } };
    expect(ProductInputSchema().safeParse(input).success).toBe(ok);
  });

  it('a listing stored before the bound still reads (reads are lenient, every write is bounded)', () => {
    const stored = {
      sku: 'OLD-1',
      name: 'Old',
      category: 'groceries',
      price: { amount: MAX_UNIT_PRICE_MINOR * 10, currency: 'CNY' },
      attributes: { weightGrams: 1, valueClass: 'high' },
      updatedAt: '2026-01-01T00:00:00.000Z',
      updatedBy: 'ops',
    };
    expect(ProductSchema().safeParse(stored).success).toBe(true);
  });

  it('checkout can never be configured, or asked, for a larger basket than the bound assumes', () => {
    const item = (quantity: number) => ({ sku: 'T-1', quantity });
    for (const schema of [QuoteBodySchema(), OrderBodySchema()]) {
      const items = (n: number, quantity: number) => ({ items: Array.from({ length: n }, (_, i) => ({ ...item(quantity), sku: `T-${i}` })) });
      expect(schema.shape.items.safeParse(items(MAX_BASKET_LINES, MAX_LINE_QUANTITY).items).success).toBe(true);
      expect(schema.shape.items.safeParse(items(MAX_BASKET_LINES + 1, 1).items).success).toBe(false);
      expect(schema.shape.items.safeParse(items(1, MAX_LINE_QUANTITY + 1).items).success).toBe(false);
    }
    expect(checkoutSettings({ MAX_LINE_QUANTITY: String(MAX_LINE_QUANTITY) }).maxLineQuantity).toBe(MAX_LINE_QUANTITY);
    expect(() => checkoutSettings({ MAX_LINE_QUANTITY: String(MAX_LINE_QUANTITY + 1) })).toThrow(/MAX_LINE_QUANTITY/);
    expect(() => checkoutSettings({ MAX_ORDER_LINES: String(MAX_BASKET_LINES + 1) })).toThrow(/MAX_ORDER_LINES/);
  });

  it('pricing the largest configurable basket at the highest price is exact (no MoneyError)', () => {
    const settings = checkoutSettings({ MAX_LINE_QUANTITY: String(MAX_LINE_QUANTITY), MAX_ORDER_LINES: '20' });
    const lines: BasketLine[] = Array.from({ length: settings.maxOrderLines }, (_, i) => ({
      product: { sku: `T-${i}`, name: `T ${i}`, category: 'groceries', price: money(MAX_UNIT_PRICE_MINOR), weightGrams: 1_000_000 },
      quantity: settings.maxLineQuantity,
    }));
    const priced = priceBasket({ lines, promotions: [], member: false, shippingRegion: 'west', now: new Date('2026-01-01T00:00:00Z'), settings });
    expect(priced.subtotal.amount).toBe(MAX_UNIT_PRICE_MINOR * MAX_LINE_QUANTITY * settings.maxOrderLines);
    expect(Number.isSafeInteger(priced.total.amount)).toBe(true);
  });
});
