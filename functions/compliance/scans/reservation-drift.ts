/**
 * Scan `reservation-drift` (CMP-1, ORD-4): a (SKU, warehouse) whose `reserved` counter (its stock
 * item's, plus its buckets' for a hot SKU) differs from the sum of its live reservation records
 * (status `reserved`) — catalog changes the two together in one transaction, so a difference means
 * stock is held for nobody (sales lost) or promised twice. One `high` finding per (SKU, warehouse),
 * subject `<sku>/<warehouseId>`.
 *
 * The Scan is not a snapshot: a (SKU, warehouse) whose counters or records changed within
 * {@link SETTLE_MINUTES} of the scan's start is left to the next run (a reservation made while the
 * table was read would look like drift). A partial read reports nothing (a record may be on a page
 * not read).
 */
import type { StockSource } from '../stock-source.ts';
import type { ComplianceScan, FindingDraft } from './compliance-scan.ts';
import { eachPaged } from '../paging.ts';

export const RESERVATION_DRIFT_SCAN = 'reservation-drift';
/** Changes this recent are left to the next run. */
export const SETTLE_MINUTES = 5;

interface Tally {
  counter: number;
  live: number;
  liveRecords: number;
  counterItems: number;
  latest: string;
}

/** The scan over `stock`. */
export function reservationDriftScan(deps: { readonly stock: StockSource; readonly pageSize?: number }): ComplianceScan {
  return {
    id: RESERVATION_DRIFT_SCAN,
    description: 'SKU/warehouse reserved counters that differ from the sum of live reservation records',
    async run(context) {
      const settledBefore = new Date(context.now.getTime() - SETTLE_MINUTES * 60_000).toISOString();
      const tallies = new Map<string, Tally & { sku: string; warehouseId: string }>();
      const { examined, complete } = await eachPaged(
        (page) => deps.stock.listStock(page, deps.pageSize),
        context.shouldStop,
        (item) => {
          const key = `${item.sku}/${item.warehouseId}`;
          const tally = tallies.get(key) ?? { sku: item.sku, warehouseId: item.warehouseId, counter: 0, live: 0, liveRecords: 0, counterItems: 0, latest: '' };
          if (item.kind === 'counter') {
            tally.counter += item.reserved;
            tally.counterItems++;
          } else if (item.status === 'reserved') {
            tally.live += item.quantity;
            tally.liveRecords++;
          }
          if (item.updatedAt && item.updatedAt > tally.latest) tally.latest = item.updatedAt;
          tallies.set(key, tally);
        },
      );
      if (!complete) return { findings: [], examined, complete };
      const findings: FindingDraft[] = [...tallies.entries()]
        .filter(([, t]) => t.counter !== t.live && t.latest < settledBefore)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([subject, t]) => ({
          subject,
          severity: 'high',
          summary: `SKU ${t.sku} in warehouse ${t.warehouseId}: ${t.counter} reserved on the stock counter, ${t.live} held by ${t.liveRecords} live reservation(s)`,
          details: {
            sku: t.sku,
            warehouseId: t.warehouseId,
            reservedCounter: t.counter,
            liveReservations: t.live,
            liveRecords: t.liveRecords,
            counterItems: t.counterItems,
            drift: t.counter - t.live,
          },
        }));
      return { findings, examined, complete };
    },
  };
}
