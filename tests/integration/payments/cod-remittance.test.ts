/**
 * PAY-4 on DynamoDB Local: cash on delivery reaches the company's accounts. Ops record a carrier's
 * remittance report (`POST /admin/cod-remittances`): each delivered COD order's cash is booked to
 * the bank and the carrier's fee to carrier fees, the order's ledger still balanced; the same report
 * again books nothing; other content under its id is a 409; the report is audited and readable.
 * The daily reconciliation N days after delivery reports the order whose cash is still owed.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import { ACCOUNTS, balancesOf } from '../../../functions/payments/domain/ledger.ts';
import type { ReconciliationReport } from '../../../functions/payments/domain/reconciliation.ts';
import { daysBefore } from '../../../functions/payments/reconcile.ts';
import { newId } from '../../../shared/ids.ts';
import { lambdaContext } from '../../support/http-events.ts';
import { useLocalDynamoDb } from '../../support/local-dynamodb-env.ts';
import { paymentsHarness, type PaymentsHarness, type TestOrder } from './harness.ts';

let h: PaymentsHarness;

beforeAll(() => {
  useLocalDynamoDb();
  h = paymentsHarness();
});

async function deliveredCod(amount: number): Promise<TestOrder> {
  const o = h.newOrder('cod', amount);
  for (const [name, detail] of [
    ['OrderPlaced', h.events.placed(o)],
    ['RiskApproved', h.events.approved(o)],
    ['OrderShipped', h.events.shipped(o)],
    ['OrderDelivered', h.events.delivered(o)],
  ] as const) {
    expect(await h.deliver(name, detail)).toBe(true);
  }
  return o;
}

const remit = (body: Record<string, unknown>, sub = 'ops-1') =>
  h.http(h.handlers.recordRemittance, { path: '/admin/cod-remittances', resource: '/admin/cod-remittances', pathParameters: {}, body, sub, roles: ['ops'] });

describe('carriers’ COD remittances (PAY-4)', () => {
  it('books remitted cash and the carrier’s fee per order; a retry books nothing; other content under the id is a 409; audited; readable', async () => {
    const paid = await deliveredCod(12_900);
    const short = await deliveredCod(5_000);
    const remittanceId = `SF-${newId()}`;
    const body = {
      remittanceId,
      carrier: 'sf-express',
      remittedAt: h.clock.now().toISOString(),
      lines: [
        { orderId: paid.orderId, amount: 12_771, fee: 129 },
        { orderId: short.orderId, amount: 4_000 },
      ],
      reason: 'SF weekly COD settlement',
    };
    const recorded = await remit(body);
    expect(recorded.status).toBe(201);
    expect(recorded.json).toMatchObject({
      remittanceId,
      carrier: 'sf-express',
      totals: { lines: 2, remitted: 16_771, fees: 129, booked: 2, findings: 1 },
      lines: [
        { orderId: paid.orderId, outcome: 'remitted', owedBefore: 12_900, owedAfter: 0 },
        { orderId: short.orderId, outcome: 'short', owedBefore: 5_000, owedAfter: 1_000 },
      ],
      recordedBy: 'ops-1',
    });
    expect(recorded.json).not.toHaveProperty('movements');

    const ledger = balancesOf(await h.repo.listMovements(paid.orderId));
    expect(ledger).toMatchObject({ captured: 12_900, codOutstanding: 0, balanced: true });
    expect(ledger.accounts[ACCOUNTS.bank]).toBe(12_771);
    expect(ledger.accounts[ACCOUNTS.carrierFees]).toBe(129);
    expect(balancesOf(await h.repo.listMovements(short.orderId)).codOutstanding).toBe(1_000);

    const before = (await h.repo.listMovements(paid.orderId)).length;
    const again = await remit(body);
    expect(again.status).toBe(200);
    expect(again.json.totals).toEqual(recorded.json.totals);
    expect(await h.repo.listMovements(paid.orderId)).toHaveLength(before);

    const altered = await remit({ ...body, lines: [{ orderId: paid.orderId, amount: 1 }] });
    expect(altered.status).toBe(409);
    expect(await h.repo.listMovements(paid.orderId)).toHaveLength(before);

    const read = await h.http(h.handlers.getRemittance, {
      method: 'GET',
      path: `/admin/cod-remittances/${remittanceId}`,
      resource: '/admin/cod-remittances/{remittanceId}',
      pathParameters: { remittanceId },
      sub: 'analyst-1',
      roles: ['analyst'],
    });
    expect(read.status).toBe(200);
    expect(read.json.lines).toEqual(recorded.json.lines);
    const missing = await h.http(h.handlers.getRemittance, {
      method: 'GET',
      path: '/admin/cod-remittances/NOPE',
      resource: '/admin/cod-remittances/{remittanceId}',
      pathParameters: { remittanceId: 'NOPE' },
      sub: 'analyst-1',
      roles: ['analyst'],
    });
    expect(missing.status).toBe(404);

    const audited = await h.audit.forResource('cod-remittance', remittanceId);
    expect(audited).toEqual([expect.objectContaining({ actor: 'ops-1', action: 'cod.remittance.record', reason: 'SF weekly COD settlement' })]);
  });

  it('bad reports are a 400 and change nothing', async () => {
    const o = await deliveredCod(3_000);
    const base = {
      remittanceId: `SF-${newId()}`,
      carrier: 'sf-express',
      remittedAt: h.clock.now().toISOString(),
      lines: [{ orderId: o.orderId, amount: 3_000 }],
      reason: 'weekly',
    };
    for (const bad of [
      { ...base, lines: [] },
      { ...base, lines: [{ orderId: o.orderId, amount: -1 }] },
      { ...base, lines: [{ orderId: o.orderId, amount: 1.5 }] },
      { ...base, remittanceId: 'has space' },
      { ...base, reason: undefined },
    ]) {
      expect((await remit(bad)).status).toBe(400);
    }
    expect(balancesOf(await h.repo.listMovements(o.orderId)).codOutstanding).toBe(3_000);
  });

  it('the reconciliation N days after delivery reports the COD order whose cash the carrier still owes, not the remitted one', async () => {
    const deliveredOn = h.clock.now().toISOString().slice(0, 10);
    const owed = await deliveredCod(7_000);
    const remitted = await deliveredCod(2_000);
    expect(
      (
        await remit({
          remittanceId: `SF-${newId()}`,
          carrier: 'sf-express',
          remittedAt: h.clock.now().toISOString(),
          lines: [{ orderId: remitted.orderId, amount: 2_000 }],
          reason: 'weekly',
        })
      ).status,
    ).toBe(201);
    const date = daysBefore(deliveredOn, -7);
    await h.handlers.reconcile({ date }, lambdaContext());
    const report = (await h.repo.getReconciliation(date)) as ReconciliationReport;
    const cod = report.mismatches.filter((m) => m.kind === 'cod-not-remitted');
    expect(cod.map((m) => m.orderId)).toContain(owed.orderId);
    expect(cod.map((m) => m.orderId)).not.toContain(remitted.orderId);
    expect(cod.find((m) => m.orderId === owed.orderId)).toMatchObject({ side: 'carrier', actual: 7_000 });
  });
});
