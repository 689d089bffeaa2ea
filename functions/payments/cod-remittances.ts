/**
 * Use cases (PAY-4): a carrier's cash-on-delivery remittance report, recorded by ops
 * (`POST /admin/cod-remittances`) and read back (`GET /admin/cod-remittances/{remittanceId}`).
 *
 * 1. The report's id is its key: the same id with the same content answers the recorded report
 *    again (200); with other content it is a 409 and nothing changes.
 * 2. Each order's ledger is read and the report settled (domain/cod-remittance.ts): what matches
 *    what the carrier owes is booked (Dr bank / Cr cod-receivable, Dr carrier-fees / Cr
 *    cod-receivable); everything else is a finding on the report.
 * 3. Audited before anything is booked (SEC-4): who recorded which report and why.
 * 4. The report is recorded first (conditional on its id: of two concurrent requests one wins, the
 *    other books nothing), with the movements it books; then the movements are written, each only
 *    if absent — a retry of the same report after a crash writes whatever is missing, nothing twice.
 */
import crypto from 'node:crypto';
import type { AuditLog } from '../../shared/audit.ts';
import { canonicalJson } from '../../shared/audit.ts';
import type { Principal } from '../../shared/auth.ts';
import type { Clock } from '../../shared/clock.ts';
import { ProblemError, notFound } from '../../shared/errors.ts';
import { settleRemittance, type OrderCod, type RemittanceReportInput } from './domain/cod-remittance.ts';
import type { PaymentsRepository, StoredRemittance } from './payments-repository.ts';

/** Ports. */
export interface RemittanceDeps {
  readonly repo: PaymentsRepository;
  readonly audit: AuditLog;
  readonly clock: Clock;
}

/** What ops send. */
export interface RemittanceCommand {
  readonly report: RemittanceReportInput;
  readonly principal: Principal;
  readonly reason: string;
  readonly correlationId: string;
}

const fingerprintOf = (report: RemittanceReportInput) =>
  crypto
    .createHash('sha256')
    .update(canonicalJson({ carrier: report.carrier, remittedAt: report.remittedAt, currency: report.currency, lines: report.lines }))
    .digest('hex');

function remittanceConflict(remittanceId: string): ProblemError {
  return new ProblemError('remittance-conflict', 'Remittance already recorded', 409, {
    detail: `Remittance ${remittanceId} was recorded with other content; a corrected report needs its own id.`,
  });
}

/** Records and settles a remittance report (idempotent by its id). */
export async function recordCodRemittance(deps: RemittanceDeps, command: RemittanceCommand): Promise<{ remittance: StoredRemittance; created: boolean }> {
  const { report } = command;
  const fingerprint = fingerprintOf(report);
  const existing = await deps.repo.getRemittance(report.remittanceId);
  if (existing) {
    if (existing.fingerprint !== fingerprint) throw remittanceConflict(report.remittanceId);
    await deps.repo.appendMovements(existing.movements);
    return { remittance: existing, created: false };
  }

  const orderIds = [...new Set(report.lines.map((l) => l.orderId))];
  const payments = await deps.repo.getPayments(orderIds);
  const orders = new Map<string, OrderCod>();
  for (const orderId of orderIds) {
    const payment = payments.get(orderId)?.[0];
    orders.set(orderId, { ...(payment ? { payment } : {}), movements: payment ? await deps.repo.listMovements(orderId) : [] });
  }
  const settled = settleRemittance(report, orders);

  await deps.audit.record({
    actor: command.principal.userId,
    roles: command.principal.roles,
    action: 'cod.remittance.record',
    resource: { type: 'cod-remittance', id: report.remittanceId },
    reason: command.reason,
    details: {
      carrier: report.carrier,
      remittedAt: report.remittedAt,
      lines: settled.totals.lines,
      remitted: settled.totals.remitted,
      fees: settled.totals.fees,
      findings: settled.totals.findings,
    },
    correlationId: command.correlationId,
  });
  const remittance: StoredRemittance = {
    remittanceId: report.remittanceId,
    carrier: report.carrier,
    remittedAt: report.remittedAt,
    currency: report.currency,
    fingerprint,
    lines: settled.lines,
    totals: settled.totals,
    recordedBy: command.principal.userId,
    recordedAt: deps.clock.now().toISOString(),
    reason: command.reason,
    movements: settled.movements,
  };
  if (!(await deps.repo.putRemittance(remittance))) {
    // A concurrent request with the same id recorded it first: its movements are the ones booked.
    const winner = await deps.repo.getRemittance(report.remittanceId);
    if (!winner || winner.fingerprint !== fingerprint) throw remittanceConflict(report.remittanceId);
    await deps.repo.appendMovements(winner.movements);
    return { remittance: winner, created: false };
  }
  await deps.repo.appendMovements(remittance.movements);
  return { remittance, created: true };
}

/** A recorded remittance report; 404 when there is none. */
export async function getCodRemittance(repo: PaymentsRepository, remittanceId: string): Promise<StoredRemittance> {
  const found = await repo.getRemittance(remittanceId);
  if (!found) throw notFound(`No remittance ${remittanceId}.`);
  return found;
}
