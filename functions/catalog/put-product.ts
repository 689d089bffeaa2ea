/**
 * Use case: staff create or update a product listing (`PUT /admin/products/{sku}`).
 *
 * PUT is idempotent by nature: sending the same listing again changes nothing (no write). Every
 * write is conditional (create only if absent; update only if the version read is still current),
 * and a lost race is retried from a fresh read. After the write, `ProductChanged` is published —
 * also for an unchanged listing, so a client retrying after a failed publish still gets the event
 * out (consumers are idempotent). Every create and update is audited (SEC-4: who, what, when, why
 * — the optional `reason` of the request).
 */
import type { AuditLog } from '../../shared/audit.ts';
import type { Clock } from '../../shared/clock.ts';
import { conflict, invalidFields } from '../../shared/errors.ts';
import type { EventPublisher } from '../../shared/events.ts';
import { domainEvent } from '../../events/event-definition.ts';
import { ProductChanged } from '../../events/product-changed.ts';
import { CatalogWriteConflict, type CatalogRepository } from './catalog-repository.ts';
import { applyProductInput, listingOf, sameListing, type Product, type ProductInput } from './domain/product.ts';

/** Ports and settings of {@link putProduct}. */
export interface PutProductDeps {
  readonly catalog: CatalogRepository;
  readonly events: EventPublisher;
  readonly audit: AuditLog;
  readonly clock: Clock;
  /** The store currency (config); prices in another currency are refused. */
  readonly currency: string;
  /** Attempts against concurrent writers before giving up with 409. Default 3. */
  readonly maxAttempts?: number;
}

/** What to write. */
export interface PutProductCommand {
  readonly sku: string;
  readonly input: ProductInput;
  /** The staff user id making the change. */
  readonly changedBy: string;
  /** The staff member's roles (audit). */
  readonly roles?: readonly string[];
  /** Why (audit). */
  readonly reason?: string;
  readonly correlationId?: string;
}

/** What happened. */
export interface PutProductResult {
  readonly product: Product;
  readonly outcome: 'created' | 'updated' | 'unchanged';
}

/** Creates or updates a product with a conditional write and publishes `ProductChanged`. */
export async function putProduct(deps: PutProductDeps, command: PutProductCommand): Promise<PutProductResult> {
  if (command.input.price.currency !== deps.currency) {
    throw invalidFields([{ path: 'body.price.currency', message: `Prices are in ${deps.currency}` }]);
  }
  const maxAttempts = deps.maxAttempts ?? 3;
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await writeOnce(deps, command);
      if (result.outcome !== 'unchanged') {
        await deps.audit.record({
          actor: command.changedBy,
          roles: command.roles ?? [],
          action: result.outcome === 'created' ? 'product.create' : 'product.update',
          resource: { type: 'product', id: command.sku },
          reason: command.reason ?? 'not given',
          details: { price: result.product.price.amount, category: result.product.category },
          ...(command.correlationId ? { correlationId: command.correlationId } : {}),
        });
      }
      await deps.events.publish([
        domainEvent(ProductChanged, {
          sku: command.sku,
          changedBy: command.changedBy,
          changeKind: result.outcome === 'created' ? 'created' : 'updated',
        }),
      ]);
      return result;
    } catch (error) {
      if (!(error instanceof CatalogWriteConflict)) throw error;
      if (attempt >= maxAttempts) throw conflict(`Product ${command.sku} is being changed by someone else; retry.`);
    }
  }
}

async function writeOnce(deps: PutProductDeps, command: PutProductCommand): Promise<PutProductResult> {
  const existing = await deps.catalog.getProductRecord(command.sku);
  if (existing && sameListing(listingOf(existing.product), command.input)) {
    return { product: existing.product, outcome: 'unchanged' };
  }
  const product = applyProductInput(command.sku, command.input, command.changedBy, deps.clock.now());
  if (!existing) {
    await deps.catalog.createProduct(product);
    return { product, outcome: 'created' };
  }
  await deps.catalog.updateProduct(product, existing.version);
  return { product, outcome: 'updated' };
}
