/**
 * The integrity scans (CMP-1) against DynamoDB Local: `ticket-sla-breaches`, `ledger-imbalance` and
 * `reservation-drift` each find the defect planted in raw items and nothing on clean ones. The
 * tables are shared with other tests, so the assertions look at the planted subjects only.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import { PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { createStockBuckets, releaseStock, reserveStock, type StockTransactItem } from '../../../functions/catalog/stock-contract.ts';
import { DynamoDbFindingsRepository, findingIdOf } from '../../../functions/compliance/findings-repository.ts';
import { makeRunScanHandler } from '../../../functions/compliance/handlers/run-scan.ts';
import { DynamoDbLedgerSource } from '../../../functions/compliance/ledger-source.ts';
import type { ComplianceScan } from '../../../functions/compliance/scans/compliance-scan.ts';
import { ledgerImbalanceScan } from '../../../functions/compliance/scans/ledger-imbalance.ts';
import { reservationDriftScan } from '../../../functions/compliance/scans/reservation-drift.ts';
import { DynamoDbStockSource } from '../../../functions/compliance/stock-source.ts';
import { ticketSlaBreachesScan } from '../../../functions/compliance/scans/ticket-sla-breaches.ts';
import { DynamoDbTicketSource } from '../../../functions/compliance/ticket-source.ts';
import { documentClient } from '../../../shared/dynamodb.ts';
import { lambdaContext } from '../../support/http-events.ts';
import { useLocalDynamoDb } from '../../support/local-dynamodb-env.ts';
import type { LocalTables } from '../../support/tables.ts';

let tables: LocalTables;
let findings: DynamoDbFindingsRepository;
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();
const put = (TableName: string, Item: Record<string, unknown>) => documentClient().send(new PutCommand({ TableName, Item }));

async function run(scan: ComplianceScan) {
  return makeRunScanHandler({ scan: () => scan, findings: () => findings })({}, lambdaContext(120_000));
}

beforeAll(() => {
  tables = useLocalDynamoDb().tables;
  findings = new DynamoDbFindingsRepository(tables.compliance);
});

describe('CMP-1 ticket-sla-breaches against DynamoDB Local', () => {
  /** A raw ticket item as tickets store it, on the due index under `nextDue` when given. */
  async function plantTicket(status: string, nextDue?: string): Promise<string> {
    const ticketId = ulid();
    await put(tables.tickets, {
      pk: `TICKET#${ticketId}`,
      sk: 'TICKET',
      ticketId,
      customerId: `cust-${ulid()}`,
      category: 'delivery',
      subject: 'v1.sealed',
      status,
      openedAt: iso(Date.now() - 48 * HOUR),
      clocks: { startedAt: iso(Date.now() - 48 * HOUR), pausedMs: 0 },
      breaches: [],
      updatedAt: iso(Date.now() - 48 * HOUR),
      version: 1,
      urgency: '0',
      ...(nextDue ? { nextDue, duePk: 'DUE', dueSk: `${nextDue}#${ticketId}` } : {}),
    });
    return ticketId;
  }

  it('CMP-1, AFT-2: a ticket past its due time and not escalated is a medium finding, high past 24 h; one within the grace or not yet due is none; escalation resolves it', async () => {
    const hourLate = await plantTicket('OPEN', iso(Date.now() - HOUR));
    const dayLate = await plantTicket('ANSWERED', iso(Date.now() - 30 * HOUR));
    const justDue = await plantTicket('OPEN', iso(Date.now() - 5 * 60_000));
    const notDue = await plantTicket('OPEN', iso(Date.now() + HOUR));
    const escalated = await plantTicket('ESCALATED');
    const summary = await run(ticketSlaBreachesScan({ tickets: new DynamoDbTicketSource(tables.tickets), pageSize: 50 }));
    expect(summary.complete).toBe(true);
    expect(await findings.get(findingIdOf('ticket-sla-breaches', hourLate))).toMatchObject({
      severity: 'medium',
      status: 'open',
      details: { status: 'OPEN', category: 'delivery' },
    });
    expect(await findings.get(findingIdOf('ticket-sla-breaches', dayLate))).toMatchObject({ severity: 'high', status: 'open' });
    for (const clean of [justDue, notDue, escalated]) expect(await findings.get(findingIdOf('ticket-sla-breaches', clean))).toBeUndefined();

    // the sweep escalates it (the breach recorded, off the due index): the next complete run resolves the finding
    await put(tables.tickets, { pk: `TICKET#${hourLate}`, sk: 'TICKET', ticketId: hourLate, status: 'ESCALATED', category: 'delivery', breaches: [{ clock: 'first-response' }] });
    await run(ticketSlaBreachesScan({ tickets: new DynamoDbTicketSource(tables.tickets), pageSize: 50 }));
    expect(await findings.get(findingIdOf('ticket-sla-breaches', hourLate))).toMatchObject({
      status: 'resolved',
      resolution: { outcome: 'fixed', by: 'system:ticket-sla-breaches' },
    });
  });
});

