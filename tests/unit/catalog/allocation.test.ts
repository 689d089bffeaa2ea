/** FUL-1: nearest warehouse that can ship everything; else the fewest, nearest first; else shortages. */
import { describe, expect, it } from 'vitest';
import { planAllocation, regionDistance, type AvailableStock } from '../../../functions/catalog/domain/allocation.ts';
import { DEFAULT_REGION_DISTANCES } from '../../../functions/catalog/settings.ts';

const warehouses = [
  { warehouseId: 'WH-EAST', region: 'east' },
  { warehouseId: 'WH-NORTH', region: 'north' },
  { warehouseId: 'WH-SOUTH', region: 'south' },
];
const stock = (rows: Array<[string, string, number]>): AvailableStock[] => rows.map(([warehouseId, sku, available]) => ({ warehouseId, sku, available }));
const plan = (lines: Array<[string, number]>, s: AvailableStock[], shippingRegion: string) =>
  planAllocation({ lines: lines.map(([sku, quantity]) => ({ sku, quantity })), stock: s, warehouses, shippingRegion, distances: DEFAULT_REGION_DISTANCES });

describe('planAllocation (FUL-1)', () => {
  it('looks distances up both ways; same region is 0; unknown is farthest', () => {
    expect(regionDistance(DEFAULT_REGION_DISTANCES, 'north', 'east')).toBe(1200);
    expect(regionDistance(DEFAULT_REGION_DISTANCES, 'east', 'east')).toBe(0);
    expect(regionDistance(DEFAULT_REGION_DISTANCES, 'east', 'mars')).toBe(Number.POSITIVE_INFINITY);
  });

  it.each([
    [
      'the local warehouse when it has everything',
      [
        ['A', 2],
        ['B', 1],
      ],
      [
        ['WH-NORTH', 'A', 5],
        ['WH-NORTH', 'B', 5],
        ['WH-EAST', 'A', 9],
        ['WH-EAST', 'B', 9],
      ],
      'north',
      [
        {
          warehouseId: 'WH-NORTH',
          lines: [
            { sku: 'A', quantity: 2 },
            { sku: 'B', quantity: 1 },
          ],
        },
      ],
    ],
    [
      'the nearest single warehouse over a split, even if farther',
      [
        ['A', 2],
        ['B', 1],
      ],
      [
        ['WH-NORTH', 'A', 5],
        ['WH-SOUTH', 'A', 5],
        ['WH-SOUTH', 'B', 5],
      ],
      'north',
      [
        {
          warehouseId: 'WH-SOUTH',
          lines: [
            { sku: 'A', quantity: 2 },
            { sku: 'B', quantity: 1 },
          ],
        },
      ],
    ],
    [
      'two warehouses when no single one can, nearest pair',
      [
        ['A', 2],
        ['B', 1],
      ],
      [
        ['WH-NORTH', 'A', 5],
        ['WH-EAST', 'B', 5],
        ['WH-SOUTH', 'B', 5],
      ],
      'north',
      [
        { warehouseId: 'WH-NORTH', lines: [{ sku: 'A', quantity: 2 }] },
        { warehouseId: 'WH-EAST', lines: [{ sku: 'B', quantity: 1 }] },
      ],
    ],
    [
      'one SKU split across warehouses, nearest first',
      [['A', 7]],
      [
        ['WH-EAST', 'A', 4],
        ['WH-SOUTH', 'A', 4],
        ['WH-NORTH', 'A', 0],
      ],
      'east',
      [
        { warehouseId: 'WH-EAST', lines: [{ sku: 'A', quantity: 4 }] },
        { warehouseId: 'WH-SOUTH', lines: [{ sku: 'A', quantity: 3 }] },
      ],
    ],
  ] as const)('picks %s', (_name, lines, s, region, expected) => {
    expect(plan(lines as unknown as Array<[string, number]>, stock(s as unknown as Array<[string, string, number]>), region)).toEqual({ ok: true, allocations: expected });
  });

  it('reports every short SKU with what is available in total', () => {
    expect(
      plan(
        [
          ['A', 5],
          ['B', 1],
          ['C', 1],
        ],
        stock([
          ['WH-EAST', 'A', 2],
          ['WH-NORTH', 'A', 2],
          ['WH-EAST', 'B', 1],
        ]),
        'east',
      ),
    ).toEqual({
      ok: false,
      shortages: [
        { sku: 'A', requested: 5, available: 4 },
        { sku: 'C', requested: 1, available: 0 },
      ],
    });
  });

  it('adds up repeated lines of one SKU', () => {
    expect(
      plan(
        [
          ['A', 2],
          ['A', 3],
        ],
        stock([['WH-EAST', 'A', 4]]),
        'east',
      ),
    ).toEqual({ ok: false, shortages: [{ sku: 'A', requested: 5, available: 4 }] });
  });
});
