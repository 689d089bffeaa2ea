import { beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import { DynamoDbCatalogRepository } from '../../../functions/catalog/catalog-repository.ts';
import { DEMO_PRODUCTS, DEMO_WAREHOUSES, seedDemoCatalog } from '../../../functions/catalog/demo-catalog.ts';
import { useLocalDynamoDb } from '../../support/local-dynamodb-env.ts';

let repo: DynamoDbCatalogRepository;

describe('demo catalog seed', () => {
  beforeAll(() => {
    repo = new DynamoDbCatalogRepository(useLocalDynamoDb().tables.catalog);
  });

  it('seeds products, warehouses and stock once; a second call does nothing', async () => {
    const first = await seedDemoCatalog(repo);
    // The demo warehouses are shared by other tests on the same DynamoDB Local, which may have created them first.
    expect(first).toMatchObject({ seeded: true, productsCreated: DEMO_PRODUCTS.length, stockLevelsCreated: DEMO_PRODUCTS.length * DEMO_WAREHOUSES.length });
    expect(first.warehousesCreated).toBeLessThanOrEqual(DEMO_WAREHOUSES.length);
    expect((await repo.listWarehouses()).map((w) => w.warehouseId)).toEqual(expect.arrayContaining(DEMO_WAREHOUSES.map((w) => w.warehouseId)));
    const lychee = await repo.getProduct('FRESH-LYCHEE-1KG');
    expect(lychee?.product.price).toEqual({ amount: 5990, currency: 'CNY' });
    expect(lychee?.stock).toHaveLength(3);

    // staff edit a product; a second seed neither re-creates nor overwrites anything
    const record = await repo.getProductRecord('BOOK-HONGLOUMENG');
    await repo.updateProduct({ ...record!.product, name: 'Edited by staff' }, record!.version);
    const second = await seedDemoCatalog(repo);
    expect(second).toEqual({ seeded: false, productsCreated: 0, stockLevelsCreated: 0, warehousesCreated: 0 });
    expect((await repo.getProductRecord('BOOK-HONGLOUMENG'))?.product.name).toBe('Edited by staff');
  });
});
