/**
 * Use cases (FUL-4, FUL-5): demand history, safety-stock checks and replenishment suggestions.
 *
 * - {@link recordDemand} (OrderPlaced): adds the order's units to each SKU's sales of that day,
 *   once per order (marker), and puts the SKUs on the safety-stock list — only those not already
 *   on it as far as the container knows ({@link ListedSkus}): nothing removes a SKU from the list,
 *   so a SKU it has put there once stays, and writing its entry again on every order would cost a
 *   transactional write each and load the list's one partition with every order of the shop.
 * - {@link checkReplenishment}: safety stock from the last `windowDays` of sales
 *   (domain/safety-stock.ts), available stock summed over warehouses (catalog reader), and the
 *   open-suggestion flag: a stock change emits `ReplenishmentSuggested` (trigger `stock-change`)
 *   only on a new crossing — the flag is set conditionally in the same transaction as the
 *   suggestion's marker and outbox, so concurrent orders emit one suggestion, not one each. A check
 *   that finds the SKU back at or above its safety stock clears the flag.
 * - {@link sweepReplenishment} (daily): every SKU on the list; one `daily-sweep` suggestion per SKU
 *   per day while it is below.
 * - Degraded mode (FUL-5): the per-event checks (which read stock from the catalog on every order)
 *   are skipped while it is on; demand is still recorded, and the daily sweep — which checks every
 *   SKU — catches up.
 *
 * A SKU's safety level comes from weeks of sales, of which only today's still changes, while a busy
 * SKU is checked on every order. So the per-event checks remember the window's earlier days per
 * container for `SAFETY_LEVEL_CACHE_SECONDS` ({@link SafetyViews}) and read, for each check, only
 * what can change: today's sales and the suggestion flag (one BatchGetItem) and the available stock
 * — two calls instead of three (a Query of the window, a GetItem, a Query). The level and flag used
 * are exact; only a sale recorded late for an earlier day reaches the level when the memory ages
 * out. The daily sweep reads everything afresh.
 */
import { systemClock, type Clock } from '../../shared/clock.ts';
import { newId } from '../../shared/ids.ts';
import { ReplenishmentSuggested } from '../../events/fulfillment-events.ts';
import { setNewest } from '../../shared/cache.ts';
import { retry } from '../../shared/retry.ts';
import type { CatalogReader } from '../catalog/stock-contract.ts';
import { dailySeries, dayOf, isBelowSafety, replenishmentAction, safetyLevel, suggestedQuantity, windowDays, type SafetyStockPolicy } from './domain/safety-stock.ts';
import { MarkerExists, MAX_TRANSACTION_ITEMS, WriteConflict, type FulfillmentRepository } from './fulfillment-repository.ts';
import { flushMarker, outboxEvent, type OutboxDeps } from './outbox.ts';

export interface ReplenishmentDeps extends OutboxDeps {
  readonly repository: FulfillmentRepository;
  readonly catalog: Pick<CatalogReader, 'entries'>;
  readonly clock: Clock;
  readonly policy: SafetyStockPolicy;
  /** The per-event checks' memory of each SKU's earlier sales (absent: read every time). */
  readonly views?: SafetyViews;
}

/** What a per-event check remembers of a SKU: its sales on the window's days before `day`. */
interface SafetyView {
  readonly earlier: ReadonlyMap<string, number>;
  /** The day the view was read on: its "earlier days" hold only while it is still today. */
  readonly day: string;
  readonly at: number;
}

/** Per-container memory of SKUs' earlier sales (see the module documentation); bounded, oldest dropped first. */
export class SafetyViews {
  private readonly views = new Map<string, SafetyView>();

  constructor(
    private readonly maxAgeMs: number,
    private readonly maxEntries = 1_000,
  ) {}

  /** The view of `sku` if read on `day` and younger than the cache age at `now`. */
  get(sku: string, day: string, now: number): SafetyView | undefined {
    const view = this.views.get(sku);
    return view && view.day === day && now - view.at < this.maxAgeMs ? view : undefined;
  }

  /** Remembers `sku`'s sales before `day`, as read at `at`. */
  set(sku: string, sales: ReadonlyMap<string, number>, day: string, at: number): void {
    if (this.maxAgeMs <= 0) return;
    const earlier = new Map([...sales].filter(([d]) => d !== day));
    setNewest(this.views, sku, { earlier, day, at }, this.maxEntries);
  }
}

/**
 * Per-container memory of the SKUs known to be on the safety-stock list (see the module
 * documentation): a SKU whose demand transaction put it there, or found it there. Bounded, oldest
 * dropped first; an entry is trusted for `maxAgeMs` (an hour by default), after which the next
 * order writes the entry again (harmless: the write only creates what is missing).
 */
