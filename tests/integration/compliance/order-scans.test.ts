/**
 * The order scans (CMP-1) against DynamoDB Local: each finds the defect planted in a raw order item
 * and nothing on a clean order. The orders table is shared with other tests, so the assertions look
 * at the planted orders only.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { DynamoDbFindingsRepository, findingIdOf } from '../../../functions/compliance/findings-repository.ts';
import { makeRunScanHandler } from '../../../functions/compliance/handlers/run-scan.ts';
import { DynamoDbOrderSource } from '../../../functions/compliance/order-source.ts';
import type { ComplianceScan } from '../../../functions/compliance/scans/compliance-scan.ts';
import { plaintextPersonalDataScan } from '../../../functions/compliance/scans/plaintext-personal-data.ts';
import { retentionOverdueScan } from '../../../functions/compliance/scans/retention-overdue.ts';
import { unpaidOrdersScan } from '../../../functions/compliance/scans/unpaid-orders.ts';
import { documentClient } from '../../../shared/dynamodb.ts';
import { lambdaContext } from '../../support/http-events.ts';
import { useLocalDynamoDb } from '../../support/local-dynamodb-env.ts';

let ordersTable: string;
let findings: DynamoDbFindingsRepository;
let orders: DynamoDbOrderSource;

/** A well-formed field-encrypted value (shared/field-encryption.ts format). */
const sealed = () => `v1.${'A'.repeat(40)}.${'B'.repeat(16)}.${ulid()}${ulid()}`;
const encryptedPersonal = () => ({ name: sealed(), phone: sealed(), line1: sealed(), city: sealed(), postalCode: sealed(), email: sealed() });
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

async function plantOrder(overrides: Record<string, unknown>): Promise<string> {
  const orderId = ulid();
  await documentClient().send(
    new PutCommand({
      TableName: ordersTable,
      Item: {
        pk: `ORDER#${orderId}`,
        sk: 'ORDER',
        type: 'Order',
        orderId,
        customerId: `cust-${ulid()}`,
        status: 'DELIVERED',
        placedAt: iso(Date.now() - 2 * DAY),
        paymentDueBy: null,
        updatedAt: iso(Date.now() - DAY),
        shipments: [{ shipmentId: ulid(), carrier: 'sandbox', status: 'DELIVERED', updatedAt: iso(Date.now() - DAY) }],
        personal: encryptedPersonal(),
        ...overrides,
      },
    }),
  );
  return orderId;
}

async function run(scan: ComplianceScan) {
  return makeRunScanHandler({ scan: () => scan, findings: () => findings })({}, lambdaContext(120_000));
}

