/**
 * The restore drill (OPS-2, `npm run restore-drill`) against a seeded DynamoDB Local of its own
 * (never the run's shared one: the second case plants a broken ledger movement): every table of
 * the app is exported, restored into a fresh DynamoDB Local, and checked — item counts per table,
 * GSIs usable after the restore, and the payments ledger balanced (each movement, the trial
 * balance, every account as exported). A movement that does not balance fails the drill, naming it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { createTables } from '../../../infra/local/cloud.ts';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../../infra/local/dynamodb-local.ts';
import { readAssembly, ResourceNames } from '../../../infra/local/template.ts';
import { authorizationMovement, captureMovement, type LedgerMovement } from '../../../functions/payments/domain/ledger.ts';
import { formatRestoreDrill, runRestoreDrill } from '../../../scripts/restore-drill.ts';
import { tablesByCapability } from '../../support/tables.ts';

let source: DynamoDbLocal;
let doc: DynamoDBDocumentClient;
let tables: Record<string, string>;
const exportDirs: string[] = [];

const ledgerItem = (m: LedgerMovement) => ({
  pk: `ORDER#${m.orderId}`,
  sk: `LEDGER#${m.movementId}`,
  itemType: 'ledger',
  gsi1pk: `LEDGER#${m.at.slice(0, 10)}`,
  gsi1sk: `${m.at}#${m.orderId}#${m.movementId}`,
  ...m,
});

async function seedOrderPayment(amount: number): Promise<string> {
  const orderId = ulid();
  const subject = { orderId, paymentId: `pay-${orderId}`, method: 'card' as const, currency: 'CNY' };
  const at = '2026-11-11T00:00:01.000Z';
  for (const m of [
    authorizationMovement(subject, amount, at, `pi_${orderId}`),
    captureMovement(subject, { captureId: `ch_${orderId}`, amount, at, fromHold: true, receivable: 'provider' }),
  ]) {
    await doc.send(new PutCommand({ TableName: tables.payments, Item: ledgerItem(m) }));
  }
  return orderId;
}

const exportDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'restore-drill-'));
  exportDirs.push(dir);
  return dir;
};

beforeAll(async () => {
  source = await startDynamoDbLocal();
  const [stack] = readAssembly(inject('assemblyDir'));
  const names = new ResourceNames(stack as NonNullable<typeof stack>, { api: '', aws: '', dynamodb: source.endpoint });
  const ddb = new DynamoDBClient({ endpoint: source.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  await createTables(ddb, names);
  doc = DynamoDBDocumentClient.from(ddb);
  tables = tablesByCapability(names);
  // an order in the orders table, catalogue items, and three paid orders in the ledger (¥59.90, ¥128.00, ¥3,999.00)
  await doc.send(new PutCommand({ TableName: tables.orders, Item: { pk: 'ORDER#drill-1', sk: 'ORDER', status: 'PAID', total: 19_170 } }));
  for (let i = 0; i < 30; i++) await doc.send(new PutCommand({ TableName: tables.catalog, Item: { pk: `PRODUCT#DRILL-${i}`, sk: 'PRODUCT', price: 1_000 + i } }));
  for (const amount of [5_990, 12_800, 399_900]) await seedOrderPayment(amount);
}, 120_000);

afterAll(async () => {
  doc?.destroy();
  await source?.stop();
  for (const dir of exportDirs) fs.rmSync(dir, { recursive: true, force: true });
});

const restorableTables = () => Object.entries(tables).flatMap(([short, name]) => (short === 'customerKey' ? [] : [name]));

describe('restore drill (OPS-2)', () => {
  it('OPS-2: every table but the customer keyring is exported and restored into a fresh DynamoDB Local with the same item counts, and the payments ledger balances', async () => {
    const result = await runRestoreDrill({ sourceEndpoint: source.endpoint, exportDir: exportDir() });
    expect(result.ok, formatRestoreDrill(result)).toBe(true);
    const byTable = Object.fromEntries(result.tables.map((t) => [t.table, t]));
    // SEC-3: a restored keyring would bring erased customers' data back, so it is never copied
    expect(tables.customerKey).toMatch(/CustomerKeyTable/);
    expect(Object.keys(byTable).sort()).toEqual(restorableTables().sort());
    expect(byTable[tables.catalog as string]).toMatchObject({ exported: 30, restored: 30, ok: true });
    expect(byTable[tables.orders as string]).toMatchObject({ exported: 1, restored: 1, ok: true });
    expect(byTable[tables.payments as string]).toMatchObject({ exported: 6, restored: 6, ok: true });

    const [ledger] = result.ledger.restored;
    expect(ledger).toMatchObject({ table: tables.payments, movements: 6, unbalanced: [], trialBalance: 0 });
    // captured ¥4,186.90 in total: owed by the provider, earned as customer payments; holds released
    expect(ledger?.accounts).toEqual({ 'customer-authorization-hold': 0, 'authorization-commitment': 0, 'provider-receivable': 418_690, 'customer-payments': -418_690 });
    expect(result.ledger.source).toEqual(result.ledger.restored);
    expect(formatRestoreDrill(result)).toContain('Restore drill: PASSED');
  });

  it('OPS-2: a ledger movement that does not balance fails the drill and is named', async () => {
    const orderId = ulid();
    const broken = { ...authorizationMovement({ orderId, paymentId: `pay-${orderId}`, method: 'card', currency: 'CNY' }, 1_000, '2026-11-11T00:00:02.000Z', `pi_${orderId}`) };
    const postings = [
      { account: 'customer-authorization-hold', side: 'debit', amount: 1_000 },
      { account: 'authorization-commitment', side: 'credit', amount: 999 },
    ];
    await doc.send(new PutCommand({ TableName: tables.payments, Item: { ...ledgerItem(broken), postings } }));
    const result = await runRestoreDrill({ sourceEndpoint: source.endpoint, exportDir: exportDir() });
    expect(result.ok).toBe(false);
    expect(result.tables.every((t) => t.ok)).toBe(true); // the copy itself is faithful
    expect(result.ledger.problems).toEqual([
      expect.stringContaining(`movement AUTH of order ${orderId}: debits 1000 ≠ credits 999`),
      expect.stringContaining('trial balance 1 ≠ 0'),
    ]);
    expect(formatRestoreDrill(result)).toContain('Restore drill: FAILED');
  });

  it('the restored tables keep their indexes: the ledger of a day is queryable by its GSI after the restore', async () => {
    const dir = exportDir();
    const target = await startDynamoDbLocal();
    const targetDoc = DynamoDBDocumentClient.from(
      new DynamoDBClient({ endpoint: target.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
    );
    try {
      await runRestoreDrill({ sourceEndpoint: source.endpoint, targetEndpoint: target.endpoint, exportDir: dir });
      const { Items } = await targetDoc.send(
        new QueryCommand({ TableName: tables.payments, IndexName: 'byGroup', KeyConditionExpression: 'gsi1pk = :d', ExpressionAttributeValues: { ':d': 'LEDGER#2026-11-11' } }),
      );
      expect(Items?.length).toBeGreaterThanOrEqual(7);
      expect(fs.readdirSync(dir).filter((f) => f.endsWith('.jsonl'))).toHaveLength(restorableTables().length);
    } finally {
      targetDoc.destroy();
      await target.stop();
    }
  });
});
