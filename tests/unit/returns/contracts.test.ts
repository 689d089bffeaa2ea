/**
 * AFT-1: what returns relies on in other capabilities' contracts — catalog's `returnable: false`
 * product attribute (and its listing comparison), catalog's restock items (once per return), and
 * checkout's order contract (facts without personal data, the delivery time from the timeline).
 */
import { describe, expect, it } from 'vitest';
import { ProductInputSchema, sameListing, type ProductInput } from '../../../functions/catalog/domain/product.ts';
import { restockReturnedStock } from '../../../functions/catalog/stock-contract.ts';
import { orderFactsOf } from '../../../functions/checkout/order-contract.ts';

const listing: ProductInput = { name: 'Engraved pen', category: 'stationery', price: { amount: 9900, currency: 'CNY' }, attributes: { weightGrams: 50, valueClass: 'standard' } };

describe('AFT-1 catalog: non-returnable products', () => {
  it('AFT-1: a product may be marked returnable: false; absent means returnable; the flag is part of the listing', () => {
    expect(ProductInputSchema().parse({ ...listing, attributes: { ...listing.attributes, returnable: false } }).attributes.returnable).toBe(false);
    expect(ProductInputSchema().safeParse({ ...listing, attributes: { ...listing.attributes, returnable: 'no' } }).success).toBe(false);
    expect(sameListing(listing, { ...listing, attributes: { ...listing.attributes, returnable: false } })).toBe(false);
    expect(sameListing(listing, { ...listing, attributes: { ...listing.attributes, returnable: true } })).toBe(true);
  });

  it('AFT-1: restock items add the units on hand and available, and write a once-only record keyed by the return', () => {
    const [stock, record] = restockReturnedStock(
      'Catalog',
      { returnId: '01JD7ZKG61V8Q4N6M5R9T0W1YK', sku: 'PEN-1', warehouseId: 'WH-EAST', quantity: 2 },
      new Date('2026-11-28T10:00:00.000Z'),
    );
    expect(stock?.Update).toMatchObject({ Key: { pk: 'PRODUCT#PEN-1', sk: 'STOCK#WH-EAST' }, ExpressionAttributeValues: { ':q': 2 } });
    expect(stock?.Update?.UpdateExpression).toContain('onHand = if_not_exists(onHand, :zero) + :q');
    expect(stock?.Update?.UpdateExpression).toContain('available = if_not_exists(available, :zero) + :q');
    expect(record?.Update).toMatchObject({ Key: { pk: 'RESTOCK#01JD7ZKG61V8Q4N6M5R9T0W1YK', sk: 'PEN-1#WH-EAST' }, ConditionExpression: 'attribute_not_exists(pk)' });
    expect(() => restockReturnedStock('Catalog', { returnId: 'x y', sku: 'PEN-1', warehouseId: 'WH-EAST', quantity: 1 }, new Date())).toThrow();
    expect(() => restockReturnedStock('Catalog', { returnId: '01JD7ZKG61V8Q4N6M5R9T0W1YK', sku: 'PEN-1', warehouseId: 'WH-EAST', quantity: 0 }, new Date())).toThrow();
  });
});

describe('AFT-1 checkout: the order contract', () => {
  it('AFT-1: facts of the order, the delivery time from its timeline, no personal data', () => {
    const cny = (amount: number) => ({ amount, currency: 'CNY' });
    const facts = orderFactsOf([
      {
        pk: 'ORDER#O1',
        sk: 'ORDER',
        orderId: 'O1',
        customerId: 'alice',
        status: 'DELIVERED',
        currency: 'CNY',
        lines: [{ sku: 'TEA-1', name: 'Tea', category: 'tea', quantity: 3, unitPrice: cny(1000), lineTotal: cny(2799) }],
        discounts: [{ kind: 'coupon', id: 'SAVE', title: 'Save', amount: cny(201) }],
        shippingFee: cny(1000),
        total: cny(3799),
        payment: { method: 'card', authorized: cny(3799) },
        shipments: [{ shipmentId: 'S1', warehouseId: 'WH-EAST', carrier: 'standard-post', status: 'DELIVERED', lines: [{ sku: 'TEA-1', quantity: 3 }] }],
        risk: { outcome: 'approved', score: 5, decidedBy: 'rules', rulesFired: [] },
        personal: { name: 'v1.secret' },
      },
      { pk: 'ORDER#O1', sk: 'TIMELINE#000004', to: 'SHIPPED', at: '2026-11-18T00:00:00.000Z' },
      { pk: 'ORDER#O1', sk: 'TIMELINE#000005', to: 'DELIVERED', at: '2026-11-19T12:00:00.000Z' },
    ]);
    expect(facts).toEqual({
      orderId: 'O1',
      customerId: 'alice',
      status: 'DELIVERED',
      currency: 'CNY',
      lines: [{ sku: 'TEA-1', category: 'tea', quantity: 3, unitPrice: cny(1000), lineTotal: cny(2799) }],
      discounts: [{ kind: 'coupon', id: 'SAVE', amount: cny(201) }],
      shippingFee: cny(1000),
      total: cny(3799),
      paid: cny(3799),
      paymentMethod: 'card',
      deliveredAt: '2026-11-19T12:00:00.000Z',
      shipments: [{ shipmentId: 'S1', warehouseId: 'WH-EAST', carrier: 'standard-post', status: 'DELIVERED', lines: [{ sku: 'TEA-1', quantity: 3 }] }],
      risk: { outcome: 'approved', score: 5, decidedBy: 'rules' },
    });
    expect(orderFactsOf([{ pk: 'ORDER#O2', sk: 'TIMELINE#000001', to: 'PLACED' }])).toBeUndefined();
  });
});