export class ListedSkus {
  private readonly listed = new Map<string, number>();

  constructor(
    private readonly maxAgeMs = 3_600_000,
    private readonly maxEntries = 10_000,
  ) {}

  has(sku: string, now: number): boolean {
    const at = this.listed.get(sku);
    return at !== undefined && now - at < this.maxAgeMs;
  }

  add(sku: string, now: number): void {
    setNewest(this.listed, sku, now, this.maxEntries);
  }
}

/** SKUs per demand transaction (2 items each + the marker ≤ 100). */
const SKUS_PER_TRANSACTION = 49;

/** Records an order's demand once. `false` for a replay. */
export async function recordDemand(
  deps: Pick<ReplenishmentDeps, 'repository'> & { readonly clock?: Clock; readonly listed?: ListedSkus; readonly sleep?: (ms: number) => Promise<void> },
  order: { orderId: string; placedAt: string; lines: ReadonlyArray<{ sku: string; quantity: number }>; correlationId: string },
): Promise<boolean> {
  const units = new Map<string, number>();
  for (const l of order.lines) units.set(l.sku, (units.get(l.sku) ?? 0) + l.quantity);
  const now = () => (deps.clock ?? systemClock).now().getTime();
  const lines = [...units].map(([sku, quantity]) => ({ sku, quantity, listed: deps.listed?.has(sku, now()) ?? false }));
  let recorded = false;
  const day = dayOf(new Date(order.placedAt));
  for (let i = 0; i < lines.length; i += SKUS_PER_TRANSACTION) {
    const chunk = i / SKUS_PER_TRANSACTION;
    const chunkLines = lines.slice(i, i + SKUS_PER_TRANSACTION);
    try {
      // A busy SKU's day of sales is one item: another container's order can win it meanwhile (a transaction conflict; retried here rather than by a redelivery a visibility timeout later).
      await retry(
        () =>
          deps.repository.recordDemand(
            { kind: 'DEMAND', key: chunk === 0 ? order.orderId : `${order.orderId}#${chunk}`, correlationId: order.correlationId, createdAt: order.placedAt, events: [] },
            day,
            chunkLines,
          ),
        { attempts: 5, retryable: (error) => error instanceof WriteConflict, backoff: { baseMs: 20, maxMs: 500 }, ...(deps.sleep ? { sleep: deps.sleep } : {}) },
      );
      recorded = true;
    } catch (error) {
      if (!(error instanceof MarkerExists)) throw error;
    }
    // Committed now or before (a replay's marker): either way its SKUs are on the list.
    for (const line of chunkLines) deps.listed?.add(line.sku, now());
  }
  return recorded;
}

/** Orders whose demand one batched transaction records at most (each a marker, with their SKUs' days of sales and list entries well within 100 items). */
export const ORDERS_PER_DEMAND_COMMIT = 20;

/** An order whose demand a batch records. */
export interface OrderDemand {
  readonly orderId: string;
  readonly placedAt: string;
  readonly lines: ReadonlyArray<{ sku: string; quantity: number }>;
  readonly correlationId: string;
}

/**
 * Records the demand of a batch of orders, {@link ORDERS_PER_DEMAND_COMMIT} to a transaction: their
 * markers and each SKU's day of sales once, with the batch's units summed — a SKU's day of sales
 * takes one write per batch rather than one per order, which a sale of one SKU needs (one DynamoDB
 * item takes ≈ 500 transactional writes a second). What it records is what {@link recordDemand}
 * would, order by order. When a batch's transaction is refused (an order recorded before: a
 * redelivery) or fails, nothing of it was written, and its orders are recorded one by one, where
 * each succeeds or fails alone. An order twice in the batch is recorded once. Answers, per order,
 * whether it was recorded now (`false`: before, or by its copy in this batch) or the error it failed with.
 */
