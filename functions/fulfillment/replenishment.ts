/**
 * Use cases (FUL-4, FUL-5): demand history, safety-stock checks and replenishment suggestions.
 *
 * - {@link recordDemand} (OrderPlaced): adds the order's units to each SKU's sales of that day,
 *   once per order (marker), and puts the SKUs on the safety-stock list.
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
 * A SKU's safety level (from weeks of sales) and its open-suggestion flag barely move between two
 * orders, while a busy SKU is checked on every order. So the per-event checks remember a SKU's
 * sales and flag per container for `SAFETY_LEVEL_CACHE_SECONDS` ({@link SafetyViews}), adding the
 * demand the container records itself, and read only the available stock afresh: one Query per
 * order instead of three. Other containers' orders reach the level when the memory ages out. The remembered flag is a hint, never the decision —
 * opening a suggestion stays conditional on the flag being closed, clearing on it being open — so
 * concurrent containers still emit one suggestion per crossing. What a stale hint can do is delay:
 * a crossing just after another container cleared the flag, or a clear just after it opened,
 * happens within the cache age. The daily sweep always reads afresh.
 */
import type { Clock } from '../../shared/clock.ts';
import { newId } from '../../shared/ids.ts';
import { ReplenishmentSuggested } from '../../events/fulfillment-events.ts';
import { setNewest } from '../../shared/cache.ts';
import type { CatalogReader } from '../catalog/stock-contract.ts';
import { dailySeries, dayOf, isBelowSafety, replenishmentAction, safetyLevel, suggestedQuantity, windowDays, type SafetyStockPolicy } from './domain/safety-stock.ts';
import { MarkerExists, type FulfillmentRepository } from './fulfillment-repository.ts';
import { flushMarker, outboxEvent, type OutboxDeps } from './outbox.ts';

export interface ReplenishmentDeps extends OutboxDeps {
  readonly repository: FulfillmentRepository;
  readonly catalog: Pick<CatalogReader, 'entries'>;
  readonly clock: Clock;
  readonly policy: SafetyStockPolicy;
  /** The per-event checks' memory of each SKU's sales and flag (absent: read every time). */
  readonly views?: SafetyViews;
}

/** What a per-event check remembers of a SKU: its sales over the window and (a hint) whether a suggestion is open. */
interface SafetyView {
  /** Units sold per day, as read, plus the demand this container recorded since. */
  readonly sales: Map<string, number>;
  readonly open: boolean;
  readonly at: number;
}

/** Per-container memory of SKUs' sales and suggestion flags (see the module documentation); bounded, oldest dropped first. */
export class SafetyViews {
  private readonly views = new Map<string, SafetyView>();

  constructor(
    private readonly maxAgeMs: number,
    private readonly maxEntries = 1_000,
  ) {}

  /** The view of `sku` if younger than the cache age at `now`. */
  get(sku: string, now: number): SafetyView | undefined {
    const view = this.views.get(sku);
    return view && now - view.at < this.maxAgeMs ? view : undefined;
  }

  /** Remembers `sku`'s sales and flag as read at `at`. */
  set(sku: string, sales: ReadonlyMap<string, number>, open: boolean, at: number): void {
    if (this.maxAgeMs > 0) setNewest(this.views, sku, { sales: new Map(sales), open, at }, this.maxEntries);
  }

  /** Adds demand this container just recorded to a remembered view (so its own orders move the level at once). */
  noteDemand(sku: string, day: string, units: number): void {
    const view = this.views.get(sku);
    if (view) view.sales.set(day, (view.sales.get(day) ?? 0) + units);
  }

  /** Keeps the sales and their age, with the flag as a conditional write just found it. */
  setOpen(sku: string, open: boolean): void {
    const view = this.views.get(sku);
    if (view) this.views.set(sku, { ...view, open });
  }
}

/** SKUs per demand transaction (2 items each + the marker ≤ 100). */
const SKUS_PER_TRANSACTION = 49;

/** Records an order's demand once. `false` for a replay. */
export async function recordDemand(
  deps: Pick<ReplenishmentDeps, 'repository' | 'views'>,
  order: { orderId: string; placedAt: string; lines: ReadonlyArray<{ sku: string; quantity: number }>; correlationId: string },
): Promise<boolean> {
  const units = new Map<string, number>();
  for (const l of order.lines) units.set(l.sku, (units.get(l.sku) ?? 0) + l.quantity);
  const lines = [...units].map(([sku, quantity]) => ({ sku, quantity }));
  let recorded = false;
  const day = dayOf(new Date(order.placedAt));
  for (let i = 0; i < lines.length; i += SKUS_PER_TRANSACTION) {
    const chunk = i / SKUS_PER_TRANSACTION;
    const chunkLines = lines.slice(i, i + SKUS_PER_TRANSACTION);
    try {
      await deps.repository.recordDemand(
        { kind: 'DEMAND', key: chunk === 0 ? order.orderId : `${order.orderId}#${chunk}`, correlationId: order.correlationId, createdAt: order.placedAt, events: [] },
        day,
        chunkLines,
      );
      for (const l of chunkLines) deps.views?.noteDemand(l.sku, day, l.quantity);
      recorded = true;
    } catch (error) {
      if (!(error instanceof MarkerExists)) throw error;
    }
  }
  return recorded;
}

export type CheckOutcome = 'suggested' | 'already-open' | 'cleared' | 'ok' | 'unknown-sku';

/** Checks one SKU against its safety stock. */
export async function checkReplenishment(deps: ReplenishmentDeps, sku: string, trigger: 'stock-change' | 'daily-sweep', correlationId: string): Promise<CheckOutcome> {
  const now = deps.clock.now();
  const views = trigger === 'stock-change' ? deps.views : undefined;
  const remembered = views?.get(sku, now.getTime());
  const days = windowDays(now, deps.policy.windowDays);
  const [view, entries] = await Promise.all([remembered ?? readSafetyView(deps.repository, sku, days), deps.catalog.entries([sku])]);
  if (!remembered) views?.set(sku, view.sales, view.open, now.getTime());
  const entry = entries.get(sku);
  if (!entry) return 'unknown-sku';
  const available = entry.stock.reduce((sum, s) => sum + Math.max(0, s.available), 0);
  const level = safetyLevel(deps.policy, dailySeries(view.sales, now, deps.policy.windowDays));
  const below = isBelowSafety(available, level);
  const action = replenishmentAction({ below, open: view.open, trigger });
  const at = now.toISOString();
  if (action === 'clear') {
    const cleared = await deps.repository.clearSuggestion({ sku, safetyStock: level.safetyStock, available, at });
    views?.setOpen(sku, false);
    return cleared ? 'cleared' : 'ok';
  }
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
  views?.setOpen(sku, true);
  if (!opened) return 'already-open';
  await flushMarker(deps, marker);
  return 'suggested';
}

/** A SKU's sales over the window's days and its suggestion flag, read afresh. */
async function readSafetyView(repository: FulfillmentRepository, sku: string, days: readonly string[]): Promise<Omit<SafetyView, 'at'>> {
  const [sales, state] = await Promise.all([repository.salesByDay(sku, days[0] as string, days[days.length - 1] as string), repository.getSafetyState(sku)]);
  return { sales, open: state.open };
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
