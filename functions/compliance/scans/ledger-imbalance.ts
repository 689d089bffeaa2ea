/**
 * Scan `ledger-imbalance` (CMP-1, PAY-3): the payments ledger is double-entry and append-only, so
 * every stored movement must balance — Σ debits = Σ credits, each posting a positive integer number
 * of minor units on a debit or credit side. A movement that does not is `critical` (subject
 * `<orderId>/<movementId>`). A day whose stored reconciliation report (the latest run of payments'
 * daily reconciliation) still shows mismatches is `high` (subject `reconciliation/<date>`); running
 * the day's reconciliation again once the cause is fixed stores a clean report, and the finding is
 * resolved as fixed on the next complete scan.
 */
import type { LedgerSource, MovementView } from '../ledger-source.ts';
import type { ComplianceScan, FindingDraft } from './compliance-scan.ts';
import { eachPaged } from '../paging.ts';

export const LEDGER_IMBALANCE_SCAN = 'ledger-imbalance';

/** Totals and problems of one stored movement (no problems: it balances). */
export function movementBalance(movement: Pick<MovementView, 'postings'>): { debits: number; credits: number; problems: string[] } {
  const problems: string[] = [];
  let debits = 0;
  let credits = 0;
  if (movement.postings.length < 2) problems.push('fewer than two postings');
  for (const posting of movement.postings) {
    const amount = posting.amount;
    if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount <= 0) {
      problems.push(`a posting to ${String(posting.account)} is not a positive integer amount`);
      continue;
    }
    if (posting.side === 'debit') debits += amount;
    else if (posting.side === 'credit') credits += amount;
    else problems.push(`a posting to ${String(posting.account)} has no side`);
  }
  if (debits !== credits) problems.push(`debits ${debits} ≠ credits ${credits}`);
  return { debits, credits, problems };
}

/** The scan over `ledger`. */
export function ledgerImbalanceScan(deps: { readonly ledger: LedgerSource; readonly pageSize?: number }): ComplianceScan {
  return {
    id: LEDGER_IMBALANCE_SCAN,
    description: 'Ledger movements whose debits and credits differ, and days whose reconciliation still shows mismatches',
    async run(context) {
      const findings: FindingDraft[] = [];
      const { examined, complete } = await eachPaged(
        (page) => deps.ledger.listLedger(page, deps.pageSize),
        context.shouldStop,
        (item) => {
          if (item.kind === 'movement') {
            const { debits, credits, problems } = movementBalance(item);
            if (problems.length === 0) return;
            findings.push({
              subject: `${item.orderId}/${item.movementId}`,
              severity: 'critical',
              summary: `Ledger movement ${item.movementId} of order ${item.orderId} does not balance: ${problems.join('; ')}`,
              details: { orderId: item.orderId, movementId: item.movementId, kind: item.movementKind, debits, credits, problems: problems.join('; ') },
            });
          } else if (item.status !== 'clean') {
            findings.push({
              subject: `reconciliation/${item.date}`,
              severity: 'high',
              summary: `The reconciliation of ${item.date} shows ${item.mismatchCount} unresolved mismatch(es)`,
              details: { date: item.date, mismatches: item.mismatchCount, kinds: item.mismatchKinds.join(', ') },
            });
          }
        },
      );
      return { findings, examined, complete };
    },
  };
}