export async function recordDemands(
  deps: Pick<ReplenishmentDeps, 'repository'> & { readonly clock?: Clock; readonly listed?: ListedSkus; readonly sleep?: (ms: number) => Promise<void> },
  orders: readonly OrderDemand[],
): Promise<Array<boolean | Error>> {
  const results: Array<boolean | Error | undefined> = orders.map(() => undefined);
  const now = () => (deps.clock ?? systemClock).now().getTime();
  const seen = new Set<string>();
  const batched: number[] = [];
  orders.forEach((order, i) => {
    if (seen.has(order.orderId)) results[i] = false;
    else {
      seen.add(order.orderId);
      // An order of many SKUs is split over several transactions of its own (recordDemand).
      if (new Set(order.lines.map((l) => l.sku)).size <= SKUS_PER_TRANSACTION) batched.push(i);
    }
  });
  const oneByOne = async (indexes: readonly number[]) => {
    for (const i of indexes) results[i] = await recordDemand(deps, orders[i] as OrderDemand).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
  };
  for (let start = 0; start < batched.length; start += ORDERS_PER_DEMAND_COMMIT) {
    const chunk = batched.slice(start, start + ORDERS_PER_DEMAND_COMMIT);
    const demand = chunk.map((i) => orders[i] as OrderDemand);
    const skus = [...new Set(demand.flatMap((o) => o.lines.map((l) => l.sku)))];
    const sales = demand.flatMap((o) => o.lines.map((l) => ({ sku: l.sku, day: dayOf(new Date(o.placedAt)), quantity: l.quantity })));
    const listing = skus.filter((sku) => !(deps.listed?.has(sku, now()) ?? false));
    const days = new Set(sales.map((l) => `${l.sku}\n${l.day}`));
    if (chunk.length < 2 || chunk.length + days.size + listing.length > MAX_TRANSACTION_ITEMS) {
      await oneByOne(chunk);
      continue;
    }
    try {
      await retry(
        () =>
          deps.repository.recordDemands(
            demand.map((o) => ({ kind: 'DEMAND', key: o.orderId, correlationId: o.correlationId, createdAt: o.placedAt, events: [] })),
            sales,
            listing,
          ),
        { attempts: 5, retryable: (error) => error instanceof WriteConflict, backoff: { baseMs: 20, maxMs: 500 }, ...(deps.sleep ? { sleep: deps.sleep } : {}) },
      );
      for (const i of chunk) results[i] = true;
      for (const sku of skus) deps.listed?.add(sku, now());
    } catch {
      await oneByOne(chunk);
    }
  }
  for (const i of orders.keys()) if (results[i] === undefined) await oneByOne([i]);
  return results as Array<boolean | Error>;
}

/** What changes a SKU's stock level for the safety check: an order placed (its demand) or a cycle count of a SKU. */
export type StockChange = { readonly kind: 'placed'; readonly order: OrderDemand } | { readonly kind: 'adjusted'; readonly sku: string; readonly correlationId: string };

/** A batch's outcome: per change, the error it failed with (undefined: done) and, for an order, whether its demand was recorded now; per SKU checked, the check's outcome. */
export interface StockLevelsOutcome {
  readonly failures: ReadonlyArray<Error | undefined>;
  readonly recorded: ReadonlyArray<boolean | undefined>;
  readonly checks: Readonly<Record<string, CheckOutcome | 'deferred'>>;
}

/**
 * A batch of stock changes (FUL-4): the orders' demand recorded together ({@link recordDemands}),
 * then each SKU of the batch checked once, after all of its demand is in. A change fails alone: an
 * order whose demand could not be recorded, or any change whose SKU could not be checked (its
 * demand is in, so the redelivery only checks again). While degraded mode is on the checks are
 * deferred (`degraded`, read only when there is something to check).
 */
export async function trackStockLevels(
  deps: ReplenishmentDeps & { readonly degraded: () => Promise<boolean>; readonly listed?: ListedSkus; readonly sleep?: (ms: number) => Promise<void> },
  changes: readonly StockChange[],
): Promise<StockLevelsOutcome> {
  const failures: Array<Error | undefined> = changes.map(() => undefined);
  const recorded: Array<boolean | undefined> = changes.map(() => undefined);
  const placed = changes.flatMap((change, i) => (change.kind === 'placed' ? [{ i, order: change.order }] : []));
  const demand = await recordDemands(
    deps,
    placed.map(({ order }) => order),
  );
  placed.forEach(({ i }, k) => {
    const outcome = demand[k];
    if (outcome instanceof Error) failures[i] = outcome;
    else recorded[i] = outcome;
  });
  const skusOf = changes.map((change) => (change.kind === 'placed' ? change.order.lines.map((l) => l.sku) : [change.sku]));
  // Each SKU once, with the correlation id of the first change asking for it.
  const toCheck = new Map<string, string>();
  changes.forEach((change, i) => {
    const correlationId = change.kind === 'placed' ? change.order.correlationId : change.correlationId;
    if (!failures[i]) for (const sku of skusOf[i] ?? []) if (!toCheck.has(sku)) toCheck.set(sku, correlationId);
  });
  const checks: Record<string, CheckOutcome | 'deferred'> = {};
  const failed = new Map<string, Error>();
  const degraded = toCheck.size > 0 && (await deps.degraded());
  for (const [sku, correlationId] of toCheck) {
    try {
      Object.assign(checks, await stockChanged({ ...deps, degraded }, [sku], correlationId));
    } catch (error) {
      failed.set(sku, error instanceof Error ? error : new Error(String(error)));
    }
  }
  changes.forEach((_, i) => {
    failures[i] ??= (skusOf[i] ?? []).map((sku) => failed.get(sku)).find((e) => e !== undefined);
  });
  return { failures, recorded, checks };
}

