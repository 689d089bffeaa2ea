/**
 * SEC-4 / RISK-7 / CMP-1: `GET /admin/audit` (admin only) through the HTTP handler on DynamoDB
 * Local and the local KMS — a page of entries newest first, filtered by resource, actor and time,
 * paginated, with the chain's last verification state from the scheduled verifier.
 */
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbAuditLog, kmsChainMacFromEnv, readAuditVerification } from '../../../shared/audit.ts';
import { newId } from '../../../shared/ids.ts';
import { makeListAuditEntriesHandler } from '../../../functions/audit/handlers/list-audit-entries.ts';
import { DynamoDbAuditChainFindings } from '../../../functions/compliance/audit-chain-findings.ts';
import { makeVerifyAuditChainHandler } from '../../../functions/compliance/handlers/verify-audit-chain.ts';
import { apiEvent, claimsFor, jsonBody, lambdaContext } from '../../support/http-events.ts';
import { useLocalDynamoDb } from '../../support/local-dynamodb-env.ts';

let audit: DynamoDbAuditLog;
let complianceTable: string;

beforeAll(async () => {
  const { endpoint } = useLocalDynamoDb();
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const auditTable = `audit-api-${newId()}`;
  complianceTable = `compliance-api-${newId()}`;
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
  audit = new DynamoDbAuditLog(auditTable);
  for (let i = 1; i <= 5; i++) {
    await audit.record({
      actor: i % 2 === 0 ? 'ops-2' : 'ops-1',
      roles: ['ops'],
      action: 'order.cancel',
      resource: { type: 'order', id: i <= 3 ? 'O-1' : 'O-2' },
      reason: `r${i}`,
    });
  }
});

const list = (claims: Record<string, string>, query: Record<string, string> = {}) =>
  makeListAuditEntriesHandler({ trail: () => audit, verification: () => readAuditVerification(complianceTable) })(
    apiEvent({ path: '/admin/audit', resource: '/admin/audit', query, claims }),
    lambdaContext(),
  );

type Page = { items: Array<{ seq: number; actor: string; resource: { id: string } }>; nextCursor?: string; verification: { intact: boolean; entries: number } | null };

describe('GET /admin/audit (SEC-4, RISK-7, CMP-1)', () => {
  it('admin only: other staff roles get 403', async () => {
    expect((await list(claimsFor('ops-1', 'ops'))).statusCode).toBe(403);
    expect((await list(claimsFor('an-1', 'analyst'))).statusCode).toBe(403);
  });

  it('pages entries newest first, with a null verification before the first run', async () => {
    const first = await list(claimsFor('admin-1', 'admin'), { limit: '2' });
    expect(first.statusCode).toBe(200);
    const page1 = jsonBody<Page>(first);
    expect(page1.items.map((e) => e.seq)).toEqual([5, 4]);
    expect(page1.verification).toBeNull();
    const page2 = jsonBody<Page>(await list(claimsFor('admin-1', 'admin'), { limit: '2', cursor: page1.nextCursor ?? '' }));
    expect(page2.items.map((e) => e.seq)).toEqual([3, 2]);
  });

  it('filters by resource and actor, and refuses a malformed filter with 400', async () => {
    const byResource = jsonBody<Page>(await list(claimsFor('admin-1', 'admin'), { resource: 'order:O-1' }));
    expect(byResource.items.map((e) => e.seq).sort()).toEqual([1, 2, 3]);
    const byActor = jsonBody<Page>(await list(claimsFor('admin-1', 'admin'), { actor: 'ops-2' }));
    expect(byActor.items.map((e) => e.seq)).toEqual([4, 2]);
    const future = jsonBody<Page>(await list(claimsFor('admin-1', 'admin'), { from: '2999-01-01T00:00:00Z' }));
    expect(future.items).toEqual([]);
    expect((await list(claimsFor('admin-1', 'admin'), { resource: 'no separator' })).statusCode).toBe(400);
  });

  it('reports the last verification of the chain', async () => {
    const findings = new DynamoDbAuditChainFindings(complianceTable);
    await makeVerifyAuditChainHandler({
      chain: () => audit,
      mac: kmsChainMacFromEnv,
      findings: () => findings,
      anchors: () => ({ latest: async () => undefined, anchor: async () => {} }),
    })({}, lambdaContext() as never);
    const page = jsonBody<Page>(await list(claimsFor('admin-1', 'admin')));
    expect(page.verification).toMatchObject({ intact: true, entries: 5 });
  });
});
