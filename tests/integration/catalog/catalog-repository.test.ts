import { beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import { ulid } from 'ulid';
import { CatalogWriteConflict, DynamoDbCatalogRepository } from '../../../functions/catalog/catalog-repository.ts';
import type { Product } from '../../../functions/catalog/domain/product.ts';
import { encodeCursor } from '../../../shared/dynamodb.ts';
import { ProblemError } from '../../../shared/errors.ts';
import { useLocalDynamoDb } from '../../support/local-dynamodb-env.ts';

let repo: DynamoDbCatalogRepository;
const at = new Date('2025-05-01T00:00:00Z');

const product = (sku: string, category = 'books', name = `Book ${sku}`): Product => ({
  sku,
  name,
  category,
  price: { amount: 4990, currency: 'CNY' },
  attributes: { weightGrams: 500, valueClass: 'low' },
  updatedAt: at.toISOString(),
  updatedBy: 'ops-1',
});

describe('catalog repository on DynamoDB Local', () => {
  beforeAll(() => {
    repo = new DynamoDbCatalogRepository(useLocalDynamoDb().tables.catalog);
  });

  it('creates and reads a product with its stock; available stock = Σ onHand − reserved', async () => {
    const sku = `T-${ulid()}`;
    expect(await repo.getProduct(sku)).toBeUndefined();
    expect(await repo.createProduct(product(sku))).toBe(1);
    await repo.createStockLevel(sku, { warehouseId: 'WH-EAST', onHand: 10, reserved: 4 }, at);
    await repo.createStockLevel(sku, { warehouseId: 'WH-NORTH', onHand: 3, reserved: 0 }, at);
    const found = await repo.getProduct(sku);
    expect(found?.product).toEqual(product(sku));
    expect(found?.stock).toEqual(
      expect.arrayContaining([
        { warehouseId: 'WH-EAST', onHand: 10, reserved: 4 },
        { warehouseId: 'WH-NORTH', onHand: 3, reserved: 0 },
      ]),
    );
    expect(await repo.getProductRecord(sku)).toEqual({ product: product(sku), version: 1 });
    // an existing stock level is never overwritten by a create
    expect(await repo.createStockLevel(sku, { warehouseId: 'WH-EAST', onHand: 999, reserved: 0 }, at)).toBe(false);
  });

  it('every write is conditional: create twice → conflict; update with a stale version → conflict', async () => {
    const sku = `T-${ulid()}`;
    await repo.createProduct(product(sku));
    await expect(repo.createProduct(product(sku, 'books', 'Other'))).rejects.toBeInstanceOf(CatalogWriteConflict);
    expect(await repo.updateProduct(product(sku, 'books', 'Second'), 1)).toBe(2);
    await expect(repo.updateProduct(product(sku, 'books', 'Stale'), 1)).rejects.toBeInstanceOf(CatalogWriteConflict);
    await expect(repo.updateProduct(product(`T-${ulid()}`), 0)).rejects.toBeInstanceOf(CatalogWriteConflict);
    expect((await repo.getProductRecord(sku))?.product.name).toBe('Second');
  });

  it('lists a category page by page in SKU order with an opaque cursor, no duplicates, no gaps', async () => {
    const category = `test-${ulid().toLowerCase()}`;
    const skus = Array.from({ length: 7 }, (_, i) => `T-${ulid()}-${i}`).sort();
    await Promise.all(skus.map((sku) => repo.createProduct(product(sku, category))));
    // noise in another category
    await repo.createProduct(product(`T-${ulid()}`, `other-${ulid().toLowerCase()}`));
    const seen: string[] = [];
    const sizes: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await repo.listProducts({ limit: 3, cursor, category });
      sizes.push(page.items.length);
      seen.push(...page.items.map((i) => i.product.sku));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(skus);
    expect(sizes).toEqual([3, 3, 1]);
  });

  it('an exact multiple of the page size ends without an empty extra page', async () => {
    const category = `test-${ulid().toLowerCase()}`;
    await Promise.all(Array.from({ length: 4 }, (_, i) => repo.createProduct(product(`T-${ulid()}-${i}`, category))));
    const first = await repo.listProducts({ limit: 2, category });
    const second = await repo.listProducts({ limit: 2, category, cursor: first.nextCursor });
    expect(second.items).toHaveLength(2);
    expect(second.nextCursor).toBeUndefined();
  });

  it('lists without a category too, with stock', async () => {
    const sku = `T-${ulid()}`;
    await repo.createProduct(product(sku));
    await repo.createStockLevel(sku, { warehouseId: 'WH-SOUTH', onHand: 5, reserved: 1 }, at);
    const page = await repo.listProducts({ limit: 2 });
    expect(page.items.length).toBeLessThanOrEqual(2);
    expect(page.nextCursor).toBeTruthy();
    // walk until our product shows up
    let cursor: string | undefined;
    let mine;
    do {
      const next = await repo.listProducts({ limit: 100, cursor });
      mine ??= next.items.find((i) => i.product.sku === sku);
      cursor = next.nextCursor;
    } while (cursor && !mine);
    expect(mine?.stock).toEqual([{ warehouseId: 'WH-SOUTH', onHand: 5, reserved: 1 }]);
  });

  it('SEC-5: a forged cursor is a 400 problem, not a DynamoDB error', async () => {
    for (const cursor of ['garbage', encodeCursor({ pk: 'ORDER#1', sk: 'ORDER' }), encodeCursor({ pk: 'PRODUCT#ABC', sk: 'PRODUCT', gsi1pk: 'WAREHOUSE', gsi1sk: 'ABC' })]) {
      const error = await repo.listProducts({ limit: 5, cursor }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProblemError);
      expect((error as ProblemError).status).toBe(400);
    }
  });
});