export type CheckOutcome = 'suggested' | 'already-open' | 'cleared' | 'ok' | 'unknown-sku';

/** Checks one SKU against its safety stock. */
export async function checkReplenishment(deps: ReplenishmentDeps, sku: string, trigger: 'stock-change' | 'daily-sweep', correlationId: string): Promise<CheckOutcome> {
  const now = deps.clock.now();
  const views = trigger === 'stock-change' ? deps.views : undefined;
  const today = dayOf(now);
  const remembered = views?.get(sku, today, now.getTime());
  const [view, entries] = await Promise.all([remembered ? readToday(deps.repository, sku, today, remembered) : readSafetyView(deps, sku, now), deps.catalog.entries([sku])]);
  if (!remembered) views?.set(sku, view.sales, today, now.getTime());
  const entry = entries.get(sku);
  if (!entry) return 'unknown-sku';
  const available = entry.stock.reduce((sum, s) => sum + Math.max(0, s.available), 0);
  const level = safetyLevel(deps.policy, dailySeries(view.sales, now, deps.policy.windowDays));
  const below = isBelowSafety(available, level);
  const action = replenishmentAction({ below, open: view.open, trigger });
  const at = now.toISOString();
  if (action === 'clear') return (await deps.repository.clearSuggestion({ sku, safetyStock: level.safetyStock, available, at })) ? 'cleared' : 'ok';
  if (action === 'none') return below ? 'already-open' : 'ok';

  const marker = {
    kind: 'REPLENISH',
    key: trigger === 'daily-sweep' ? `${sku}#${dayOf(now)}` : `${sku}#${newId(now)}`,
    correlationId,
    createdAt: at,
    events: [
      outboxEvent(ReplenishmentSuggested, {
        sku,
        available,
        safetyStock: level.safetyStock,
        suggestedQuantity: suggestedQuantity(deps.policy, level, available),
        method: level.method,
        trigger,
        suggestedAt: at,
      }),
    ],
  };
  const opened = await deps.repository.openSuggestion({ sku, safetyStock: level.safetyStock, available, at, requireClosed: trigger === 'stock-change', marker });
  if (!opened) return 'already-open';
  await flushMarker(deps, marker);
  return 'suggested';
}

/** A SKU's sales over the window and its suggestion flag, read afresh. */
async function readSafetyView(deps: Pick<ReplenishmentDeps, 'repository' | 'policy'>, sku: string, now: Date): Promise<{ sales: ReadonlyMap<string, number>; open: boolean }> {
  const days = windowDays(now, deps.policy.windowDays);
  const [sales, state] = await Promise.all([deps.repository.salesByDay(sku, days[0] as string, days[days.length - 1] as string), deps.repository.getSafetyState(sku)]);
  return { sales, open: state.open };
}

/** The remembered earlier days with today's sales and the flag read afresh. */
async function readToday(repository: FulfillmentRepository, sku: string, today: string, view: SafetyView): Promise<{ sales: ReadonlyMap<string, number>; open: boolean }> {
  const { units, state } = await repository.daySalesAndSafetyState(sku, today);
  return { sales: new Map([...view.earlier, [today, units]]), open: state.open };
}

/** Checks SKUs after a stock change, unless degraded mode defers it. */
export async function stockChanged(
  deps: ReplenishmentDeps & { degraded: boolean },
  skus: readonly string[],
  correlationId: string,
): Promise<Record<string, CheckOutcome | 'deferred'>> {
  const out: Record<string, CheckOutcome | 'deferred'> = {};
  for (const sku of [...new Set(skus)]) out[sku] = deps.degraded ? 'deferred' : await checkReplenishment(deps, sku, 'stock-change', correlationId);
  return out;
}

export interface ReplenishmentSweepSummary {
  readonly checked: number;
  readonly suggested: number;
  readonly cleared: number;
}

/** The daily sweep over every SKU on the safety-stock list. */
export async function sweepReplenishment(deps: ReplenishmentDeps & { shouldStop?: () => boolean }, correlationId: string): Promise<ReplenishmentSweepSummary> {
  let checked = 0;
  let suggested = 0;
  let cleared = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    if (deps.shouldStop?.()) break;
    const page = await deps.repository.listSafetySkus(100, startKey);
    startKey = page.nextKey;
    for (const sku of page.skus) {
      const outcome = await checkReplenishment(deps, sku, 'daily-sweep', correlationId);
      checked++;
      if (outcome === 'suggested') suggested++;
      if (outcome === 'cleared') cleared++;
    }
  } while (startKey);
  return { checked, suggested, cleared };
}
