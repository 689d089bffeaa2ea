/**
 * CMP-1: every compliance scan reads its source page by page through the one paging loop
 * (functions/compliance/paging.ts: stop before a page when time runs out, report the run
 * incomplete), and the scan id pattern is defined once (scans/compliance-scan.ts) for the routes
 * and the finding ids.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FINDING_ID_PATTERN, findingIdOf, parseFindingId } from '../../../functions/compliance/findings-repository.ts';
import type { LedgerSource } from '../../../functions/compliance/ledger-source.ts';
import type { ListingSource } from '../../../functions/compliance/listing-source.ts';
import { eachPaged, type Paged } from '../../../functions/compliance/paging.ts';
import { bannedTermsScan } from '../../../functions/compliance/scans/banned-terms.ts';
import { SCAN_ID_PATTERN, type ComplianceScan } from '../../../functions/compliance/scans/compliance-scan.ts';
import { ALL_SCANS } from '../../../functions/compliance/scans/index.ts';
import { ledgerImbalanceScan } from '../../../functions/compliance/scans/ledger-imbalance.ts';
import { reservationDriftScan } from '../../../functions/compliance/scans/reservation-drift.ts';
import { ticketSlaBreachesScan } from '../../../functions/compliance/scans/ticket-sla-breaches.ts';
import type { StockSource } from '../../../functions/compliance/stock-source.ts';
import type { TicketSource } from '../../../functions/compliance/ticket-source.ts';

const now = new Date('2026-06-01T12:00:00.000Z');

/** A source of `pages`: page n continues at `{ n }`. */
function paged<T>(pages: T[][]) {
  const asked: Array<Record<string, unknown> | undefined> = [];
  const list = async (page?: Record<string, unknown>): Promise<Paged<T>> => {
    asked.push(page);
    const n = page ? Number(page.n) : 0;
    return { items: pages[n] ?? [], ...(n + 1 < pages.length ? { nextPage: { n: n + 1 } } : {}) };
  };
  return { list, asked };
}

/** Runs `scan` to the end, and again stopping after its first page. */
async function runTwice(scan: () => ComplianceScan) {
  const full = await scan().run({ now, shouldStop: () => false });
  let pagesRead = 0;
  const partial = await scan().run({ now, shouldStop: () => pagesRead++ > 0 });
  return { full, partial };
}

describe('eachPaged (CMP-1)', () => {
  it('visits every item of every page in order, and stops before a page when asked', async () => {
    const source = paged([[1, 2], [3], [4, 5]]);
    const seen: number[] = [];
    expect(
      await eachPaged(
        source.list,
        () => false,
        (n) => void seen.push(n),
      ),
    ).toEqual({ examined: 5, complete: true });
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    let calls = 0;
    expect(
      await eachPaged(
        paged([[1, 2], [3]]).list,
        () => calls++ > 0,
        () => {},
      ),
    ).toEqual({ examined: 2, complete: false });
  });
});

