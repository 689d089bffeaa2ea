/**
 * The risk thresholds as data (RISK-4) with maker-checker (RISK-7), against DynamoDB Local on a
 * table of their own (so other files' assessments keep the defaults): a proposal waits for a second
 * risk analyst, its proposer cannot approve it, an approval against thresholds that moved on is a
 * 409, and once approved the next assessment decides with the new thresholds.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  process.env.RISK_RULES_CACHE_SECONDS = '0';
});

import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ulid } from 'ulid';
import type { DomainEvent } from '../../../events/event-definition.ts';
import { OrderPlaced } from '../../../events/order-placed.ts';
import type { OrderPlacedPayload } from '../../../functions/fraud/assess-order.ts';
import { makeAssessOrderHandler } from '../../../functions/fraud/handlers/assess-order.ts';
import { makeDecideRiskSettingsChangeHandler } from '../../../functions/fraud/handlers/decide-risk-settings-change.ts';
import { makeGetRiskSettingsHandler } from '../../../functions/fraud/handlers/get-risk-settings.ts';
import { makePutRiskSettingsHandler } from '../../../functions/fraud/handlers/put-risk-settings.ts';
import { DynamoDbRiskSettingsStore } from '../../../functions/fraud/settings-store.ts';
import type { AuditEvent } from '../../../shared/audit.ts';
import type { EventPublisher } from '../../../shared/events.ts';
import { apiEvent, claimsFor, eventBridgeEvent, jsonBody, lambdaContext, sqsEvent, sqsRecord } from '../../support/http-events.ts';
import { useLocalDynamoDb } from '../../support/local-dynamodb-env.ts';

let store: DynamoDbRiskSettingsStore;
const audited: AuditEvent[] = [];
const published: DomainEvent[] = [];
const ports = () => ({
  riskSettings: () => store,
  audit: () => ({ record: async (event: AuditEvent) => (audited.push(event), { ...event, seq: audited.length, at: '', prevHash: '', hash: '' }) as never }),
  events: (): EventPublisher => ({ publish: async (events) => void published.push(...events) }),
});

beforeAll(async () => {
  const { endpoint } = useLocalDynamoDb();
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const table = `risk-settings-${ulid()}`;
  await client.send(
    new CreateTableCommand({
      TableName: table,
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
  store = new DynamoDbRiskSettingsStore(table);
});

const call = async (
  handler: (e: never, c: never) => Promise<unknown>,
  analyst: string,
  init: { method: string; path: string; resource?: string; body?: unknown; pathParameters?: Record<string, string> },
) => {
  const result = (await handler(
    apiEvent({ ...init, resource: init.resource ?? init.path, headers: { 'Idempotency-Key': ulid() }, claims: claimsFor(analyst, 'risk-analyst') }) as never,
    lambdaContext() as never,
  )) as { statusCode: number };
  return { status: result.statusCode, json: jsonBody<Record<string, unknown>>(result as never) };
};
const propose = (analyst: string, reviewThreshold: number, rejectThreshold: number) =>
  call(makePutRiskSettingsHandler(ports()) as never, analyst, {
    method: 'PUT',
    path: '/admin/settings/risk',
    body: { reviewThreshold, rejectThreshold, reason: 'tighten after a fraud wave' },
  });
const decide = (decision: 'approve' | 'reject', analyst: string, changeId: string) =>
  call(makeDecideRiskSettingsChangeHandler(decision, ports()) as never, analyst, {
    method: 'POST',
    path: `/admin/settings/risk/changes/${changeId}/${decision}`,
    resource: `/admin/settings/risk/changes/{changeId}/${decision}`,
    pathParameters: { changeId },
    body: { reason: 'checked the backtest' },
  });
const current = async () =>
  (await call(makeGetRiskSettingsHandler(ports()) as never, 'ana', { method: 'GET', path: '/admin/settings/risk' })).json as {
    current: { reviewThreshold: number; rejectThreshold: number; version: number };
    pending: Array<{ changeId: string }>;
  };

/** An order scoring 15 (billing region differs from shipping): approved at the default review threshold of 40. */
function mismatchOrder(): OrderPlacedPayload {
  const orderId = ulid();
  const hex = (seed: string) => Buffer.from(seed).toString('hex').padEnd(64, '0').slice(0, 64);
  return {
    ...OrderPlaced.example,
    orderId,
    customerId: `cust-${orderId}`,
    placedAt: new Date().toISOString(),
    paymentDueBy: new Date(Date.now() + 1_800_000).toISOString(),
    total: { amount: 10_000, currency: 'CNY' },
    amountDue: { amount: 10_000, currency: 'CNY' },
    shippingRegion: 'east',
    billingRegion: 'west',
    riskSignals: { emailDomain: 'example.com', emailHash: hex(`e${orderId}`), phoneHash: hex(`p${orderId}`), addressHash: hex(`a${orderId}`), deviceId: `dev-${orderId}` },
  } as OrderPlacedPayload;
}
const assess = async (o: OrderPlacedPayload) => {
  const handler = makeAssessOrderHandler(ports());
  await handler(
    sqsEvent(sqsRecord(eventBridgeEvent(OrderPlaced.name, OrderPlaced.source, { version: 1, ...o, meta: { correlationId: 'c', occurredAt: o.placedAt, eventId: ulid() } }))),
    lambdaContext(),
  );
  return published.find((e) => (e.payload as { orderId?: string }).orderId === o.orderId && e.definition.name.startsWith('Risk'))?.definition.name;
};

