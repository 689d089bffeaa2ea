/**
 * CMP-1 ("audit-log chain breaks"), SEC-4 (tamper-evident audit log), RISK-7 (every staff action
 * audited): the scheduled verifier walks the whole chain in DynamoDB Local with the local KMS
 * VerifyMac and records a high-severity finding on an edited entry, a removed entry or a moved
 * head; an intact chain gives no finding. Each test uses tables of its own, so other files'
 * entries are not touched.
 */
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbAuditLog, kmsChainMacFromEnv } from '../../../shared/audit.ts';
import { documentClient } from '../../../shared/dynamodb.ts';
import { newId } from '../../../shared/ids.ts';
import { DynamoDbAuditChainFindings } from '../../../functions/compliance/audit-chain-findings.ts';
import { makeVerifyAuditChainHandler } from '../../../functions/compliance/handlers/verify-audit-chain.ts';
import type { AuditChainAnchor, AuditChainAnchors, AuditChainVerification } from '../../../functions/compliance/verify-audit-chain.ts';
import { useLocalDynamoDb } from '../../support/local-dynamodb-env.ts';

let endpoint: string;

beforeAll(() => {
  endpoint = useLocalDynamoDb().endpoint;
});

async function freshTables(): Promise<{ audit: DynamoDbAuditLog; auditTable: string; findings: DynamoDbAuditChainFindings }> {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const auditTable = `audit-verify-${newId()}`;
  const complianceTable = `compliance-verify-${newId()}`;
  await client.send(
    new CreateTableCommand({
      TableName: auditTable,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: ['pk', 'sk', 'gsi1pk', 'gsi1sk'].map((name) => ({ AttributeName: name, AttributeType: 'S' as const })),
      GlobalSecondaryIndexes: [
        {
          IndexName: 'byResource',
          KeySchema: [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    }),
  );
  await client.send(
    new CreateTableCommand({
      TableName: complianceTable,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
    }),
  );
  client.destroy();
  return { audit: new DynamoDbAuditLog(auditTable), auditTable, findings: new DynamoDbAuditChainFindings(complianceTable) };
}

async function appendFive(audit: DynamoDbAuditLog): Promise<void> {
  for (let i = 1; i <= 5; i++) {
    await audit.record({ actor: `staff-${i}`, roles: ['ops'], action: 'order.cancel', resource: { type: 'order', id: `O-${i}` }, reason: `reason ${i}` });
  }
}

/** Write-once anchors in memory (S3 Object Lock in AWS): every anchor is kept, the latest is read. */
function memoryAnchors(): AuditChainAnchors & { all: AuditChainAnchor[] } {
  const all: AuditChainAnchor[] = [];
  return { all, latest: async () => all.at(-1), anchor: async (a) => void all.push(Object.freeze({ ...a })) };
}

async function verify(audit: DynamoDbAuditLog, findings: DynamoDbAuditChainFindings, anchors: AuditChainAnchors = memoryAnchors()): Promise<AuditChainVerification> {
  const handler = makeVerifyAuditChainHandler({ chain: () => audit, mac: kmsChainMacFromEnv, findings: () => findings, anchors: () => anchors });
  return (await handler({}, { getRemainingTimeInMillis: () => 60_000 } as never)) as AuditChainVerification;
}

const entryKey = (seq: number) => ({ pk: 'CHAIN', sk: `ENTRY#${String(seq).padStart(12, '0')}` });

describe('scheduled audit-chain verification (CMP-1, SEC-4, RISK-7)', () => {
  it('an intact chain verifies with no finding, and the verification state is stored', async () => {
    const { audit, findings } = await freshTables();
    await appendFive(audit);
    const result = await verify(audit, findings);
    expect(result).toMatchObject({ intact: true, entries: 5, breaks: [], head: { seq: 5 } });
    expect(await findings.finding()).toBeUndefined();
    expect(await findings.lastVerification()).toMatchObject({ intact: true, entries: 5 });
  });

  it('an edited entry (fields changed in DynamoDB) opens a high-severity finding', async () => {
    const { audit, auditTable, findings } = await freshTables();
    await appendFive(audit);
    await documentClient().send(
      new UpdateCommand({
        TableName: auditTable,
        Key: entryKey(3),
        UpdateExpression: 'SET actor = :a, reason = :r',
        ExpressionAttributeValues: { ':a': 'someone-else', ':r': 'nothing to see' },
      }),
    );
    const result = await verify(audit, findings);
    expect(result.intact).toBe(false);
    expect(result.breaks).toContainEqual({ seq: 3, problem: 'hash-mismatch' });
    expect(await findings.finding()).toMatchObject({ severity: 'high', status: 'open', breaks: expect.arrayContaining([{ seq: 3, problem: 'hash-mismatch' }]) });
    expect(await findings.lastVerification()).toMatchObject({ intact: false });
  });

  it('a removed entry (a gap) opens a finding; a removed last entry is caught by the head', async () => {
    const { audit, auditTable, findings } = await freshTables();
    await appendFive(audit);
    await documentClient().send(new DeleteCommand({ TableName: auditTable, Key: entryKey(2) }));
    const result = await verify(audit, findings);
    expect(result.breaks).toEqual(
      expect.arrayContaining([
        { seq: 3, problem: 'gap' },
        { seq: 3, problem: 'prev-hash-mismatch' },
      ]),
    );
    expect(await findings.finding()).toMatchObject({ severity: 'high', status: 'open' });

    const tail = await freshTables();
    await appendFive(tail.audit);
    await documentClient().send(new DeleteCommand({ TableName: tail.auditTable, Key: entryKey(5) }));
    expect((await verify(tail.audit, tail.findings)).breaks).toEqual([{ seq: 5, problem: 'head-mismatch' }]);
  });

  it('anchors the head of an intact chain outside the table; a chain rebuilt consistently (valid MACs and links) no longer matches its anchor', async () => {
    const { audit, auditTable, findings } = await freshTables();
    const anchors = memoryAnchors();
    await appendFive(audit);
    const first = await verify(audit, findings, anchors);
    expect(first).toMatchObject({ intact: true, anchor: { anchoredHead: true } });
    expect(anchors.all).toEqual([expect.objectContaining({ seq: 5, hash: first.head?.hash })]);
    // Unchanged head: checked against the anchor, nothing new anchored.
    expect(await verify(audit, findings, anchors)).toMatchObject({ intact: true, anchor: { checked: { seq: 5 }, anchoredHead: false } });
    await audit.record({ actor: 'staff-6', roles: ['ops'], action: 'order.cancel', resource: { type: 'order', id: 'O-6' }, reason: 'six' });
    expect(await verify(audit, findings, anchors)).toMatchObject({ intact: true, anchor: { checked: { seq: 5 }, anchoredHead: true } });
    expect(anchors.all.map((a) => a.seq)).toEqual([5, 6]);

    // An insider with write access to the table and the MAC key rewrites history: wipes the chain and
    // records a different one. Every MAC and link verifies — only the anchor shows it.
    for (let seq = 1; seq <= 6; seq++) await documentClient().send(new DeleteCommand({ TableName: auditTable, Key: entryKey(seq) }));
    await documentClient().send(new DeleteCommand({ TableName: auditTable, Key: { pk: 'CHAIN', sk: 'HEAD' } }));
    for (let i = 1; i <= 7; i++)
      await audit.record({ actor: `staff-${i}`, roles: ['ops'], action: 'order.read-personal-data', resource: { type: 'order', id: `O-${i}` }, reason: 'benign-looking' });
    const rebuilt = await verify(audit, findings, anchors);
    expect(rebuilt.intact).toBe(false);
    expect(rebuilt.breaks).toEqual([{ seq: 6, problem: 'anchor-mismatch' }]);
    expect(rebuilt.anchor).toEqual({ checked: { seq: 6, hash: anchors.all[1]?.hash }, anchoredHead: false });
    expect(anchors.all).toHaveLength(2);
    expect(await findings.finding()).toMatchObject({ severity: 'high', status: 'open', breaks: [{ seq: 6, problem: 'anchor-mismatch' }] });
  });
});
