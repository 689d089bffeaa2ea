/**
 * Issue 15 (a hot SKU at flash-sale scale), ORD-4: checkout remembers the catalog entries of SKUs
 * whose stock is split into buckets for SPLIT_STOCK_CACHE_MS, so that a sale's orders do not all
 * read the same few partitions; every other SKU is read for every order; `fresh` and `maxAgeMs`
 * read again what is older.
 */
import { describe, expect, it } from 'vitest';
import type { CatalogEntry } from '../../../functions/catalog/stock-contract.ts';
import { priceRequestedBasket, withRememberedSplitStock, type CatalogPort } from '../../../functions/checkout/price-basket.ts';
import type { PromotionStore } from '../../../functions/checkout/promotions-repository.ts';

const entry = (sku: string, available: number, split: boolean): CatalogEntry =>
  ({
    product: { sku, name: sku, category: 'groceries', price: { amount: 100, currency: 'CNY' }, attributes: { weightGrams: 100, valueClass: 'standard' } },
    stock: [{ sku, warehouseId: 'WH-EAST', onHand: available, reserved: 0, available, ...(split ? { buckets: [{ bucket: 0, available }] } : {}) }],
  }) as unknown as CatalogEntry;

/** A catalog whose levels the test sets, counting the SKUs it is asked for. */
function catalog() {
  const levels = new Map<string, { available: number; split: boolean }>([
    ['HOT', { available: 10, split: true }],
    ['PLAIN', { available: 5, split: false }],
  ]);
  const reads: string[][] = [];
  const port: CatalogPort = {
    entries: async (skus) => {
      reads.push([...skus]);
      return new Map(skus.filter((sku) => levels.has(sku)).map((sku) => [sku, entry(sku, levels.get(sku)!.available, levels.get(sku)!.split)]));
    },
    warehouses: async () => [],
  };
  return { port, reads, levels };
}

describe('checkout remembers split stock (SPLIT_STOCK_CACHE_MS)', () => {
  it('a split SKU is read once per cache time; a plain SKU every time; the answer keeps the order asked', async () => {
    const { port, reads, levels } = catalog();
    let now = 0;
    const remembering = withRememberedSplitStock(port, 1000, () => now);
    const first = await remembering.entries(['PLAIN', 'HOT', 'UNKNOWN']);
    expect([...first.keys()]).toEqual(['PLAIN', 'HOT']);
    levels.set('HOT', { available: 3, split: true });
    now = 999;
    const second = await remembering.entries(['HOT', 'PLAIN']);
    expect([...second.keys()]).toEqual(['HOT', 'PLAIN']);
    expect(second.get('HOT')?.stock[0]?.available).toBe(10); // remembered
    now = 1000;
    expect((await remembering.entries(['HOT'])).get('HOT')?.stock[0]?.available).toBe(3); // aged out: read again
    expect(reads).toEqual([['PLAIN', 'HOT', 'UNKNOWN'], ['PLAIN'], ['HOT']]);
  });

  it('`fresh` reads again (a re-plan after a lost race), `maxAgeMs` reads again what is older (a refusal for want of stock)', async () => {
    const { port, reads, levels } = catalog();
    let now = 0;
    const remembering = withRememberedSplitStock(port, 1000, () => now);
    await remembering.entries(['HOT']);
    levels.set('HOT', { available: 0, split: true });
    now = 50;
    expect((await remembering.entries(['HOT'], { maxAgeMs: 100 })).get('HOT')?.stock[0]?.available).toBe(10);
    now = 150;
    expect((await remembering.entries(['HOT'], { maxAgeMs: 100 })).get('HOT')?.stock[0]?.available).toBe(0);
    expect((await remembering.entries(['HOT'], { fresh: true })).get('HOT')?.stock[0]?.available).toBe(0);
    expect(reads).toEqual([['HOT'], ['HOT'], ['HOT']]);
  });

  it('a SKU no longer split is forgotten, and a cache time of 0 reads every time', async () => {
    const { port, reads, levels } = catalog();
    let now = 0;
    const remembering = withRememberedSplitStock(port, 1000, () => now);
    await remembering.entries(['HOT']);
    levels.set('HOT', { available: 10, split: false });
    await remembering.entries(['HOT'], { fresh: true });
    now = 10;
    await remembering.entries(['HOT']);
    expect(reads).toHaveLength(3);
    const never = withRememberedSplitStock(port, 0, () => now);
    expect(never).toBe(port);
  });

  it('remembers which SKUs are on sale (split and remembered), for as long as it remembers them', async () => {
    const { port } = catalog();
    let now = 0;
    const remembering = withRememberedSplitStock(port, 1000, () => now);
    await remembering.entries(['HOT', 'PLAIN']);
    expect([remembering.saleMaxAgeMs?.(['HOT']), remembering.saleMaxAgeMs?.(['PLAIN']), remembering.saleMaxAgeMs?.(['PLAIN', 'HOT'])]).toEqual([1000, undefined, 1000]);
    now = 1000;
    expect(remembering.saleMaxAgeMs?.(['HOT'])).toBeUndefined();
  });

  it("a flash sale's order is priced with the promotions read within SPLIT_STOCK_CACHE_MS; any other order asks for them afresh", async () => {
    const { port } = catalog();
    const remembering = withRememberedSplitStock(port, 1000, () => 0);
    const asked: Array<{ maxAgeMs?: number } | undefined> = [];
    const promotions: PromotionStore = {
      promotions: async (options) => (asked.push(options), []),
      pricingContext: async () => ({ member: false }) as never,
    };
    const settings = { currency: 'CNY', freeShippingThreshold: 0, shippingRates: {} };
    const price = (sku: string) => priceRequestedBasket({ catalog: remembering, promotions }, { customerId: 'c', items: [{ sku, quantity: 1 }], now: new Date(0), settings });
    expect((await price('HOT')).priced.total).toEqual({ amount: 100, currency: 'CNY' }); // not remembered yet: read afresh (and now remembered)
    await price('HOT');
    await price('PLAIN');
    expect(asked).toEqual([undefined, { maxAgeMs: 1000 }, undefined]);
  });
});
