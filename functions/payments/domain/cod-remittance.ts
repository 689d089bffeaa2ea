/**
 * Cash-on-delivery remittances (PAY-4): no money outside the company's accounts. A carrier collects
 * the cash at the door (the order's COD capture: Dr cod-receivable / Cr customer-payments) and pays
 * it to us later with a remittance report — per order the cash it remits and the collection fee it
 * kept. Settling a report books, per order, Dr bank / Cr cod-receivable (remitted) and Dr
 * carrier-fees / Cr cod-receivable (fee), so `cod-receivable` is exactly the cash carriers still owe.
 *
 * Each line's outcome:
 *
 * | outcome | when | booked |
 * |---|---|---|
 * | `remitted` | remitted + fee = what the carrier owes on the order (or this report already booked it: a retry) | yes |
 * | `short` | remitted + fee < owed: the rest stays owed (a finding) | yes |
 * | `over-remitted` | remitted + fee > owed (a finding: return it or investigate) | no |
 * | `already-remitted` | the carrier owes nothing on a delivered COD order (a double remittance, a finding) | no |
 * | `not-delivered` | a COD order not delivered (nothing collected yet) | no |
 * | `not-cod` | the order was not paid cash on delivery, or not in the report's currency | no |
 * | `unknown-order` | payments has no such order | no |
 * | `duplicate-line` | the order appears twice in the report (the first line counts) | no |
 *
 * The daily reconciliation adds the other side: a COD order delivered more than N days ago whose
 * cash is still owed is a `cod-not-remitted` mismatch ({@link codNotRemitted}).
 *
 * Pure: no I/O.
 */
import { balancesOf, collectionFeeMovement, remittanceMovement, type LedgerMovement } from './ledger.ts';
import type { Payment } from './payment.ts';

/** One order's line of a carrier's remittance report. */
export interface RemittanceLine {
  readonly orderId: string;
  /** Cash remitted for the order (minor units). */
  readonly amount: number;
  /** Collection fee the carrier kept (minor units). */
  readonly fee: number;
}

/** A carrier's remittance report. */
export interface RemittanceReportInput {
  /** The carrier's own report id: the key that makes settling it idempotent. */
  readonly remittanceId: string;
  readonly carrier: string;
  readonly remittedAt: string;
  readonly currency: string;
  readonly lines: readonly RemittanceLine[];
}

export type RemittanceOutcome = 'remitted' | 'short' | 'over-remitted' | 'already-remitted' | 'not-delivered' | 'not-cod' | 'unknown-order' | 'duplicate-line';

/** Outcomes that are findings for ops to look into. */
export const REMITTANCE_FINDINGS: readonly RemittanceOutcome[] = ['short', 'over-remitted', 'already-remitted', 'not-delivered', 'not-cod', 'unknown-order', 'duplicate-line'];

/** A settled line. */
export interface SettledLine extends RemittanceLine {
  readonly outcome: RemittanceOutcome;
  /** What the carrier owed on the order before this report. */
  readonly owedBefore?: number;
  /** What it still owes after it. */
  readonly owedAfter?: number;
}

/** The settled report. */
export interface SettledRemittance {
  readonly lines: readonly SettledLine[];
  /** New ledger movements to write (none for lines a previous run of this report booked). */
  readonly movements: readonly LedgerMovement[];
  readonly totals: { readonly lines: number; readonly remitted: number; readonly fees: number; readonly booked: number; readonly findings: number };
}

/** What settling needs of each order in the report. */
export interface OrderCod {
  readonly payment?: Pick<Payment, 'orderId' | 'paymentId' | 'method' | 'currency' | 'status'>;
  readonly movements: readonly LedgerMovement[];
}

