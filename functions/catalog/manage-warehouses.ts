/**
 * Use cases: ops run the warehouse list without a deploy (`PUT /admin/warehouses/{warehouseId}`,
 * `GET /admin/warehouses`; FUL-1). A warehouse is created (201) or replaced (200) whole: name,
 * city, the shipping region it serves (one of the store's regions) and whether it is active. New
 * orders reserve only from active warehouses; switching one off leaves its stock and the orders
 * already reserved there to be shipped as usual. Every change is audited before it is written
 * (SEC-4); the same definition again changes nothing.
 */
import type { AuditLog } from '../../shared/audit.ts';
import { lazily } from '../../shared/lazily.ts';
import type { Clock } from '../../shared/clock.ts';
import * as z from '../../shared/zod.ts';
import { decodeCursor, encodeCursor } from '../../shared/dynamodb.ts';
import { invalidFields } from '../../shared/errors.ts';
import type { CatalogRepository, Warehouse } from './catalog-repository.ts';

/** Ports and settings. */
export interface ManageWarehousesDeps {
  readonly catalog: Pick<CatalogRepository, 'getWarehouse' | 'putWarehouse' | 'listWarehouses'>;
  readonly audit: AuditLog;
  readonly clock: Clock;
  /** The store's shipping regions (catalog settings). */
  readonly regions: readonly string[];
}

/** What ops send. */
export interface WarehouseInput {
  readonly name: string;
  readonly city: string;
  readonly region: string;
  readonly active: boolean;
}

/** Creates or replaces a warehouse. */
export async function putWarehouse(
  deps: ManageWarehousesDeps,
  command: { warehouseId: string; input: WarehouseInput; changedBy: string; roles: readonly string[]; reason: string; correlationId: string },
): Promise<{ warehouse: Warehouse; outcome: 'created' | 'updated' | 'unchanged' }> {
  const { input } = command;
  if (!deps.regions.includes(input.region)) throw invalidFields([{ path: 'body.region', message: `Must be one of: ${deps.regions.join(', ')}` }]);
  const existing = await deps.catalog.getWarehouse(command.warehouseId);
  const same = existing && existing.name === input.name && existing.city === input.city && existing.region === input.region && (existing.active !== false) === input.active;
  if (existing && same) return { warehouse: existing, outcome: 'unchanged' };
  await deps.audit.record({
    actor: command.changedBy,
    roles: command.roles,
    action: existing ? 'warehouse.update' : 'warehouse.create',
    resource: { type: 'warehouse', id: command.warehouseId },
    reason: command.reason,
    details: { region: input.region, active: input.active, ...(existing ? { wasActive: existing.active !== false, previousRegion: existing.region } : {}) },
    correlationId: command.correlationId,
  });
  const warehouse: Warehouse = { warehouseId: command.warehouseId, ...input, updatedBy: command.changedBy, updatedAt: deps.clock.now().toISOString() };
  await deps.catalog.putWarehouse(warehouse);
  return { warehouse, outcome: existing ? 'updated' : 'created' };
}

const WarehouseCursor = /* @__PURE__ */ lazily(() => z.strictObject({ after: z.string().check(z.minLength(1), z.maxLength(64)) }));

/** A page of warehouses, active or not, in id order (`limit`, and the `cursor` of the previous page). */
export async function listWarehouses(deps: Pick<ManageWarehousesDeps, 'catalog'>, page: { limit: number; cursor?: string }): Promise<{ items: Warehouse[]; nextCursor?: string }> {
  const after = decodeCursor(page.cursor, WarehouseCursor())?.after;
  const all = (await deps.catalog.listWarehouses()).sort((a, b) => a.warehouseId.localeCompare(b.warehouseId));
  const rest = after === undefined ? all : all.filter((w) => w.warehouseId.localeCompare(after) > 0);
  const items = rest.slice(0, page.limit);
  return { items, ...(rest.length > page.limit ? { nextCursor: encodeCursor({ after: (items.at(-1) as Warehouse).warehouseId }) } : {}) };
}