describe('the scans page through eachPaged (CMP-1)', () => {
  it('banned terms: every listing of every page; a stopped run is incomplete', async () => {
    const source = paged([
      [{ sku: 'SKU-1', name: '最佳 tea', attributes: {} }],
      [
        { sku: 'SKU-2', name: 'green tea', attributes: {} },
        { sku: 'SKU-3', name: '最佳 cup', attributes: {} },
      ],
    ]);
    const listings: ListingSource = { getListing: async () => undefined, listListings: source.list };
    const { full, partial } = await runTwice(() => bannedTermsScan({ listings, bannedTerms: ['最佳'] }));
    expect(full).toMatchObject({ examined: 3, complete: true });
    expect(full.findings.map((f) => f.subject)).toEqual(['SKU-1', 'SKU-3']);
    expect(partial).toMatchObject({ examined: 1, complete: false });
  });

  it('ticket SLA: overdue tickets of every page, inactive ones skipped; a stopped run is incomplete', async () => {
    const due = (ticketId: string, status = 'OPEN') => ({ ticketId, status, category: 'delivery', nextDue: '2026-06-01T08:00:00.000Z' });
    const source = paged([[due('T-1')], [due('T-2', 'RESOLVED'), due('T-3')]]);
    const tickets: TicketSource = { dueBefore: (_before, page) => source.list(page) };
    const { full, partial } = await runTwice(() => ticketSlaBreachesScan({ tickets }));
    expect(full).toMatchObject({ examined: 3, complete: true });
    expect(full.findings.map((f) => f.subject)).toEqual(['T-1', 'T-3']);
    expect(partial).toMatchObject({ examined: 1, complete: false });
  });

  it('ledger: unbalanced movements and unclean reconciliations of every page; a stopped run is incomplete', async () => {
    const source = paged<Awaited<ReturnType<LedgerSource['listLedger']>>['items'][number]>([
      [{ kind: 'reconciliation', date: '2026-05-30', status: 'mismatches', mismatchCount: 2, mismatchKinds: ['amount'] }],
      [{ kind: 'reconciliation', date: '2026-05-31', status: 'clean', mismatchCount: 0, mismatchKinds: [] }],
    ]);
    const ledger: LedgerSource = { listLedger: source.list };
    const { full, partial } = await runTwice(() => ledgerImbalanceScan({ ledger }));
    expect(full).toMatchObject({ examined: 2, complete: true });
    expect(full.findings.map((f) => f.subject)).toEqual(['reconciliation/2026-05-30']);
    expect(partial).toMatchObject({ examined: 1, complete: false });
  });

  it('reservation drift: tallies across pages (a counter on one page, its reservations on another); a stopped run reports nothing', async () => {
    const old = '2026-05-01T00:00:00.000Z';
    const source = paged<Awaited<ReturnType<StockSource['listStock']>>['items'][number]>([
      [{ kind: 'counter', sku: 'SKU-1', warehouseId: 'WH-EAST', reserved: 3, updatedAt: old }],
      [{ kind: 'reservation', orderId: 'O-1', sku: 'SKU-1', warehouseId: 'WH-EAST', status: 'reserved', quantity: 2, updatedAt: old }],
    ]);
    const stock: StockSource = { listStock: source.list } as StockSource;
    const { full, partial } = await runTwice(() => reservationDriftScan({ stock }));
    expect(full).toMatchObject({ examined: 2, complete: true });
    expect(full.findings).toMatchObject([{ subject: 'SKU-1/WH-EAST', details: { drift: 1 } }]);
    expect(partial).toEqual({ findings: [], examined: 1, complete: false });
  });

  it('no scan hand-rolls a paging loop any more', () => {
    const dir = path.resolve(import.meta.dirname, '../../../functions/compliance/scans');
    for (const file of fs.readdirSync(dir)) expect(fs.readFileSync(path.join(dir, file), 'utf8'), file).not.toMatch(/\bnextPage\b|\bdo \{/);
  });
});

describe('one scan id pattern (CMP-1)', () => {
  it('every scan id matches it; the finding id pattern and its parser are built from it', () => {
    for (const { id } of ALL_SCANS) expect(id).toMatch(SCAN_ID_PATTERN);
    expect(SCAN_ID_PATTERN.source).toBe('^[a-z][a-z0-9-]{0,39}$');
    expect(FINDING_ID_PATTERN.source).toBe('^[a-z][a-z0-9-]{0,39}~[A-Za-z0-9_-]{1,600}$');
    const id = findingIdOf('reservation-drift', 'SKU-1/WH-EAST');
    expect(id).toMatch(FINDING_ID_PATTERN);
    expect(parseFindingId(id)).toEqual({ scan: 'reservation-drift', subject: 'SKU-1/WH-EAST' });
    expect(parseFindingId(`Bad~${id.split('~')[1]}`)).toBeUndefined();
    expect(`a${'b'.repeat(40)}`).not.toMatch(SCAN_ID_PATTERN);
  });
});
