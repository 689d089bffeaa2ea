/**
 * Back office (FUL-1, SEC-4): ops create, replace and switch off warehouses against DynamoDB Local;
 * new orders reserve only from active ones; every change is audited first; a region the store does
 * not ship to is a 400 that writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import { ulid } from 'ulid';
import { listWarehouses, putWarehouse, type ManageWarehousesDeps } from '../../../functions/catalog/manage-warehouses.ts';
import { CatalogReader, catalogSettings } from '../../../functions/catalog/stock-contract.ts';
import { withCachedWarehouses } from '../../../functions/checkout/price-basket.ts';
import { placeOrder } from '../../../functions/checkout/place-order.ts';
import type { AuditEvent } from '../../../shared/audit.ts';
import { systemClock } from '../../../shared/clock.ts';
import { useLocalDynamoDb } from '../../support/local-dynamodb-env.ts';
import { checkoutWorld, customer, problem, startLocalKms } from '../checkout/fixtures.ts';

let kms: Awaited<ReturnType<typeof startLocalKms>>;
let world: ReturnType<typeof checkoutWorld>;
let deps: ManageWarehousesDeps;
const audited: AuditEvent[] = [];

beforeAll(async () => {
  const { tables } = useLocalDynamoDb();
  kms = await startLocalKms();
  world = checkoutWorld(tables, kms);
  await world.ensureWarehouses();
  deps = {
    catalog: world.catalogRepo,
    audit: { record: async (event) => (audited.push(event), { ...event, seq: audited.length, at: '', prevHash: '', hash: '' }) as never },
    clock: systemClock,
    regions: catalogSettings({}).regions,
  };
});

afterAll(async () => {
  await kms.close();
});

const change = (reason = 'new site') => ({ changedBy: 'ops-1', roles: ['ops'], reason, correlationId: `c-${ulid()}` });

describe('warehouses (FUL-1)', () => {
  it('created, unchanged on replay, switched off: new orders stop reserving there, and start again when it is back', async () => {
    const warehouseId = `WH-T-${ulid()}`;
    const input = { name: '临港仓', city: '上海', region: 'east', active: true };
    expect((await putWarehouse(deps, { warehouseId, input, ...change() })).outcome).toBe('created');
    expect((await putWarehouse(deps, { warehouseId, input, ...change() })).outcome).toBe('unchanged');
    const sku = await world.product({ stock: { [warehouseId]: 5 } });
    const order = () =>
      placeOrder(world.placeDeps(), {
        customerId: customer(),
        request: world.request([{ sku, quantity: 1 }], { payment: { method: 'bank_transfer' } }),
        correlationId: 'c',
        idempotencyKey: ulid(),
      });

    expect((await order()).order.reservations).toEqual([{ sku, warehouseId, quantity: 1 }]);
    expect((await putWarehouse(deps, { warehouseId, input: { ...input, active: false }, ...change('flooded') })).outcome).toBe('updated');
    expect((await problem(order())).status).toBe(409);
    expect((await world.stock(sku))[warehouseId]).toMatchObject({ onHand: 5, reserved: 1 });
    await putWarehouse(deps, { warehouseId, input, ...change('reopened') });
    expect((await order()).order.reservations).toEqual([{ sku, warehouseId, quantity: 1 }]);

    expect(audited.filter((e) => e.resource.id === warehouseId).map((e) => [e.action, e.reason])).toEqual([
      ['warehouse.create', 'new site'],
      ['warehouse.update', 'flooded'],
      ['warehouse.update', 'reopened'],
    ]);
    // Paged in id order: every page at most `limit`, no warehouse twice, the cursor leads to the next.
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listWarehouses(deps, { limit: 2, ...(cursor ? { cursor } : {}) });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((w) => w.warehouseId));
      if (page.items.some((w) => w.warehouseId === warehouseId))
        expect(page.items.find((w) => w.warehouseId === warehouseId)).toMatchObject({ active: true, region: 'east', updatedBy: 'ops-1' });
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toContain(warehouseId);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort((a, b) => a.localeCompare(b))).toEqual(seen);
    await expect(listWarehouses(deps, { limit: 2, cursor: 'not-a-cursor!' })).rejects.toMatchObject({ status: 400 });
  });

  it('a warehouse opened while checkout has the warehouse list cached is used at once for stock only it holds', async () => {
    const cached = withCachedWarehouses(new CatalogReader(world.tables.catalog), 60_000);
    await cached.warehouses();
    const warehouseId = `WH-T-${ulid()}`;
    await putWarehouse(deps, { warehouseId, input: { name: '新仓', city: '宁波', region: 'east', active: true }, ...change() });
    const sku = await world.product({ stock: { [warehouseId]: 3 } });
    const placed = await placeOrder(world.placeDeps({ catalog: cached }), {
      customerId: customer(),
      request: world.request([{ sku, quantity: 1 }], { payment: { method: 'bank_transfer' } }),
      correlationId: 'c',
      idempotencyKey: ulid(),
    });
    expect(placed.order.reservations).toEqual([{ sku, warehouseId, quantity: 1 }]);
  });

  it('a region the store does not ship to is a 400 naming the field; nothing is written or audited', async () => {
    const warehouseId = `WH-T-${ulid()}`;
    const before = audited.length;
    const error = await problem(putWarehouse(deps, { warehouseId, input: { name: 'x', city: 'y', region: 'atlantis', active: true }, ...change() }));
    expect(error.status).toBe(400);
    expect(error.errors?.map((e) => e.path)).toEqual(['body.region']);
    expect(await world.catalogRepo.getWarehouse(warehouseId)).toBeUndefined();
    expect(audited.length).toBe(before);
  });
});
