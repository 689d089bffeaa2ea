import { describe, expect, it } from 'vitest';
import { DEMO_PRODUCTS, DEMO_WAREHOUSES } from '../../../functions/catalog/demo-catalog.ts';
import { ProductInputSchema, SkuSchema } from '../../../functions/catalog/domain/product.ts';
import { findBannedTerms } from '../../../functions/compliance/domain/banned-terms.ts';
import { DEFAULT_BANNED_ADVERTISING_TERMS } from '../../../shared/config.ts';

describe('demo catalog', () => {
  it('has ≥ 20 valid products with unique SKUs, prices in CNY fen, across ≥ 5 categories', () => {
    expect(DEMO_PRODUCTS.length).toBeGreaterThanOrEqual(20);
    expect(new Set(DEMO_PRODUCTS.map((p) => p.sku)).size).toBe(DEMO_PRODUCTS.length);
    for (const { sku, listing } of DEMO_PRODUCTS) {
      expect(SkuSchema().safeParse(sku).success, sku).toBe(true);
      expect(ProductInputSchema().safeParse(listing).success, sku).toBe(true);
      expect(listing.price.currency).toBe('CNY');
      expect(Number.isInteger(listing.price.amount)).toBe(true);
    }
    const categories = new Set(DEMO_PRODUCTS.map((p) => p.listing.category));
    expect([...categories]).toEqual(expect.arrayContaining(['fresh-food', 'electronics', 'apparel', 'home', 'books']));
  });

  it('FUL-1: three warehouses in different regions, stock for every SKU in each', () => {
    expect(DEMO_WAREHOUSES.map((w) => [w.warehouseId, w.city, w.region])).toEqual([
      ['WH-EAST', 'Shanghai', 'east'],
      ['WH-NORTH', 'Beijing', 'north'],
      ['WH-SOUTH', 'Guangzhou', 'south'],
    ]);
    for (const { sku, stock } of DEMO_PRODUCTS) {
      expect(Object.keys(stock).sort(), sku).toEqual(['WH-EAST', 'WH-NORTH', 'WH-SOUTH']);
      expect(Object.values(stock).every((n) => Number.isInteger(n) && n >= 0)).toBe(true);
    }
  });

  it('FUL-2: fresh food is fresh, electronics are electronics', () => {
    for (const { listing } of DEMO_PRODUCTS) {
      if (listing.category === 'fresh-food') expect(listing.attributes.fresh).toBe(true);
      if (listing.category === 'electronics') expect(listing.attributes.electronics).toBe(true);
    }
  });

  it('CMP-1: exactly one demo listing contains a banned term, for the compliance demo', () => {
    const flagged = DEMO_PRODUCTS.filter(({ listing }) => findBannedTerms(listing, DEFAULT_BANNED_ADVERTISING_TERMS).length > 0).map((p) => p.sku);
    expect(flagged).toEqual(['ELEC-AIR-PURIFIER']);
  });
});