describe('risk thresholds with a second analyst (RISK-4, RISK-7)', () => {
  it('a proposal waits (202) and changes nothing; its proposer cannot approve it; a second analyst does, and the next order is decided with it', async () => {
    expect(await assess(mismatchOrder())).toBe('RiskApproved');
    const proposed = await propose('ana', 10, 75);
    expect(proposed.status).toBe(202);
    expect(proposed.json).toMatchObject({ status: 'pending', reviewThreshold: 10, rejectThreshold: 75, baseVersion: 0, proposedBy: 'ana' });
    const changeId = String(proposed.json.changeId);
    expect(await current()).toMatchObject({ current: { reviewThreshold: 40, rejectThreshold: 75, version: 0 }, pending: [{ changeId }] });
    expect(await assess(mismatchOrder())).toBe('RiskApproved');

    expect((await decide('approve', 'ana', changeId)).status).toBe(403);
    const approved = await decide('approve', 'bo', changeId);
    expect(approved.status).toBe(200);
    expect(approved.json).toMatchObject({ change: { status: 'approved', decidedBy: 'bo' }, current: { reviewThreshold: 10, rejectThreshold: 75, version: 1 } });
    expect(await assess(mismatchOrder())).toBe('RiskReviewRequired');
    expect((await decide('approve', 'cy', changeId)).status).toBe(409);
    expect(audited.map((e) => [e.action, e.actor])).toEqual(
      expect.arrayContaining([
        ['risk-settings.propose', 'ana'],
        ['risk-settings.approve', 'bo'],
      ]),
    );
  });

  it('the thresholds in force again → 200, nothing recorded; review ≥ reject → 400; an approval against thresholds that moved on → 409; a rejection applies nothing', async () => {
    const now = (await current()).current;
    const same = await propose('ana', now.reviewThreshold, now.rejectThreshold);
    expect(same.status).toBe(200);
    expect((await propose('ana', 80, 75)).status).toBe(400);

    const first = String((await propose('ana', 20, 80)).json.changeId);
    const second = String((await propose('bo', 30, 90)).json.changeId);
    expect((await decide('approve', 'cy', second)).status).toBe(200);
    const stale = await decide('approve', 'cy', first);
    expect(stale.status).toBe(409);
    expect(JSON.stringify(stale.json)).toContain('changed since');
    const third = String((await propose('ana', 35, 95)).json.changeId);
    expect((await decide('reject', 'bo', third)).json).toMatchObject({ change: { status: 'rejected' }, current: { reviewThreshold: 30, rejectThreshold: 90 } });
    expect((await current()).current).toMatchObject({ reviewThreshold: 30, rejectThreshold: 90, version: 2 });
  });
});
