/**
 * CMP-1: the integrity scans over in-memory sources — the SLA scan's grace and 24-hour boundaries,
 * the ledger scan's balance check, and the reservation scan's totals across pages, buckets and
 * statuses, its settle window and its silence on a partial read.
 */
import { describe, expect, it } from 'vitest';
import { SCAN_FUNCTIONS } from '../../../infra/capabilities/compliance.ts';
import { SCANS } from '../../../functions/compliance/scans/index.ts';
import type { LedgerPage, MovementView } from '../../../functions/compliance/ledger-source.ts';
import { ledgerImbalanceScan, movementBalance } from '../../../functions/compliance/scans/ledger-imbalance.ts';
import { reservationDriftScan } from '../../../functions/compliance/scans/reservation-drift.ts';
import { ticketSlaBreachesScan } from '../../../functions/compliance/scans/ticket-sla-breaches.ts';
import type { StockPage } from '../../../functions/compliance/stock-source.ts';
import type { DueTicketView } from '../../../functions/compliance/ticket-source.ts';

const now = new Date('2026-12-05T12:00:00.000Z');
const context = { now, shouldStop: () => false };
const ago = (minutes: number) => new Date(now.getTime() - minutes * 60_000).toISOString();

/** Pages served in order, the page token being the next page's index. */
function paged<T>(pages: T[][]) {
  return async (page?: Record<string, unknown>) => {
    const index = typeof page?.index === 'number' ? page.index : 0;
    return { items: pages[index] ?? [], ...(index + 1 < pages.length ? { nextPage: { index: index + 1 } } : {}) };
  };
}

describe('CMP-1 ticket-sla-breaches', () => {
  const tickets = (items: DueTicketView[]) => ({
    dueBefore: async (before: string) => ({ items: items.filter((t) => t.nextDue < before) }),
  });
  const ticket = (ticketId: string, minutesLate: number, status = 'OPEN'): DueTicketView => ({ ticketId, status, category: 'delivery', nextDue: ago(minutesLate) });

  it('CMP-1, AFT-2: 15 minutes of grace, medium up to 24 h past due, high beyond; resolved or closed tickets are not reported', async () => {
    const scan = ticketSlaBreachesScan({
      tickets: tickets([
        ticket('within-grace', 15),
        ticket('late', 16),
        ticket('a-day', 24 * 60),
        ticket('over-a-day', 24 * 60 + 1),
        ticket('resolved', 600, 'RESOLVED'),
        ticket('closed', 600, 'CLOSED'),
      ]),
    });
    const { findings, complete } = await scan.run(context);
    expect(complete).toBe(true);
    expect(findings.map((f) => [f.subject, f.severity])).toEqual([
      ['late', 'medium'],
      ['a-day', 'medium'],
      ['over-a-day', 'high'],
    ]);
  });
});