describe('CMP-1 ledger-imbalance against DynamoDB Local', () => {
  /** A raw ledger movement as payments store it. */
  async function plantMovement(orderId: string, movementId: string, postings: Array<{ account: string; side: string; amount: number }>): Promise<void> {
    const at = iso(Date.now() - HOUR);
    await put(tables.payments, {
      pk: `ORDER#${orderId}`,
      sk: `LEDGER#${movementId}`,
      itemType: 'ledger',
      gsi1pk: `LEDGER#${at.slice(0, 10)}`,
      gsi1sk: `${at}#${orderId}#${movementId}`,
      movementId,
      orderId,
      paymentId: ulid(),
      method: 'card',
      kind: 'capture',
      currency: 'CNY',
      amount: 12_345,
      postings,
      at,
    });
  }
  /** A stored reconciliation report of `date` (days of the 20th century: no other test stores them). */
  async function plantReport(date: string, mismatches: Array<{ kind: string; detail: string }>): Promise<string> {
    await put(tables.payments, {
      pk: `RECONCILIATION#${date}`,
      sk: 'REPORT',
      itemType: 'reconciliation',
      date,
      generatedAt: iso(Date.now()),
      provider: 'sandbox',
      currency: 'CNY',
      status: mismatches.length > 0 ? 'mismatches' : 'clean',
      matched: 3,
      mismatchCount: mismatches.length,
      mismatches,
      truncated: false,
    });
    return date;
  }
  const capture = (amount: number, credit = amount) => [
    { account: 'provider-receivable', side: 'debit', amount },
    { account: 'customer-payments', side: 'credit', amount: credit },
  ];

  it('CMP-1, PAY-3: a movement whose debits differ from its credits is critical, a day whose reconciliation shows mismatches is high; balanced movements and clean days are not findings', async () => {
    const orderId = ulid();
    await plantMovement(orderId, 'CAPTURE#unbalanced', capture(12_345, 12_300));
    await plantMovement(orderId, 'CAPTURE#balanced', capture(12_345));
    await plantMovement(orderId, 'FEE#one-sided', [{ account: 'provider-fees', side: 'debit', amount: 45 }]);
    const year = 1910 + Math.floor(Math.random() * 40);
    const day = `${String(Math.floor(Math.random() * 12) + 1).padStart(2, '0')}-${String(Math.floor(Math.random() * 28) + 1).padStart(2, '0')}`;
    const mismatchedDay = await plantReport(`${year}-${day}`, [
      { kind: 'missing-capture', detail: 'x' },
      { kind: 'amount-mismatch', detail: 'y' },
    ]);
    const cleanDay = await plantReport(`${year + 50}-${day}`, []);
    const summary = await run(ledgerImbalanceScan({ ledger: new DynamoDbLedgerSource(tables.payments), pageSize: 200 }));
    expect(summary.complete).toBe(true);
    expect(await findings.get(findingIdOf('ledger-imbalance', `${orderId}/CAPTURE#unbalanced`))).toMatchObject({
      severity: 'critical',
      status: 'open',
      details: { orderId, debits: 12_345, credits: 12_300 },
    });
    expect(await findings.get(findingIdOf('ledger-imbalance', `${orderId}/FEE#one-sided`))).toMatchObject({ severity: 'critical', details: { debits: 45, credits: 0 } });
    expect(await findings.get(findingIdOf('ledger-imbalance', `${orderId}/CAPTURE#balanced`))).toBeUndefined();
    expect(await findings.get(findingIdOf('ledger-imbalance', `reconciliation/${mismatchedDay}`))).toMatchObject({
      severity: 'high',
      status: 'open',
      details: { mismatches: 2, kinds: 'amount-mismatch, missing-capture' },
    });
    expect(await findings.get(findingIdOf('ledger-imbalance', `reconciliation/${cleanDay}`))).toBeUndefined();
  });
});

