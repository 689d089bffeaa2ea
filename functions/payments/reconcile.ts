/**
 * Use case (PAY-3, CMP-1): reconcile one day — the ledger's movements of the day, the payments of
 * every order involved and the provider's settlement report — and store the report (replacing an
 * earlier run's). Scheduled daily for the previous UTC day; `GET /admin/reconciliations/{date}`
 * reads it.
 */
import type { LedgerMovement } from './domain/ledger.ts';
import { orderOfLine, reconcile, type ReconciliationReport } from './domain/reconciliation.ts';
import type { ProviderDeps } from './engine.ts';
import { ULID_PATTERN } from '../../shared/ids.ts';

/** The UTC day before `now`. */
export function previousDay(now: Date): string {
  return new Date(now.getTime() - 86_400_000).toISOString().slice(0, 10);
}

/** Reconciles `date` and stores the report. */
export async function runReconciliation(deps: ProviderDeps & { readonly currency: string; readonly maxStoredMismatches: number }, date: string): Promise<ReconciliationReport> {
  const [dayMovements, providerLines] = await Promise.all([deps.repo.movementsOfDay(date), deps.provider.settlementReport(date)]);
  const orderOfProviderPayment = new Map<string, string>();
  for (const id of new Set(providerLines.map((l) => l.providerPaymentId).filter(Boolean))) {
    const orderId = await deps.repo.orderIdForProviderPayment(id);
    if (orderId) orderOfProviderPayment.set(id, orderId);
  }
  const orderIds = new Set(dayMovements.map((m) => m.orderId));
  for (const line of providerLines) {
    const orderId = orderOfLine(line, { dayMovements, orderOfProviderPayment });
    if (orderId && ULID_PATTERN.test(orderId)) orderIds.add(orderId);
  }
  const payments = await deps.repo.getPayments([...orderIds]);
  const orderMovements = new Map<string, LedgerMovement[]>();
  for (const orderId of orderIds) orderMovements.set(orderId, await deps.repo.listMovements(orderId));
  const report = reconcile(
    { date, currency: deps.currency, dayMovements, providerLines, payments, orderMovements, orderOfProviderPayment },
    { generatedAt: deps.clock.now().toISOString(), provider: deps.provider.name, maxStoredMismatches: deps.maxStoredMismatches },
  );
  await deps.repo.putReconciliation(report);
  return report;
}