describe('CMP-1 ledger-imbalance', () => {
  const movement = (movementId: string, postings: MovementView['postings']): MovementView => ({
    kind: 'movement',
    orderId: 'O1',
    movementId,
    movementKind: 'capture',
    amount: 100,
    postings,
  });

  it('CMP-1, PAY-3: a movement balances only with two or more positive integer postings, each with a side, debits equal to credits', () => {
    const debit = (amount: unknown) => ({ account: 'provider-receivable', side: 'debit', amount });
    const credit = (amount: unknown) => ({ account: 'customer-payments', side: 'credit', amount });
    expect(movementBalance({ postings: [debit(100), credit(100)] }).problems).toEqual([]);
    expect(movementBalance({ postings: [debit(100), credit(99)] })).toMatchObject({ debits: 100, credits: 99, problems: ['debits 100 ≠ credits 99'] });
    expect(movementBalance({ postings: [debit(100)] }).problems).toContain('fewer than two postings');
    expect(movementBalance({ postings: [debit(100), credit(100.5)] }).problems).toContain('a posting to customer-payments is not a positive integer amount');
    expect(movementBalance({ postings: [debit(100), { account: 'customer-payments', side: 'sideways', amount: 100 }] }).problems).toContain(
      'a posting to customer-payments has no side',
    );
  });

  it('CMP-1, PAY-3: unbalanced movements are critical and mismatched days high, across pages; a clean day is not reported', async () => {
    const pages: LedgerPage['items'][] = [
      [
        movement('CAPTURE#ok', [
          { account: 'bank', side: 'debit', amount: 5 },
          { account: 'cod-receivable', side: 'credit', amount: 5 },
        ]),
      ],
      [
        movement('CAPTURE#bad', [
          { account: 'bank', side: 'debit', amount: 5 },
          { account: 'cod-receivable', side: 'credit', amount: 4 },
        ]),
        { kind: 'reconciliation', date: '2026-12-04', status: 'mismatches', mismatchCount: 1, mismatchKinds: ['missing-capture'] },
        { kind: 'reconciliation', date: '2026-12-03', status: 'clean', mismatchCount: 0, mismatchKinds: [] },
      ],
    ];
    const { findings } = await ledgerImbalanceScan({ ledger: { listLedger: paged(pages.map((p) => [...p])) } }).run(context);
    expect(findings.map((f) => [f.subject, f.severity])).toEqual([
      ['O1/CAPTURE#bad', 'critical'],
      ['reconciliation/2026-12-04', 'high'],
    ]);
  });
});

describe('CMP-1 reservation-drift', () => {
  const counter = (sku: string, reserved: number, minutesAgo = 60) => ({ kind: 'counter' as const, sku, warehouseId: 'W1', reserved, updatedAt: ago(minutesAgo) });
  const reservation = (sku: string, quantity: number, status = 'reserved', minutesAgo = 60) => ({
    kind: 'reservation' as const,
    orderId: `O-${sku}-${quantity}`,
    sku,
    warehouseId: 'W1',
    status,
    quantity,
    updatedAt: ago(minutesAgo),
  });
  const stock = (pages: StockPage['items'][]) => ({ listStock: paged(pages.map((p) => [...p])) });

  it('CMP-1, ORD-4: counters (stock item and buckets) are compared with live reservations only, across pages; a pair changed within 5 minutes waits', async () => {
    const scan = reservationDriftScan({
      stock: stock([
        [counter('BALANCED', 3), counter('BUCKETS', 1), counter('DRIFT', 5), reservation('RECENT', 1, 'reserved', 4)],
        [
          reservation('BALANCED', 3),
          reservation('BALANCED', 9, 'released'),
          reservation('BUCKETS', 1),
          counter('BUCKETS', 2),
          reservation('BUCKETS', 2),
          reservation('DRIFT', 4),
          reservation('DRIFT', 1, 'picked'),
        ],
      ]),
    });
    const { findings, complete } = await scan.run(context);
    expect(complete).toBe(true);
    expect(findings).toEqual([
      expect.objectContaining({ subject: 'DRIFT/W1', severity: 'high', details: expect.objectContaining({ reservedCounter: 5, liveReservations: 4, drift: 1 }) }),
    ]);
  });

  it('CMP-1: a run told to stop reports incomplete and no findings (a record may be on a page not read)', async () => {
    let calls = 0;
    const scan = reservationDriftScan({ stock: stock([[counter('DRIFT', 5)], [reservation('DRIFT', 5)]]) });
    const result = await scan.run({ now, shouldStop: () => calls++ > 0 });
    expect(result).toMatchObject({ complete: false, findings: [] });
  });
});

describe('CMP-1 scan registry', () => {
  it('CMP-1: every registered scan has its scheduled function and every scan function a registered scan (the two lists in step)', () => {
    expect(SCAN_FUNCTIONS.map((spec) => spec.id).sort()).toEqual(SCANS.map((scan) => scan.id).sort());
    expect(SCANS.map((scan) => scan.id)).toEqual(expect.arrayContaining(['ticket-sla-breaches', 'ledger-imbalance', 'reservation-drift']));
  });
});
