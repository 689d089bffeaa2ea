/**
 * Use cases of the staff stock routes (ops): read a SKU's stock per warehouse
 * (`GET /admin/stock/{sku}`), record a cycle count (`PUT /admin/stock/{sku}/{warehouseId}`,
 * FUL-4), split a hot SKU's stock into buckets for a sale and merge them back after it. A count is
 * written together with its adjustment record (who, when, why, the difference) in one transaction, conditional on the stock not having changed since it was read (retried);
 * then it is audited (SEC-4) and `StockAdjusted` is published. Counting the quantity already on
 * hand changes nothing and records nothing (PUT is idempotent).
 */
import type { AuditLog } from '../../shared/audit.ts';
import type { Clock } from '../../shared/clock.ts';
import { conflict, notFound, ProblemError } from '../../shared/errors.ts';
import type { EventPublisher } from '../../shared/events.ts';
import { domainEvent } from '../../events/event-definition.ts';
import { StockAdjusted } from '../../events/stock-adjusted.ts';
import { retry } from '../../shared/retry.ts';
import { CatalogWriteConflict, type CatalogRepository } from './catalog-repository.ts';
import type { StockLevel } from './domain/product.ts';
import { planCount, planMerge, planSplit, toStockView, type StockLevelView } from './domain/stock.ts';

/** Every warehouse's stock of a SKU (warehouses without a stock item show zeros). */
export async function getStock(deps: { readonly catalog: CatalogRepository }, sku: string): Promise<{ sku: string; items: StockLevelView[] }> {
  const [product, levels, warehouses] = await Promise.all([deps.catalog.getProductRecord(sku), deps.catalog.getStockLevels(sku), deps.catalog.listWarehouses()]);
  if (!product) throw notFound(`There is no product ${sku}.`);
  const byWarehouse = new Map(levels.map((l) => [l.warehouseId, l]));
  const ids = [...new Set([...warehouses.map((w) => w.warehouseId), ...levels.map((l) => l.warehouseId)])].sort();
  return { sku, items: ids.map((warehouseId) => toStockView(byWarehouse.get(warehouseId) ?? { warehouseId, onHand: 0, reserved: 0 })) };
}

/** 404 unless both the product and the warehouse exist. */
async function requireProductAndWarehouse(catalog: CatalogRepository, command: { readonly sku: string; readonly warehouseId: string }): Promise<void> {
  const [product, warehouse] = await Promise.all([catalog.getProductRecord(command.sku), catalog.getWarehouse(command.warehouseId)]);
  if (!product) throw notFound(`There is no product ${command.sku}.`);
  if (!warehouse) throw notFound(`There is no warehouse ${command.warehouseId}.`);
}

/** The SKU's stock level in the warehouse now (a split stock's buckets included), if it has one. */
async function currentLevel(catalog: CatalogRepository, command: { readonly sku: string; readonly warehouseId: string }) {
  return (await catalog.getStockLevels(command.sku)).find((l) => l.warehouseId === command.warehouseId);
}

/** Records a staff member's change of a SKU's stock in a warehouse (SEC-4). */
function auditStock(
  audit: AuditLog,
  command: Pick<CountStockCommand, 'sku' | 'warehouseId' | 'reason' | 'actor' | 'roles' | 'correlationId'>,
  action: string,
  details: Record<string, number>,
) {
  return audit.record({
    actor: command.actor,
    roles: command.roles,
    action,
    resource: { type: 'stock', id: `${command.sku}/${command.warehouseId}` },
    reason: command.reason,
    details,
    correlationId: command.correlationId,
  });
}

/** Ports of {@link countStock}. */
export interface CountStockDeps {
  readonly catalog: CatalogRepository;
  readonly events: EventPublisher;
  readonly audit: AuditLog;
  readonly clock: Clock;
  readonly newId: () => string;
  readonly maxAttempts?: number;
}

/** A cycle count by a staff member. */
export interface CountStockCommand {
  readonly sku: string;
  readonly warehouseId: string;
  readonly onHand: number;
  readonly reason: string;
  readonly actor: string;
  readonly roles: readonly string[];
  readonly correlationId: string;
}

