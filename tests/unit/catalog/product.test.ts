import { describe, expect, it } from 'vitest';
import {
  applyProductInput,
  availableStock,
  ProductInputSchema,
  ProductSchema,
  sameListing,
  SkuSchema,
  toProductView,
  type ProductInput,
} from '../../../functions/catalog/domain/product.ts';

const valid: ProductInput = {
  name: '西湖龙井 250g',
  category: 'groceries',
  price: { amount: 36800, currency: 'CNY' },
  attributes: { weightGrams: 300, valueClass: 'high' },
};

describe('product schema (SEC-5, ORD-2)', () => {
  it('accepts a valid listing and trims the name', () => {
    expect(ProductInputSchema().parse({ ...valid, name: '  Tea  ' }).name).toBe('Tea');
    expect(ProductInputSchema().parse({ ...valid, attributes: { fresh: true, electronics: false, weightGrams: 1, valueClass: 'low' } }).attributes.fresh).toBe(true);
  });

  it.each([
    ['ABC', true],
    ['TEA-LONGJING-250G', true],
    ['A'.repeat(40), true],
    ['AB', false],
    ['A'.repeat(41), false],
    ['abc-1', false],
    ['ABC_1', false],
    ['ABC 1', false],
    ['', false],
  ])('SKU %j valid: %s', (sku, ok) => {
    expect(SkuSchema().safeParse(sku).success).toBe(ok);
  });

  const invalid: Array<[string, unknown, string]> = [
    ['float price (ORD-2: no floating point money)', { ...valid, price: { amount: 368.5, currency: 'CNY' } }, 'price.amount'],
    ['zero price', { ...valid, price: { amount: 0, currency: 'CNY' } }, 'price.amount'],
    ['amount as string', { ...valid, price: { amount: '36800', currency: 'CNY' } }, 'price.amount'],
    ['lower-case currency', { ...valid, price: { amount: 1, currency: 'cny' } }, 'price.currency'],
    ['empty name', { ...valid, name: '   ' }, 'name'],
    ['name with control characters', { ...valid, name: 'Tea\u0000' }, 'name'],
    ['name too long', { ...valid, name: 'x'.repeat(201) }, 'name'],
    ['category not a slug', { ...valid, category: 'Fresh Food' }, 'category'],
    ['unknown value class', { ...valid, attributes: { weightGrams: 1, valueClass: 'premium' } }, 'attributes.valueClass'],
    ['missing weight', { ...valid, attributes: { valueClass: 'low' } }, 'attributes.weightGrams'],
    ['negative weight', { ...valid, attributes: { weightGrams: -1, valueClass: 'low' } }, 'attributes.weightGrams'],
    ['unknown attribute', { ...valid, attributes: { ...valid.attributes, colour: 'red' } }, 'attributes'],
    ['unknown top-level field', { ...valid, updatedBy: 'me' }, ''],
    ['missing price', { name: 'x', category: 'books', attributes: valid.attributes }, 'price'],
  ];
  it.each(invalid)('rejects %s', (_label, input, path) => {
    const result = ProductInputSchema().safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.path.join('.'))).toContain(path);
  });
});

describe('product rules', () => {
  it('available stock is Σ max(0, onHand − reserved) across warehouses', () => {
    expect(availableStock([])).toBe(0);
    expect(
      availableStock([
        { warehouseId: 'WH-EAST', onHand: 10, reserved: 3 },
        { warehouseId: 'WH-NORTH', onHand: 5, reserved: 5 },
        { warehouseId: 'WH-SOUTH', onHand: 2, reserved: 4 },
      ]),
    ).toBe(7);
  });

  it('the public view drops the staff id and adds available stock', () => {
    const product = applyProductInput('TEA-1', valid, 'staff-1', new Date('2025-01-01T00:00:00Z'));
    expect(ProductSchema().parse(product)).toEqual(product);
    const view = toProductView(product, [{ warehouseId: 'WH-EAST', onHand: 4, reserved: 1 }]);
    expect(view).not.toHaveProperty('updatedBy');
    expect(view.availableStock).toBe(3);
    expect(view.updatedAt).toBe('2025-01-01T00:00:00.000Z');
  });

  it('sameListing compares content, not timestamps', () => {
    expect(sameListing(valid, { ...valid, attributes: { ...valid.attributes } })).toBe(true);
    expect(sameListing(valid, { ...valid, price: { amount: 36801, currency: 'CNY' } })).toBe(false);
    expect(sameListing(valid, { ...valid, attributes: { ...valid.attributes, fresh: true } })).toBe(false);
    expect(sameListing(valid, { ...valid, attributes: { ...valid.attributes, fresh: false } })).toBe(true);
  });
});