/** Settles a remittance report against the orders' ledgers. */
export function settleRemittance(report: RemittanceReportInput, orders: ReadonlyMap<string, OrderCod>): SettledRemittance {
  const seen = new Set<string>();
  const movements: LedgerMovement[] = [];
  const lines: SettledLine[] = [];
  for (const line of report.lines) {
    if (seen.has(line.orderId)) {
      lines.push({ ...line, outcome: 'duplicate-line' });
      continue;
    }
    seen.add(line.orderId);
    const order = orders.get(line.orderId);
    const p = order?.payment;
    if (!order || !p) {
      lines.push({ ...line, outcome: 'unknown-order' });
      continue;
    }
    if (p.method !== 'cod' || p.currency !== report.currency) {
      lines.push({ ...line, outcome: 'not-cod' });
      continue;
    }
    const ids = new Set(order.movements.map((m) => m.movementId));
    const owed = balancesOf(order.movements, p.currency).codOutstanding;
    if (ids.has(`REMIT#${report.remittanceId}`) || ids.has(`REMIT-FEE#${report.remittanceId}`)) {
      // This report was booked for the order before (a retry): the same outcome, nothing new.
      const booked = order.movements
        .filter((m) => m.movementId === `REMIT#${report.remittanceId}` || m.movementId === `REMIT-FEE#${report.remittanceId}`)
        .reduce((sum, m) => sum + m.amount, 0);
      lines.push({ ...line, outcome: owed > 0 ? 'short' : 'remitted', owedBefore: owed + booked, owedAfter: owed });
      continue;
    }
    const collected = order.movements.some((m) => m.kind === 'capture');
    if (!collected) {
      lines.push({ ...line, outcome: 'not-delivered', owedBefore: owed });
      continue;
    }
    if (owed <= 0) {
      lines.push({ ...line, outcome: 'already-remitted', owedBefore: owed });
      continue;
    }
    const total = line.amount + line.fee;
    if (total > owed) {
      lines.push({ ...line, outcome: 'over-remitted', owedBefore: owed, owedAfter: owed });
      continue;
    }
    const subject = { orderId: p.orderId, paymentId: p.paymentId, method: p.method, currency: p.currency };
    if (line.amount > 0) movements.push(remittanceMovement(subject, { remittanceId: report.remittanceId, amount: line.amount, at: report.remittedAt }));
    if (line.fee > 0) movements.push(collectionFeeMovement(subject, { remittanceId: report.remittanceId, fee: line.fee, at: report.remittedAt }));
    lines.push({ ...line, outcome: total === owed ? 'remitted' : 'short', owedBefore: owed, owedAfter: owed - total });
  }
  const counted = lines.filter((l) => l.outcome === 'remitted' || l.outcome === 'short');
  return {
    lines,
    movements,
    totals: {
      lines: lines.length,
      remitted: counted.reduce((s, l) => s + l.amount, 0),
      fees: counted.reduce((s, l) => s + l.fee, 0),
      booked: counted.length,
      findings: lines.filter((l) => REMITTANCE_FINDINGS.includes(l.outcome)).length,
    },
  };
}

/** A delivered COD order whose cash the carrier still owes. */
export interface CodNotRemitted {
  readonly orderId: string;
  readonly owed: number;
  readonly collectedAt: string;
}

/**
 * The COD orders collected (delivered) in `collections` — the COD capture movements of one day,
 * N days back — whose cash is still owed now (each order's current movements).
 */
export function codNotRemitted(collections: readonly LedgerMovement[], movementsOf: ReadonlyMap<string, readonly LedgerMovement[]>): CodNotRemitted[] {
  const found: CodNotRemitted[] = [];
  const seen = new Set<string>();
  for (const c of collections) {
    if (c.method !== 'cod' || c.kind !== 'capture' || seen.has(c.orderId)) continue;
    seen.add(c.orderId);
    const owed = balancesOf(movementsOf.get(c.orderId) ?? [c], c.currency).codOutstanding;
    if (owed > 0) found.push({ orderId: c.orderId, owed, collectedAt: c.at });
  }
  return found;
}