describe('CMP-1 reservation-drift against DynamoDB Local', () => {
  const WAREHOUSE = 'WH-SH';
  const sku = () => `DRIFT-${ulid()}`;
  const anHourAgo = () => new Date(Date.now() - HOUR);
  const transact = (items: StockTransactItem[]) => documentClient().send(new TransactWriteCommand({ TransactItems: items }));
  /** A stock item as catalog creates it. */
  const plantStock = (s: string, onHand: number, reserved: number, updatedAt = anHourAgo().toISOString()) =>
    put(tables.catalog, { pk: `PRODUCT#${s}`, sk: `STOCK#${WAREHOUSE}`, type: 'Stock', sku: s, warehouseId: WAREHOUSE, onHand, reserved, available: onHand - reserved, updatedAt });
  const drift = () => reservationDriftScan({ stock: new DynamoDbStockSource(tables.catalog), pageSize: 500 });

  it('CMP-1, ORD-4: a reserved counter that differs from its live reservation records is high; stock changed through the stock contract (reserve, release, buckets) is clean', async () => {
    // clean: reservations made and released through catalog's stock contract
    const clean = sku();
    await plantStock(clean, 10, 0);
    await transact(reserveStock(tables.catalog, { orderId: ulid(), sku: clean, warehouseId: WAREHOUSE, quantity: 3 }, anHourAgo()));
    const released = ulid();
    await transact(reserveStock(tables.catalog, { orderId: released, sku: clean, warehouseId: WAREHOUSE, quantity: 2 }, anHourAgo()));
    await transact(releaseStock(tables.catalog, { orderId: released, sku: clean, warehouseId: WAREHOUSE, quantity: 2 }, anHourAgo()));
    // clean: a hot SKU's buckets
    const hot = sku();
    await transact(createStockBuckets(tables.catalog, { sku: hot, warehouseId: WAREHOUSE, onHand: 10, buckets: 2 }, anHourAgo()));
    await transact(reserveStock(tables.catalog, { orderId: ulid(), sku: hot, warehouseId: WAREHOUSE, quantity: 2, bucket: 0 }, anHourAgo()));
    await transact(reserveStock(tables.catalog, { orderId: ulid(), sku: hot, warehouseId: WAREHOUSE, quantity: 1, bucket: 1 }, anHourAgo()));
    // drift: a counter holding units no reservation holds (a record lost), and one without a counter
    const leaked = sku();
    await plantStock(leaked, 10, 0);
    await transact(reserveStock(tables.catalog, { orderId: ulid(), sku: leaked, warehouseId: WAREHOUSE, quantity: 4 }, anHourAgo()));
    await plantStock(leaked, 10, 7);
    const orphan = sku();
    await put(tables.catalog, {
      pk: `RESERVATION#${ulid()}`,
      sk: `${orphan}#${WAREHOUSE}`,
      type: 'Reservation',
      orderId: ulid(),
      sku: orphan,
      warehouseId: WAREHOUSE,
      status: 'reserved',
      quantity: 2,
      updatedAt: anHourAgo().toISOString(),
    });
    // drift, but just changed: left to the next run
    const recent = sku();
    await plantStock(recent, 10, 5, new Date().toISOString());

    const summary = await run(drift());
    expect(summary.complete).toBe(true);
    expect(await findings.get(findingIdOf('reservation-drift', `${leaked}/${WAREHOUSE}`))).toMatchObject({
      severity: 'high',
      status: 'open',
      details: { sku: leaked, reservedCounter: 7, liveReservations: 4, liveRecords: 1, drift: 3 },
    });
    expect(await findings.get(findingIdOf('reservation-drift', `${orphan}/${WAREHOUSE}`))).toMatchObject({
      severity: 'high',
      details: { reservedCounter: 0, liveReservations: 2, drift: -2 },
    });
    for (const quiet of [clean, hot, recent]) expect(await findings.get(findingIdOf('reservation-drift', `${quiet}/${WAREHOUSE}`))).toBeUndefined();

    // the counter is corrected: the next complete run resolves the finding as fixed
    await plantStock(leaked, 10, 4);
    await run(drift());
    expect(await findings.get(findingIdOf('reservation-drift', `${leaked}/${WAREHOUSE}`))).toMatchObject({
      status: 'resolved',
      resolution: { outcome: 'fixed', by: 'system:reservation-drift' },
    });
  });
});