describe('CMP-1 order scans against DynamoDB Local', () => {
  beforeAll(() => {
    const { tables } = useLocalDynamoDb();
    ordersTable = tables.orders;
    findings = new DynamoDbFindingsRepository(tables.compliance);
    orders = new DynamoDbOrderSource(tables.orders);
  });

  it('CMP-1: plaintext-personal-data finds a personal attribute in clear and a phone number in clear elsewhere, and nothing on an encrypted order', async () => {
    const clearName = await plantOrder({ personal: { ...encryptedPersonal(), name: '张三' } });
    const phoneInNote = await plantOrder({ deliveryNote: 'call 13812345678 before delivery' });
    const clean = await plantOrder({});
    // The sealed form (one value for the whole record, orders since 2026-12): sealed is clean, text in its place is a finding.
    const sealedClean = await plantOrder({ personal: encryptedPersonal().name });
    const unsealed = await plantOrder({ personal: '{"name":"李四","phone":"13912345678"}' });
    const summary = await run(plaintextPersonalDataScan({ orders, pageSize: 50 }));
    expect(summary.complete).toBe(true);
    const first = await findings.get(findingIdOf('plaintext-personal-data', `orders#${clearName}`));
    expect(first).toMatchObject({ severity: 'critical', status: 'open', details: { attributes: 'personal.name' } });
    expect(JSON.stringify(first)).not.toContain('张三');
    const second = await findings.get(findingIdOf('plaintext-personal-data', `orders#${phoneInNote}`));
    expect(second).toMatchObject({ severity: 'critical', details: { attributes: 'deliveryNote', kinds: 'phone' } });
    expect(JSON.stringify(second)).not.toContain('13812345678');
    expect(await findings.get(findingIdOf('plaintext-personal-data', `orders#${clean}`))).toBeUndefined();
    expect(await findings.get(findingIdOf('plaintext-personal-data', `orders#${sealedClean}`))).toBeUndefined();
    const third = await findings.get(findingIdOf('plaintext-personal-data', `orders#${unsealed}`));
    expect(third).toMatchObject({ severity: 'critical', details: { attributes: 'personal' } });
    expect(JSON.stringify(third)).not.toContain('李四');
  });

  it('CMP-1, CMP-2: retention-overdue finds an order completed past the retention period that still holds personal data, not a recent one or an erased one', async () => {
    const old = iso(Date.now() - 1200 * DAY);
    const overdue = await plantOrder({ shipments: [{ shipmentId: ulid(), carrier: 'sandbox', status: 'DELIVERED', updatedAt: old }], updatedAt: old });
    const cancelledLongAgo = await plantOrder({
      status: 'CANCELLED',
      shipments: [],
      cancellation: { by: 'customer', actor: 'c', reason: 'changed mind', at: old },
      updatedAt: old,
    });
    const erased = await plantOrder({ shipments: [{ shipmentId: ulid(), carrier: 'sandbox', status: 'DELIVERED', updatedAt: old }], personal: {} });
    const recent = await plantOrder({});
    const overdueSealed = await plantOrder({
      shipments: [{ shipmentId: ulid(), carrier: 'sandbox', status: 'DELIVERED', updatedAt: old }],
      updatedAt: old,
      personal: encryptedPersonal().name,
    });
    await run(retentionOverdueScan({ orders, retentionDays: 1095, pageSize: 50 }));
    expect(await findings.get(findingIdOf('retention-overdue', overdue))).toMatchObject({ severity: 'high', status: 'open', details: { retentionDays: 1095 } });
    expect(await findings.get(findingIdOf('retention-overdue', cancelledLongAgo))).toMatchObject({ status: 'open', details: { completedAt: old } });
    expect(await findings.get(findingIdOf('retention-overdue', erased))).toBeUndefined();
    expect(await findings.get(findingIdOf('retention-overdue', recent))).toBeUndefined();
    expect(await findings.get(findingIdOf('retention-overdue', overdueSealed))).toMatchObject({ severity: 'high', details: { attributes: 'personal' } });
  });

  it('CMP-1: unpaid-orders finds an order awaiting payment past its window, not one still within it; a paid one resolves it as fixed', async () => {
    const overdue = await plantOrder({ status: 'PLACED', shipments: [], paymentDueBy: iso(Date.now() - 60 * 60_000) });
    const withinWindow = await plantOrder({ status: 'PLACED', shipments: [], paymentDueBy: iso(Date.now() + 10 * 60_000) });
    await run(unpaidOrdersScan({ orders, pageSize: 50 }));
    const found = await findings.get(findingIdOf('unpaid-orders', overdue));
    expect(found).toMatchObject({ severity: 'medium', status: 'open', details: { status: 'PLACED' } });
    expect(await findings.get(findingIdOf('unpaid-orders', withinWindow))).toBeUndefined();

    // the order is cancelled by the sweep since: the next complete run resolves the finding
    await plantOrder({});
    await documentClient().send(
      new PutCommand({
        TableName: ordersTable,
        Item: { pk: `ORDER#${overdue}`, sk: 'ORDER', type: 'Order', orderId: overdue, status: 'CANCELLED', paymentDueBy: null, shipments: [], personal: encryptedPersonal() },
      }),
    );
    await run(unpaidOrdersScan({ orders, pageSize: 50 }));
    expect(await findings.get(findingIdOf('unpaid-orders', overdue))).toMatchObject({ status: 'resolved', resolution: { outcome: 'fixed', by: 'system:unpaid-orders' } });
  });
});
