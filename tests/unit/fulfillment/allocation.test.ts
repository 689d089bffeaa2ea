/**
 * FUL-1 + FUL-2: from an approved order's reservations to shipments, table-driven — nearest
 * warehouse, split shipments, stock moved to a nearer warehouse (picks beyond the reservation there,
 * the reservation elsewhere released), each shipment with its carrier.
 */
import { describe, expect, it } from 'vitest';
import { planAllocation, type AvailableStock } from '../../../functions/catalog/stock-contract.ts';
import { DEFAULT_REGION_DISTANCES } from '../../../functions/catalog/settings.ts';
import { DEFAULT_CARRIER_RULES } from '../../../functions/fulfillment/domain/carrier-rules.ts';
import {
  allocationOfReservations,
  allocationOperations,
  allocationTransactionItems,
  chooseAllocation,
  demandOf,
  movedUnits,
  planShipments,
  shipmentIdFor,
  type Movement,
  type ProductFacts,
} from '../../../functions/fulfillment/domain/allocation.ts';

const warehouses = [
  { warehouseId: 'WH-EAST', region: 'east' },
  { warehouseId: 'WH-NORTH', region: 'north' },
  { warehouseId: 'WH-SOUTH', region: 'south' },
];

const products = new Map<string, ProductFacts>([
  ['FRESH-LYCHEE', { category: 'fresh-food', fresh: true, weightGrams: 1100, valueClass: 'standard', unitPriceMinor: 5990 }],
  ['ELEC-PHONE', { category: 'electronics', electronics: true, weightGrams: 210, valueClass: 'high', unitPriceMinor: 399_900 }],
  ['APP-TSHIRT', { category: 'apparel', weightGrams: 200, valueClass: 'low', unitPriceMinor: 7900 }],
  ['BOOK-SANTI', { category: 'books', weightGrams: 1200, valueClass: 'low', unitPriceMinor: 9300 }],
  ['GROC-RICE', { category: 'groceries', weightGrams: 5100, valueClass: 'low', unitPriceMinor: 8990 }],
]);

type Row = [wh: string, sku: string, qty: number];
const movements = (rows: Row[]): Movement[] => rows.map(([warehouseId, sku, quantity]) => ({ warehouseId, sku, quantity }));

/** The use case's planning step: other orders' stock + this order's own reservations. */
function allocate(reservations: Movement[], otherAvailable: Row[], region: string) {
  const stock: AvailableStock[] = [...movements(otherAvailable), ...reservations].map((m) => ({ sku: m.sku, warehouseId: m.warehouseId, available: m.quantity }));
  const plan = planAllocation({ lines: demandOf(reservations), stock, warehouses, shippingRegion: region, distances: DEFAULT_REGION_DISTANCES });
  const order = [...warehouses].sort((a, b) => (a.region === region ? -1 : b.region === region ? 1 : 0)).map((w) => w.warehouseId);
  const choice = chooseAllocation(plan.ok ? plan.allocations : undefined, reservations, order);
  return { choice, shipments: planShipments(choice.allocations, products, region, DEFAULT_CARRIER_RULES) };
}