/** Records the count; returns the new level and what happened. */
export async function countStock(deps: CountStockDeps, command: CountStockCommand): Promise<{ level: StockLevelView; outcome: 'adjusted' | 'unchanged'; difference: number }> {
  // the level is read alongside the checks (one round trip); a retry after a conflict reads it again
  const [, firstLevel] = await Promise.all([requireProductAndWarehouse(deps.catalog, command), currentLevel(deps.catalog, command)]);
  const maxAttempts = deps.maxAttempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    const current = attempt === 1 ? firstLevel : await currentLevel(deps.catalog, command);
    const plan = planCount(current, command.onHand);
    if (plan.kind === 'unchanged') return { level: toStockView(plan.level), outcome: 'unchanged', difference: 0 };
    if (plan.kind === 'split') {
      throw new ProblemError('stock-split', 'Stock split into buckets', 409, {
        detail: `The stock of ${command.sku} in ${command.warehouseId} is split into buckets for a sale; it cannot be counted while split. Merge it back first (buckets: 1); a merge under way finishes once the orders holding units in its buckets are picked or released.`,
      });
    }
    if (plan.kind === 'below-reserved') {
      throw new ProblemError('count-below-reserved', 'Count below reserved stock', 409, {
        detail: `${plan.reserved} units of ${command.sku} in ${command.warehouseId} are reserved by placed orders; the count cannot be lower. Resolve those orders first.`,
      });
    }
    const at = deps.clock.now().toISOString();
    try {
      await deps.catalog.recordStockCount({
        adjustmentId: deps.newId(),
        sku: command.sku,
        warehouseId: command.warehouseId,
        onHand: plan.onHand,
        ...(plan.previousOnHand !== undefined ? { previousOnHand: plan.previousOnHand } : {}),
        reserved: plan.reserved,
        difference: plan.difference,
        reason: command.reason,
        countedBy: command.actor,
        at,
      });
    } catch (error) {
      if (!(error instanceof CatalogWriteConflict)) throw error;
      if (attempt >= maxAttempts) throw conflict(`The stock of ${command.sku} in ${command.warehouseId} is changing; retry the count.`);
      continue;
    }
    await auditStock(deps.audit, command, 'stock.count', { previousOnHand: plan.previousOnHand ?? 0, onHand: plan.onHand, difference: plan.difference, reserved: plan.reserved });
    await deps.events.publish([
      domainEvent(StockAdjusted, {
        sku: command.sku,
        warehouseId: command.warehouseId,
        previousOnHand: plan.previousOnHand ?? 0,
        onHand: plan.onHand,
        difference: plan.difference,
        reserved: plan.reserved,
        adjustedBy: command.actor,
        adjustedAt: at,
      }),
    ]);
    return { level: toStockView({ warehouseId: command.warehouseId, onHand: plan.onHand, reserved: plan.reserved }), outcome: 'adjusted', difference: plan.difference };
  }
}

/** A staff member's split of a hot SKU's stock into buckets. */
export interface SplitStockCommand {
  readonly sku: string;
  readonly warehouseId: string;
  readonly buckets: number;
  readonly reason: string;
  readonly actor: string;
  readonly roles: readonly string[];
  readonly correlationId: string;
}

/**
 * Splits a warehouse's stock of a SKU into buckets for a sale (see the stock contract): conditional
 * on the stock not having changed since it was read (retried), then audited. Asking again for the
 * same number of buckets changes nothing (PUT is idempotent).
 */
export async function splitStock(deps: Omit<CountStockDeps, 'events' | 'newId'>, command: SplitStockCommand): Promise<{ level: StockLevelView; outcome: 'split' | 'unchanged' }> {
  await requireProductAndWarehouse(deps.catalog, command);
  const maxAttempts = deps.maxAttempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    const current = await currentLevel(deps.catalog, command);
    const plan = planSplit(current, command.buckets);
    if (plan.kind === 'unchanged' && current) return { level: toStockView(current), outcome: 'unchanged' };
    if (plan.kind !== 'split' || !current)
      throw new ProblemError('stock-not-splittable', 'Stock cannot be split', 409, {
        detail: `${command.sku} in ${command.warehouseId}: ${plan.kind === 'refused' ? plan.why : 'no stock'}.`,
      });
    try {
      await deps.catalog.splitStock({
        sku: command.sku,
        warehouseId: command.warehouseId,
        available: plan.available,
        buckets: command.buckets,
        at: deps.clock.now().toISOString(),
      });
    } catch (error) {
      if (!(error instanceof CatalogWriteConflict)) throw error;
      if (attempt >= maxAttempts) throw conflict(`The stock of ${command.sku} in ${command.warehouseId} is changing; retry.`);
      continue;
    }
    await auditStock(deps.audit, command, 'stock.split', { buckets: command.buckets, units: plan.available });
    return { level: toStockView({ ...current, buckets: command.buckets }), outcome: 'split' };
  }
}

/** A staff member's merge of a split stock back into its warehouse's counter (`buckets: 1`). */
export type MergeStockCommand = Omit<SplitStockCommand, 'buckets'>;

/** What one merge step did: `draining` — buckets still hold units orders reserved in them. */
export type MergeStepOutcome =
  | {
      readonly outcome: 'merged' | 'draining';
      /** False when a draining stock had nothing to move or remove (nothing written). */
      readonly changed: boolean;
      readonly units: number;
      readonly buckets: number;
      readonly reserved: number;
      readonly level: StockLevel;
    }
  | { readonly outcome: 'unchanged'; readonly level: StockLevel };

