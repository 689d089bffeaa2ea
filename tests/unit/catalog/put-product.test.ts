import { describe, expect, it } from 'vitest';
import { CatalogWriteConflict, type CatalogRepository, type ProductRecord } from '../../../functions/catalog/catalog-repository.ts';
import type { Product, ProductInput } from '../../../functions/catalog/domain/product.ts';
import { putProduct } from '../../../functions/catalog/put-product.ts';
import type { DomainEvent } from '../../../events/event-definition.ts';
import type { AuditEvent, AuditLog } from '../../../shared/audit.ts';
import { ProblemError } from '../../../shared/errors.ts';
import type { EventPublisher } from '../../../shared/events.ts';

/** Just enough of a catalog repository for the use case: products with versions. */
function memoryCatalog(options: { conflictsBeforeSuccess?: number } = {}) {
  const products = new Map<string, ProductRecord>();
  let conflicts = options.conflictsBeforeSuccess ?? 0;
  const writes: string[] = [];
  const repo: Pick<CatalogRepository, 'getProductRecord' | 'createProduct' | 'updateProduct'> = {
    getProductRecord: async (sku) => products.get(sku),
    createProduct: async (product: Product) => {
      if (conflicts-- > 0 || products.has(product.sku)) throw new CatalogWriteConflict('exists');
      products.set(product.sku, { product, version: 1 });
      writes.push(`create ${product.sku}`);
      return 1;
    },
    updateProduct: async (product: Product, expected: number) => {
      const current = products.get(product.sku);
      if (conflicts-- > 0 || !current || current.version !== expected) throw new CatalogWriteConflict('changed');
      products.set(product.sku, { product, version: expected + 1 });
      writes.push(`update ${product.sku}`);
      return expected + 1;
    },
  };
  return { repo: repo as CatalogRepository, products, writes };
}

function recordingPublisher() {
  const published: DomainEvent[] = [];
  const publisher: EventPublisher = { publish: async (events) => void published.push(...events) };
  return { publisher, published };
}

const input: ProductInput = { name: 'Tea', category: 'groceries', price: { amount: 100, currency: 'CNY' }, attributes: { weightGrams: 100, valueClass: 'low' } };
const clock = { now: () => new Date('2025-03-01T00:00:00Z') };

/** An audit log that remembers what was recorded. */
function recordingAudit() {
  const recorded: AuditEvent[] = [];
  const audit: AuditLog = {
    record: async (event) => {
      recorded.push(event);
      return { ...event, seq: recorded.length, at: clock.now().toISOString(), prevHash: '0', hash: '1' };
    },
  };
  return { audit, recorded };
}

describe('putProduct use case', () => {
  it('creates, then updates, publishing ProductChanged with ids only', async () => {
    const { repo, writes } = memoryCatalog();
    const { publisher, published } = recordingPublisher();
    const deps = { catalog: repo, events: publisher, audit: recordingAudit().audit, clock, currency: 'CNY' };
    const created = await putProduct(deps, { sku: 'TEA-1', input, changedBy: 'ops-1' });
    expect(created.outcome).toBe('created');
    expect(created.product).toMatchObject({ sku: 'TEA-1', updatedBy: 'ops-1', updatedAt: '2025-03-01T00:00:00.000Z' });
    const updated = await putProduct(deps, { sku: 'TEA-1', input: { ...input, name: 'Green tea' }, changedBy: 'ops-2' });
    expect(updated.outcome).toBe('updated');
    expect(writes).toEqual(['create TEA-1', 'update TEA-1']);
    expect(published.map((e) => [e.definition.name, e.payload])).toEqual([
      ['ProductChanged', { sku: 'TEA-1', changedBy: 'ops-1', changeKind: 'created' }],
      ['ProductChanged', { sku: 'TEA-1', changedBy: 'ops-2', changeKind: 'updated' }],
    ]);
  });

  it('the same listing again writes nothing (PUT is idempotent) but re-publishes', async () => {
    const { repo, writes } = memoryCatalog();
    const { publisher, published } = recordingPublisher();
    const deps = { catalog: repo, events: publisher, audit: recordingAudit().audit, clock, currency: 'CNY' };
    await putProduct(deps, { sku: 'TEA-1', input, changedBy: 'ops-1' });
    const again = await putProduct(deps, { sku: 'TEA-1', input, changedBy: 'ops-1' });
    expect(again.outcome).toBe('unchanged');
    expect(writes).toEqual(['create TEA-1']);
    expect(published).toHaveLength(2);
  });

  it('retries a lost conditional write from a fresh read', async () => {
    const { repo, writes } = memoryCatalog({ conflictsBeforeSuccess: 2 });
    const { publisher } = recordingPublisher();
    const result = await putProduct({ catalog: repo, events: publisher, audit: recordingAudit().audit, clock, currency: 'CNY' }, { sku: 'TEA-1', input, changedBy: 'ops-1' });
    expect(result.outcome).toBe('created');
    expect(writes).toEqual(['create TEA-1']);
  });

  it('gives up with 409 after repeated conflicts, publishing nothing', async () => {
    const { repo } = memoryCatalog({ conflictsBeforeSuccess: 10 });
    const { publisher, published } = recordingPublisher();
    const error = await putProduct({ catalog: repo, events: publisher, audit: recordingAudit().audit, clock, currency: 'CNY' }, { sku: 'TEA-1', input, changedBy: 'ops-1' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ProblemError);
    expect((error as ProblemError).status).toBe(409);
    expect(published).toHaveLength(0);
  });

  it('SEC-5 / ORD-2: a price in another currency is a 400 and changes nothing', async () => {
    const { repo, writes } = memoryCatalog();
    const { publisher, published } = recordingPublisher();
    const error = await putProduct(
      { catalog: repo, events: publisher, audit: recordingAudit().audit, clock, currency: 'CNY' },
      { sku: 'TEA-1', input: { ...input, price: { amount: 100, currency: 'USD' } }, changedBy: 'ops-1' },
    ).catch((e: unknown) => e);
    expect((error as ProblemError).status).toBe(400);
    expect((error as ProblemError).errors?.[0]?.path).toBe('body.price.currency');
    expect(writes).toEqual([]);
    expect(published).toEqual([]);
  });

  it('SEC-4: creates and updates are audited with who, what and why; an unchanged listing is not', async () => {
    const { repo } = memoryCatalog();
    const { publisher } = recordingPublisher();
    const { audit, recorded } = recordingAudit();
    const deps = { catalog: repo, events: publisher, audit, clock, currency: 'CNY' };
    await putProduct(deps, { sku: 'TEA-1', input, changedBy: 'ops-1', roles: ['ops'], reason: 'new listing' });
    await putProduct(deps, { sku: 'TEA-1', input: { ...input, name: 'Green tea' }, changedBy: 'ops-2', roles: ['ops'] });
    await putProduct(deps, { sku: 'TEA-1', input: { ...input, name: 'Green tea' }, changedBy: 'ops-2', roles: ['ops'] });
    expect(recorded.map((e) => [e.actor, e.action, e.resource.id, e.reason])).toEqual([
      ['ops-1', 'product.create', 'TEA-1', 'new listing'],
      ['ops-2', 'product.update', 'TEA-1', 'not given'],
    ]);
  });
});