describe('allocation at approval (FUL-1) with carriers (FUL-2)', () => {
  it.each<[string, Row[], Row[], string, Array<[string, string, Array<[string, number]>]>, 'plan' | 'reservations', Row[]]>([
    [
      'single warehouse, reservation picked as is',
      [['WH-EAST', 'APP-TSHIRT', 2]],
      [['WH-EAST', 'APP-TSHIRT', 10]],
      'east',
      [['WH-EAST', 'economy-post', [['APP-TSHIRT', 2]]]],
      'plan',
      [],
    ],
    [
      'split shipment: each warehouse ships its part with its own carrier',
      [
        ['WH-EAST', 'ELEC-PHONE', 1],
        ['WH-NORTH', 'GROC-RICE', 1],
      ],
      [],
      'east',
      [
        ['WH-EAST', 'premium-express', [['ELEC-PHONE', 1]]],
        ['WH-NORTH', 'standard-express', [['GROC-RICE', 1]]],
      ],
      'plan',
      [],
    ],
    [
      'split of one SKU across warehouses, nearest first (2 books weigh 2.4 kg: too heavy for economy)',
      [
        ['WH-EAST', 'BOOK-SANTI', 2],
        ['WH-SOUTH', 'BOOK-SANTI', 1],
      ],
      [],
      'east',
      [
        ['WH-EAST', 'standard-express', [['BOOK-SANTI', 2]]],
        ['WH-SOUTH', 'economy-post', [['BOOK-SANTI', 1]]],
      ],
      'plan',
      [],
    ],
    [
      'three warehouses: fresh from the south, phone from the east, book from the north',
      [
        ['WH-SOUTH', 'FRESH-LYCHEE', 1],
        ['WH-EAST', 'ELEC-PHONE', 1],
        ['WH-NORTH', 'BOOK-SANTI', 1],
      ],
      [],
      'east',
      [
        ['WH-EAST', 'premium-express', [['ELEC-PHONE', 1]]],
        ['WH-NORTH', 'economy-post', [['BOOK-SANTI', 1]]],
        ['WH-SOUTH', 'premium-express', [['FRESH-LYCHEE', 1]]],
      ],
      'plan',
      [],
    ],
    [
      'stock freed up nearer: the whole order moves to the east (picked from available there), the south reservation released',
      [['WH-SOUTH', 'APP-TSHIRT', 1]],
      [['WH-EAST', 'APP-TSHIRT', 50]],
      'east',
      [['WH-EAST', 'economy-post', [['APP-TSHIRT', 1]]]],
      'plan',
      [['WH-SOUTH', 'APP-TSHIRT', 1]],
    ],
    [
      'part of an order moves: reserved 1 east + 2 south, 1 more freed up east → 3 from the east, south released',
      [
        ['WH-EAST', 'BOOK-SANTI', 1],
        ['WH-SOUTH', 'BOOK-SANTI', 2],
      ],
      [['WH-EAST', 'BOOK-SANTI', 2]],
      'east',
      [['WH-EAST', 'standard-express', [['BOOK-SANTI', 3]]]],
      'plan',
      [['WH-SOUTH', 'BOOK-SANTI', 2]],
    ],
  ])('%s', (_name, reservations, other, region, expected, source, releases) => {
    const { choice, shipments } = allocate(movements(reservations), other, region);
    expect(choice.source).toBe(source);
    expect(choice.operations.filter((op) => op.kind === 'release').map(({ warehouseId, sku, quantity }) => ({ warehouseId, sku, quantity }))).toEqual(movements(releases));
    expect(shipments.map((s) => [s.warehouseId, s.carrier, s.lines.map((l) => [l.sku, l.quantity])])).toEqual(expected);
    // Every reserved (SKU, warehouse) is consumed exactly once (picked or released); each is touched once.
    const keys = choice.operations.map((op) => `${op.warehouseId}|${op.sku}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const r of movements(reservations)) {
      const op = choice.operations.find((o) => o.sku === r.sku && o.warehouseId === r.warehouseId);
      expect(op && (op.kind === 'release' ? op.quantity : op.reservedQuantity)).toBe(r.quantity);
    }
    // Picks add up to the order; units beyond reservations come from available stock.
    const picked = choice.operations.reduce((n, op) => n + (op.kind === 'pick' ? op.quantity : 0), 0);
    expect(picked).toBe(reservations.reduce((n, r) => n + r[2], 0));
    const released = choice.operations.reduce((n, op) => n + (op.kind === 'release' ? op.quantity : op.reservedQuantity > op.quantity ? op.reservedQuantity - op.quantity : 0), 0);
    expect(movedUnits(choice.operations)).toBe(released);
  });

  it('consolidates into a warehouse where the order already holds enough, releasing the surplus elsewhere', () => {
    // The order holds 2 in the east and (over-reserved) 1 more in the north; the plan picks only the east.
    const reservations = movements([
      ['WH-EAST', 'APP-TSHIRT', 2],
      ['WH-NORTH', 'APP-TSHIRT', 1],
    ]);
    const plan = [{ warehouseId: 'WH-EAST', lines: [{ sku: 'APP-TSHIRT', quantity: 2 }] }];
    expect(allocationOperations(plan, reservations)).toEqual([
      { kind: 'pick', sku: 'APP-TSHIRT', warehouseId: 'WH-EAST', quantity: 2, reservedQuantity: 2 },
      { kind: 'release', sku: 'APP-TSHIRT', warehouseId: 'WH-NORTH', quantity: 1 },
    ]);
  });

  it('a pick of less than reserved in one warehouse consumes the whole reservation there (the rest released by the same item)', () => {
    const reservations = movements([['WH-EAST', 'APP-TSHIRT', 3]]);
    const plan = [
      { warehouseId: 'WH-EAST', lines: [{ sku: 'APP-TSHIRT', quantity: 2 }] },
      { warehouseId: 'WH-NORTH', lines: [{ sku: 'APP-TSHIRT', quantity: 1 }] },
    ];
    expect(allocationOperations(plan, reservations)).toEqual([
      { kind: 'pick', sku: 'APP-TSHIRT', warehouseId: 'WH-EAST', quantity: 2, reservedQuantity: 3 },
      { kind: 'pick', sku: 'APP-TSHIRT', warehouseId: 'WH-NORTH', quantity: 1, reservedQuantity: 0 },
    ]);
  });

  it('keeps the reservations when asked (last try after a lost race) or when the plan would not fit one transaction', () => {
    const reservations = movements([['WH-SOUTH', 'APP-TSHIRT', 1]]);
    const plan = [{ warehouseId: 'WH-EAST', lines: [{ sku: 'APP-TSHIRT', quantity: 1 }] }];
    expect(chooseAllocation(plan, reservations, ['WH-EAST', 'WH-SOUTH']).source).toBe('plan');
    const kept = chooseAllocation(plan, reservations, ['WH-EAST', 'WH-SOUTH'], { keepReservations: true });
    expect(kept).toEqual({
      source: 'reservations',
      allocations: [{ warehouseId: 'WH-SOUTH', lines: [{ sku: 'APP-TSHIRT', quantity: 1 }] }],
      operations: [{ kind: 'pick', sku: 'APP-TSHIRT', warehouseId: 'WH-SOUTH', quantity: 1, reservedQuantity: 1 }],
    });
    // Moving needs 2 + 2 (shipment, waybill) + 2 × 2 (pick east, release south) = 8 items.
    expect(allocationTransactionItems(plan, allocationOperations(plan, reservations))).toBe(8);
    expect(chooseAllocation(plan, reservations, ['WH-EAST', 'WH-SOUTH'], { maxTransactionItems: 7 }).source).toBe('reservations');
  });

  it('falls back to the reservations when planning failed', () => {
    const reservations = movements([
      ['WH-NORTH', 'BOOK-SANTI', 1],
      ['WH-EAST', 'BOOK-SANTI', 1],
      ['WH-EAST', 'APP-TSHIRT', 1],
    ]);
    const choice = chooseAllocation(undefined, reservations, ['WH-EAST', 'WH-NORTH']);
    expect(choice.source).toBe('reservations');
    expect(choice.allocations).toEqual(allocationOfReservations(reservations, ['WH-EAST', 'WH-NORTH']));
    expect(choice.allocations.map((a) => a.warehouseId)).toEqual(['WH-EAST', 'WH-NORTH']);
  });

  it('adds up repeated reservation lines of one SKU and warehouse', () => {
    expect(
      demandOf(
        movements([
          ['WH-EAST', 'A-1', 1],
          ['WH-EAST', 'A-1', 2],
          ['WH-NORTH', 'A-1', 1],
        ]),
      ),
    ).toEqual([{ sku: 'A-1', quantity: 4 }]);
  });

  it('reports weight and declared value per shipment', () => {
    const [shipment] = planShipments([{ warehouseId: 'WH-EAST', lines: [{ sku: 'APP-TSHIRT', quantity: 3 }] }], products, 'east', DEFAULT_CARRIER_RULES);
    expect(shipment).toMatchObject({ weightGrams: 600, valueMinor: 23_700, carrier: 'standard-express', carrierRule: 'default' });
  });
});

describe('shipmentIdFor', () => {
  it('is a deterministic ULID per order and warehouse, sorting with the order', () => {
    const orderId = '01JD7ZK3X2V8Q4N6M5R9T0W1YB';
    const a = shipmentIdFor(orderId, 'WH-EAST');
    expect(a).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(a.slice(0, 10)).toBe(orderId.slice(0, 10));
    expect(shipmentIdFor(orderId, 'WH-EAST')).toBe(a);
    expect(shipmentIdFor(orderId, 'WH-NORTH')).not.toBe(a);
  });
});