/**
 * One step of merging a split stock back into its warehouse's counter (domain/stock.ts
 * `planMerge`; the stock contract's merge steps): the counter is marked draining (reservations and
 * picks then take from it), then each bucket's available units move to the counter and the buckets
 * no order holds a unit in are deleted, one bucket at a time, and once none is left the stock is one
 * counter again. A bucket that changed since it was read is left for the next step. Ops take the
 * first step (`buckets: 1`), the rebalancer the next ones every minute while the stock drains.
 * Throws {@link CatalogWriteConflict} when the counter changed before it could be marked.
 */
export async function mergeStep(
  catalog: Pick<CatalogRepository, 'getStockLevels' | 'getStockBuckets' | 'markStockDraining' | 'drainStockBucket' | 'completeStockMerge'>,
  stock: { readonly sku: string; readonly warehouseId: string },
  at: Date,
  /** Only continue a merge ops began (the rebalancer): a split stock not draining — split again for a new sale since it was listed — is left alone. */
  options: { readonly continueOnly?: boolean } = {},
): Promise<MergeStepOutcome> {
  const levelNow = async () => (await catalog.getStockLevels(stock.sku)).find((l) => l.warehouseId === stock.warehouseId);
  const current = await levelNow();
  const buckets = await catalog.getStockBuckets(stock.sku, stock.warehouseId);
  const plan = planMerge(current, buckets);
  if (plan.kind === 'unchanged' && current) return { outcome: 'unchanged', level: current };
  if (options.continueOnly && current && !current.draining) return { outcome: 'unchanged', level: current };
  if (plan.kind !== 'merge' || !current?.buckets) {
    throw new ProblemError('stock-not-splittable', 'Stock cannot be merged', 409, {
      detail: `${stock.sku} in ${stock.warehouseId}: ${plan.kind === 'refused' ? plan.why : 'no stock'}.`,
    });
  }
  const named = current.buckets;
  const when = at.toISOString();
  let changed = false;
  if (!current.draining) {
    await catalog.markStockDraining({ sku: stock.sku, warehouseId: stock.warehouseId, named, at: when });
    changed = true;
  }
  let units = 0;
  let removed = 0;
  let left = 0;
  // One bucket at a time: every drain also writes the counter, so drains side by side would conflict.
  for (const bucket of plan.buckets) {
    if (!bucket.remove && bucket.available === 0) left++;
    else if (await catalog.drainStockBucket({ sku: stock.sku, warehouseId: stock.warehouseId, named, bucket, at: when })) {
      changed = true;
      units += bucket.available;
      if (bucket.remove) removed++;
      else left++;
    } else left++; // changed since it was read: the next step
  }
  const completed = left === 0 && (await catalog.completeStockMerge({ sku: stock.sku, warehouseId: stock.warehouseId, named, at: when }));
  if (completed) changed = true;
  // Nothing left to drain but the completion refused: another step (ops, the rebalancer) may have completed it meanwhile.
  const after = changed || left === 0 ? ((await levelNow()) ?? current) : current;
  const merged = completed || (left === 0 && !after.buckets);
  return { outcome: merged ? 'merged' : 'draining', changed, units, buckets: removed, reserved: plan.reserved, level: after };
}

/**
 * Merges a split stock's buckets back into the warehouse's counter once a sale is over (see
 * {@link mergeStep}), retried on a conflict, then audited. `merged`: the stock is one counter again
 * and can be counted (FUL-4). `draining`: orders still hold units in some buckets (unpaid orders,
 * pre-sales awaiting their balance, group buys): new reservations take from the counter, and the
 * rebalancer finishes the merge as those units are picked or released. A stock that is not split
 * is unchanged.
 */
export async function mergeStock(
  deps: Omit<CountStockDeps, 'events' | 'newId'>,
  command: MergeStockCommand,
): Promise<{ level: StockLevelView; outcome: MergeStepOutcome['outcome']; reserved: number }> {
  await requireProductAndWarehouse(deps.catalog, command);
  // Only marking the counter draining can conflict (an order reserving from it meanwhile).
  const step = await retry(() => mergeStep(deps.catalog, command, deps.clock.now()), {
    attempts: deps.maxAttempts ?? 5,
    retryable: (error) => error instanceof CatalogWriteConflict,
    backoff: { baseMs: 20, maxMs: 200 },
    exhausted: () => conflict(`The stock of ${command.sku} in ${command.warehouseId} is changing; retry.`),
  });
  if (step.outcome === 'unchanged') return { level: toStockView(step.level), outcome: 'unchanged', reserved: 0 };
  if (step.changed) await auditStock(deps.audit, command, 'stock.merge', { bucketsRemoved: step.buckets, units: step.units, reservedInBuckets: step.reserved });
  return { level: toStockView(step.level), outcome: step.outcome, reserved: step.reserved };
}
