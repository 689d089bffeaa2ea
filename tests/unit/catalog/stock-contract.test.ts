/**
 * ORD-4, FUL-1: catalog's stock contract with per-order reservation records — table-driven on the
 * conditions of every operation (the executable model, domain/reservation.ts), the DynamoDB items
 * rendered from the same rules, and a property: any interleaving of operations by several orders
 * keeps the counters exact and never lets one order consume another's reservation.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyOperation,
  failedStockItems,
  InvalidStockOperation,
  MAX_RESERVATIONS_PER_ORDER,
  pickStock,
  releaseStock,
  reservationItemOf,
  reserveStock,
  returnPickedStock,
  stockItemOf,
  type ReservationState,
  type StockCounters,
  type StockOperation,
} from '../../../functions/catalog/stock-contract.ts';

const at = new Date('2026-11-23T08:00:00.000Z');
const counters = (onHand: number, reserved: number): StockCounters => ({ onHand, reserved, available: onHand - reserved });
const rec = (status: ReservationState['status'], quantity: number, pickedQuantity?: number): ReservationState => ({
  status,
  quantity,
  ...(pickedQuantity !== undefined ? { pickedQuantity } : {}),
});

describe('operations on (stock counters, the order’s reservation record): conditions and effects', () => {
  it.each<[string, StockOperation, StockCounters | undefined, ReservationState | undefined, StockCounters | readonly string[], ReservationState?]>([
    // reserve: available ≥ q, no record yet
    ['reserve within available', { kind: 'reserve', quantity: 3 }, counters(10, 2), undefined, counters(10, 5), rec('reserved', 3)],
    ['reserve exactly what is available', { kind: 'reserve', quantity: 8 }, counters(10, 2), undefined, counters(10, 10), rec('reserved', 8)],
    ['reserve beyond available', { kind: 'reserve', quantity: 9 }, counters(10, 2), undefined, ['stock']],
    ['reserve twice for the same order (replay)', { kind: 'reserve', quantity: 1 }, counters(10, 2), rec('reserved', 1), ['reservation']],
    ['reserve where there is no stock item', { kind: 'reserve', quantity: 1 }, undefined, undefined, ['no-stock-item']],
    // release: the order's record reserved with exactly q
    ['release the reservation', { kind: 'release', quantity: 3 }, counters(10, 5), rec('reserved', 3), counters(10, 2), rec('released', 3)],
    // Other orders hold 5 here: the counters alone would let these through; the record stops them.
    ['release again (replay)', { kind: 'release', quantity: 3 }, counters(10, 5), rec('released', 3), ['reservation']],
    ['release after the pick won the race', { kind: 'release', quantity: 3 }, counters(7, 5), rec('picked', 3, 3), ['reservation']],
    ['release of an order with no reservation (never takes another order’s)', { kind: 'release', quantity: 2 }, counters(10, 5), undefined, ['reservation']],
    ['release of another quantity than reserved', { kind: 'release', quantity: 2 }, counters(10, 5), rec('reserved', 3), ['reservation']],
    ['release where the counters hold less (drift is refused, not hidden)', { kind: 'release', quantity: 3 }, counters(10, 2), rec('reserved', 3), ['stock']],
    // pick q with reservedQuantity r
    ['pick exactly the reservation', { kind: 'pick', quantity: 3, reservedQuantity: 3 }, counters(10, 5), rec('reserved', 3), counters(7, 2), rec('picked', 3, 3)],
    [
      'pick more than reserved: the rest from available',
      { kind: 'pick', quantity: 5, reservedQuantity: 3 },
      counters(10, 5),
      rec('reserved', 3),
      { onHand: 5, reserved: 2, available: 3 },
      rec('picked', 3, 5),
    ],
    ['pick more than reserved beyond available', { kind: 'pick', quantity: 9, reservedQuantity: 3 }, counters(10, 5), rec('reserved', 3), ['stock']],
    [
      'pick less than reserved: the difference released',
      { kind: 'pick', quantity: 1, reservedQuantity: 3 },
      counters(10, 5),
      rec('reserved', 3),
      { onHand: 9, reserved: 2, available: 7 },
      rec('picked', 3, 1),
    ],
    [
      'pick where the order reserved nothing (stock moved here)',
      { kind: 'pick', quantity: 2, reservedQuantity: 0 },
      counters(10, 5),
      undefined,
      { onHand: 8, reserved: 5, available: 3 },
      rec('picked', 0, 2),
    ],
    ['pick where the order reserved nothing, beyond available', { kind: 'pick', quantity: 6, reservedQuantity: 0 }, counters(10, 5), undefined, ['stock']],
    ['pick after the cancellation released it (race lost)', { kind: 'pick', quantity: 3, reservedQuantity: 3 }, counters(10, 2), rec('released', 3), ['reservation', 'stock']],
    ['pick again (replay)', { kind: 'pick', quantity: 3, reservedQuantity: 3 }, counters(7, 5), rec('picked', 3, 3), ['reservation']],
    [
      'pick claiming a reservation the order does not hold (another order’s stock)',
      { kind: 'pick', quantity: 3, reservedQuantity: 3 },
      counters(10, 5),
      undefined,
      ['reservation'],
    ],
    ['pick with a wrong reserved quantity', { kind: 'pick', quantity: 2, reservedQuantity: 2 }, counters(10, 5), rec('reserved', 3), ['reservation']],
    // return: picked with exactly q
    ['return picked goods', { kind: 'return', quantity: 3 }, counters(7, 2), rec('picked', 3, 3), counters(10, 2), rec('returned', 3, 3)],
    ['return twice (replay)', { kind: 'return', quantity: 3 }, counters(10, 2), rec('returned', 3, 3), ['reservation']],
    ['return what was never picked', { kind: 'return', quantity: 3 }, counters(10, 5), rec('reserved', 3), ['reservation']],
    ['return another quantity than picked', { kind: 'return', quantity: 2 }, counters(7, 2), rec('picked', 3, 3), ['reservation']],
  ])('%s', (_name, op, before, record, expected, after) => {
    const result = applyOperation(op, before, record);
    if (Array.isArray(expected)) {
      expect(result.ok).toBe(false);
      if (!result.ok) expect([...result.failed].sort()).toEqual([...expected].sort());
    } else {
      expect(result).toEqual({ ok: true, counters: expected, record: after });
      if (result.ok) expect(result.counters.available).toBe(result.counters.onHand - result.counters.reserved);
    }
  });

  it.each<[string, StockOperation]>([
    ['zero quantity', { kind: 'reserve', quantity: 0 }],
    ['negative quantity', { kind: 'release', quantity: -1 }],
    ['fractional quantity', { kind: 'return', quantity: 1.5 }],
    ['negative reserved quantity', { kind: 'pick', quantity: 1, reservedQuantity: -1 }],
  ])('refuses %s (a programming error, not a lost race)', (_name, op) => {
    expect(() => applyOperation(op, counters(10, 0), undefined)).toThrow(InvalidStockOperation);
  });
});

describe('the DynamoDB items (rendered from the same rules)', () => {
  const m = { orderId: '01JD7ZK3X2V8Q4N6M5R9T0W1YB', sku: 'TEA-LONGJING-250G', warehouseId: 'WH-EAST' };

  it.each<[string, ReturnType<typeof reserveStock>, string, string, string]>([
    ['reserve', reserveStock('Cat', { ...m, quantity: 2 }, at), 'attribute_exists(pk) AND available >= :min_available', 'attribute_not_exists(pk)', 'reserved'],
    [
      'release',
      releaseStock('Cat', { ...m, quantity: 2 }, at),
      'attribute_exists(pk) AND reserved >= :min_reserved',
      'attribute_not_exists(#bucket) AND #status = :requiredStatus AND quantity = :requiredQuantity',
      'released',
    ],
    [
      'pick (more than reserved)',
      pickStock('Cat', { ...m, quantity: 3, reservedQuantity: 2 }, at),
      'attribute_exists(pk) AND onHand >= :min_onHand AND reserved >= :min_reserved AND available >= :min_available',
      'attribute_not_exists(#bucket) AND #status = :requiredStatus AND quantity = :requiredQuantity',
      'picked',
    ],
    [
      'pick (no reservation here)',
      pickStock('Cat', { ...m, quantity: 3, reservedQuantity: 0 }, at),
      'attribute_exists(pk) AND onHand >= :min_onHand AND available >= :min_available',
      'attribute_not_exists(pk)',
      'picked',
    ],
    [
      'return',
      returnPickedStock('Cat', { ...m, quantity: 2 }, at),
      'attribute_exists(pk)',
      'attribute_not_exists(#bucket) AND #status = :requiredStatus AND pickedQuantity = :requiredPicked',
      'returned',
    ],
  ])('%s: two items, the stock item and the order’s reservation record (never a bucket’s), each conditional', (_name, items, stockCondition, recordCondition, status) => {
    expect(items).toHaveLength(2);
    const [stock, record] = items;
    expect(stock?.Update?.Key).toEqual({ pk: 'PRODUCT#TEA-LONGJING-250G', sk: 'STOCK#WH-EAST' });
    expect(stock?.Update?.ConditionExpression).toBe(stockCondition);
    expect(record?.Update?.Key).toEqual({ pk: 'RESERVATION#01JD7ZK3X2V8Q4N6M5R9T0W1YB', sk: 'TEA-LONGJING-250G#WH-EAST' });
    expect(record?.Update?.ConditionExpression).toBe(recordCondition);
    expect(record?.Update?.ExpressionAttributeValues?.[':status']).toBe(status);
    expect(stockItemOf(stock!)).toEqual({ sku: m.sku, warehouseId: m.warehouseId });
    expect(reservationItemOf(record!)).toEqual(m);
    expect(reservationItemOf(stock!)).toBeUndefined();
  });

  it('the pick’s counter deltas are −q on hand, −r reserved, −(q − r) available', () => {
    const [stock] = pickStock('Cat', { ...m, quantity: 5, reservedQuantity: 2 }, at);
    expect(stock?.Update?.UpdateExpression).toBe('SET onHand = onHand + :d_onHand, reserved = reserved + :d_reserved, available = available + :d_available, updatedAt = :at');
    expect(stock?.Update?.ExpressionAttributeValues).toMatchObject({
      ':d_onHand': -5,
      ':d_reserved': -2,
      ':d_available': -3,
      ':min_onHand': 5,
      ':min_reserved': 2,
      ':min_available': 3,
    });
  });

  it('names what failed in a cancelled transaction', () => {
    const items = [...reserveStock('Cat', { ...m, quantity: 1 }, at), ...releaseStock('Cat', { ...m, sku: 'OTHER-SKU', quantity: 1 }, at)];
    expect(failedStockItems(items, ['None', 'None', 'None', 'ConditionalCheckFailed'])).toEqual({ stock: [], reservations: [{ ...m, sku: 'OTHER-SKU' }] });
    expect(failedStockItems(items, ['ConditionalCheckFailed', 'None', 'None', 'None'])).toEqual({ stock: [{ sku: m.sku, warehouseId: m.warehouseId }], reservations: [] });
  });

  it('refuses ids that would break the keys', () => {
    expect(() => reserveStock('Cat', { ...m, sku: 'A#B', quantity: 1 }, at)).toThrow();
    expect(() => releaseStock('Cat', { ...m, orderId: '', quantity: 1 }, at)).toThrow();
  });

  it('an order’s reservations fit one transaction: 2 items each, shipments and waybills at allocation (≤ 100)', () => {
    expect(2 + 4 * MAX_RESERVATIONS_PER_ORDER).toBeLessThanOrEqual(100);
  });
});

describe('property: any interleaving of operations by several orders on one stock item', () => {
  type Op = { order: number; op: StockOperation };
  const arbOp = fc.record({
    order: fc.integer({ min: 0, max: 2 }),
    op: fc.oneof(
      fc.record({ kind: fc.constant('reserve' as const), quantity: fc.integer({ min: 1, max: 4 }) }),
      fc.record({ kind: fc.constant('release' as const), quantity: fc.integer({ min: 1, max: 4 }) }),
      fc.record({ kind: fc.constant('pick' as const), quantity: fc.integer({ min: 1, max: 5 }), reservedQuantity: fc.integer({ min: 0, max: 4 }) }),
      fc.record({ kind: fc.constant('return' as const), quantity: fc.integer({ min: 1, max: 5 }) }),
    ),
  });

  it('keeps available = onHand − reserved ≥ 0, reserved = Σ reserved records, onHand = initial − Σ picked-and-kept; each order consumes only its own reservation, once', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 12 }), fc.array(arbOp as fc.Arbitrary<Op>, { maxLength: 40 }), (initial, ops) => {
        let stock = counters(initial, 0);
        const records = new Map<number, ReservationState>();
        for (const { order, op } of ops) {
          const before = records.get(order);
          const result = applyOperation(op, stock, before);
          if (!result.ok) continue;
          // A release or pick only ever consumes this order's own `reserved` record.
          if (op.kind === 'release' || (op.kind === 'pick' && op.reservedQuantity > 0)) expect(before?.status).toBe('reserved');
          stock = result.counters;
          records.set(order, result.record);
        }
        const all = [...records.values()];
        expect(stock.available).toBe(stock.onHand - stock.reserved);
        expect(stock.onHand).toBeGreaterThanOrEqual(0);
        expect(stock.reserved).toBeGreaterThanOrEqual(0);
        expect(stock.available).toBeGreaterThanOrEqual(0);
        expect(stock.reserved).toBe(all.filter((r) => r.status === 'reserved').reduce((n, r) => n + r.quantity, 0));
        expect(stock.onHand).toBe(initial - all.filter((r) => r.status === 'picked').reduce((n, r) => n + (r.pickedQuantity ?? 0), 0));
      }),
      { numRuns: 500 },
    );
  });
});
