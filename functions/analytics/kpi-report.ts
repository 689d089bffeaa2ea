/**
 * Use case: `GET /admin/kpis` (KPI-1). Reads the range's daily aggregates (one Query per month,
 * never a scan) and reports the KPIs per day, in total, per category and per payment method, with
 * the handbook targets. Default range: the last 30 days; at most {@link MAX_KPI_DAYS} days.
 */
import type { Clock } from '../../shared/clock.ts';
import { badRequest } from '../../shared/errors.ts';
import { falsePositiveRate } from '../fraud/metrics-contract.ts';
import type { AnalyticsStore } from './analytics-store.ts';
import { kpiReport } from './domain/kpis.ts';

/** The longest range one request reports. */
export const MAX_KPI_DAYS = 366;
/** The default range (ending today). */
export const DEFAULT_KPI_DAYS = 30;

const DAY_MS = 86_400_000;
const shift = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** The KPI report of `from`…`to` (UTC days, inclusive). */
export async function reportKpis(deps: { store: Pick<AnalyticsStore, 'range'>; clock: Clock }, query: { from?: string; to?: string }) {
  const today = deps.clock.now().toISOString().slice(0, 10);
  const to = query.to ?? (query.from ? shift(query.from, DEFAULT_KPI_DAYS - 1) : today);
  const from = query.from ?? shift(to, -(DEFAULT_KPI_DAYS - 1));
  if (from > to) throw badRequest('from must not be after to.', [{ path: 'query.from', message: 'After to' }]);
  const span = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS + 1;
  if (span > MAX_KPI_DAYS) throw badRequest(`At most ${MAX_KPI_DAYS} days at a time.`, [{ path: 'query.to', message: 'Range too long' }]);
  return kpiReport(from, to, await deps.store.range(from, to), falsePositiveRate);
}
