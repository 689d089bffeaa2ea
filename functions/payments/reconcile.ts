/**
 * Use case (PAY-3, PAY-4, CMP-1): reconcile one day — the ledger's movements of the day, the payments of
 * every order involved and the provider's settlement report, and the cash on delivery collected
 * `COD_REMITTANCE_DAYS` before it that carriers still owe — and store the report (replacing an
 * earlier run's). Scheduled daily for the previous UTC day; `GET /admin/reconciliations/{date}`
 * reads it.
 */
import type { LedgerMovement } from './domain/ledger.ts';
import { codNotRemitted } from './domain/cod-remittance.ts';
import { orderOfLine, reconcile, type ReconciliationReport } from './domain/reconciliation.ts';
import type { ProviderDeps } from './engine.ts';
import { ULID_PATTERN } from '../../shared/ids.ts';

/** The UTC day before `now`. */
export function previousDay(now: Date): string {
  return new Date(now.getTime() - 86_400_000).toISOString().slice(0, 10);
}

/** `date` minus `days` (UTC days). */
export function daysBefore(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) - days * 86_400_000).toISOString().slice(0, 10);
}

/** Reconciles `date` and stores the report. */
export async function runReconciliation(
  deps: ProviderDeps & { readonly currency: string; readonly maxStoredMismatches: number; readonly codRemittanceDays?: number },
  date: string,
): Promise<ReconciliationReport> {
  const codDays = deps.codRemittanceDays ?? 7;
  const [dayMovements, providerLines, codCollections] = await Promise.all([
    deps.repo.movementsOfDay(date),
    deps.provider.settlementReport(date),
    deps.repo.movementsOfDay(daysBefore(date, codDays)),
  ]);
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
  // PAY-4: the COD collected N days ago, with each order's ledger as it is now.
  const collected = codCollections.filter((m) => m.method === 'cod' && m.kind === 'capture');
  const codMovements = new Map<string, LedgerMovement[]>();
  for (const orderId of new Set(collected.map((m) => m.orderId))) codMovements.set(orderId, orderMovements.get(orderId) ?? (await deps.repo.listMovements(orderId)));
  const report = reconcile(
    {
      date,
      currency: deps.currency,
      dayMovements,
      providerLines,
      payments,
      orderMovements,
      orderOfProviderPayment,
      codNotRemitted: codNotRemitted(collected, codMovements),
      codRemittanceDays: codDays,
    },
    { generatedAt: deps.clock.now().toISOString(), provider: deps.provider.name, maxStoredMismatches: deps.maxStoredMismatches },
  );
  await deps.repo.putReconciliation(report);
  return report;
}
