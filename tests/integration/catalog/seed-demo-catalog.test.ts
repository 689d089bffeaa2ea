import { beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import { DynamoDbCatalogRepository } from '../../../functions/catalog/catalog-repository.ts';
import { DEMO_PRODUCTS, DEMO_SEED_USER, DEMO_WAREHOUSES, seedDemoCatalog, type DemoCatalogDeps } from '../../../functions/catalog/demo-catalog.ts';
import type { DomainEvent } from '../../../events/event-definition.ts';
import { DynamoDbAuditLog } from '../../../shared/audit.ts';
import { systemClock } from '../../../shared/clock.ts';
import { newId } from '../../../shared/ids.ts';
import { useLocalDynamoDb } from '../../support/local-dynamodb-env.ts';

let repo: DynamoDbCatalogRepository;
let audit: DynamoDbAuditLog;
let deps: DemoCatalogDeps;
const published: DomainEvent[] = [];

describe('demo catalog seed (through the staff use cases)', () => {
  beforeAll(() => {
    const { tables } = useLocalDynamoDb();
    repo = new DynamoDbCatalogRepository(tables.catalog);
    audit = new DynamoDbAuditLog(tables.audit);
    deps = {
      catalog: repo,
      audit,
      events: { publish: async (events) => void published.push(...events) },
      clock: systemClock,
      newId: () => newId(),
      regions: ['east', 'central', 'north', 'south', 'northeast', 'west', 'northwest'],
      currency: 'CNY',
    };
  });

  it('seeds products, warehouses and stock once; a second call does nothing', async () => {
    const first = await seedDemoCatalog(deps);
    // The demo warehouses are shared by other tests on the same DynamoDB Local, which may have created them first.
    const stocked = DEMO_PRODUCTS.flatMap((p) => Object.values(p.stock).filter((n) => n > 0)).length;
    expect(first).toMatchObject({ seeded: true, productsCreated: DEMO_PRODUCTS.length, stockLevelsCreated: stocked });
    // The same path as staff changes: audited as the seeder, announced on the bus.
    expect(published.filter((e) => e.definition.name === 'ProductChanged')).toHaveLength(DEMO_PRODUCTS.length);
    expect(published.filter((e) => e.definition.name === 'StockAdjusted')).toHaveLength(stocked);
    expect(await audit.forResource('stock', 'FRESH-LYCHEE-1KG/WH-EAST')).toEqual([expect.objectContaining({ actor: DEMO_SEED_USER, action: 'stock.count' })]);
    expect(first.warehousesCreated).toBeLessThanOrEqual(DEMO_WAREHOUSES.length);
    expect((await repo.listWarehouses()).map((w) => w.warehouseId)).toEqual(expect.arrayContaining(DEMO_WAREHOUSES.map((w) => w.warehouseId)));
    const lychee = await repo.getProduct('FRESH-LYCHEE-1KG');
    expect(lychee?.product.price).toEqual({ amount: 5990, currency: 'CNY' });
    const lycheeStock = DEMO_PRODUCTS.find((p) => p.sku === 'FRESH-LYCHEE-1KG')!.stock;
    expect(lychee?.stock.map((l) => l.warehouseId).sort()).toEqual(
      Object.keys(lycheeStock)
        .filter((w) => (lycheeStock[w] ?? 0) > 0)
        .sort(),
    );

    // staff edit a product; a second seed neither re-creates nor overwrites anything
    const record = await repo.getProductRecord('BOOK-HONGLOUMENG');
    await repo.updateProduct({ ...record!.product, name: 'Edited by staff' }, record!.version);
    const second = await seedDemoCatalog(deps);
    expect(second).toEqual({ seeded: false, productsCreated: 0, stockLevelsCreated: 0, warehousesCreated: 0 });
    expect((await repo.getProductRecord('BOOK-HONGLOUMENG'))?.product.name).toBe('Edited by staff');
  });
});
