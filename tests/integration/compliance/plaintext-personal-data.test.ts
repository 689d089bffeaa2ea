/**
 * The plaintext-personal-data scan (CMP-1, SEC-2) over every table that holds personal data,
 * against DynamoDB Local: one plaintext value planted in an item of orders, tickets, returns and
 * the idempotency table each gives one finding naming that item and attribute (never the value);
 * the same items with the values field-encrypted (v1 and v2) or erased give none. The tables are
 * shared with other tests, so the assertions look at the planted items only.
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
import { plaintextPersonalDataScan } from '../../../functions/compliance/scans/plaintext-personal-data.ts';
import { DynamoDbItemSource } from '../../../functions/compliance/table-source.ts';
import { documentClient } from '../../../shared/dynamodb.ts';
import { isEncryptedField } from '../../../shared/field-encryption.ts';
import { lambdaContext } from '../../support/http-events.ts';
import { useLocalDynamoDb } from '../../support/local-dynamodb-env.ts';

const SCAN = 'plaintext-personal-data';
let tables: ReturnType<typeof useLocalDynamoDb>['tables'];
let findings: DynamoDbFindingsRepository;

/** Well-formed field-encrypted values (shared/field-encryption.ts formats): v1, and v2 (under a customer's key). */
const sealedV1 = () => `v1.${'A'.repeat(40)}.${'B'.repeat(16)}.${ulid()}${ulid()}`;
const sealedV2 = () => `v2.${Buffer.from(`cust-${ulid()}`).toString('base64url')}.${'B'.repeat(16)}.${ulid()}${ulid()}`;

const put = (TableName: string, Item: Record<string, unknown>) => documentClient().send(new PutCommand({ TableName, Item }));

async function plantOrder(personalName: string): Promise<string> {
  const orderId = ulid();
  await put(tables.orders, {
    pk: `ORDER#${orderId}`,
    sk: 'ORDER',
    type: 'Order',
    orderId,
    customerId: `cust-${ulid()}`,
    status: 'PLACED',
    paymentDueBy: null,
    shipments: [],
    personal: { name: personalName, phone: sealedV1(), line1: sealedV1(), city: sealedV1(), postalCode: sealedV1(), email: sealedV2() },
  });
  return `orders#${orderId}`;
}

async function plantTicket(subject: string, body: string): Promise<{ ticket: string; message: string }> {
  const ticketId = ulid();
  const messageId = ulid();
  const customerId = `cust-${ulid()}`;
  await put(tables.tickets, {
    pk: `TICKET#${ticketId}`,
    sk: 'TICKET',
    ticketId,
    customerId,
    category: 'order',
    subject,
    status: 'OPEN',
    openedAt: new Date().toISOString(),
    rating: { score: 5, comment: sealedV2(), ratedAt: new Date().toISOString() },
    customerPk: `CUSTOMER#${customerId}`,
  });
  await put(tables.tickets, {
    pk: `TICKET#${ticketId}`,
    sk: `MSG#${messageId}`,
    messageId,
    ticketId,
    author: 'customer',
    authorId: customerId,
    internal: false,
    body,
    at: new Date().toISOString(),
  });
  return { ticket: `tickets#TICKET#${ticketId}#TICKET`, message: `tickets#TICKET#${ticketId}#MSG#${messageId}` };
}

async function plantReturn(comment: string): Promise<string> {
  const returnId = ulid();
  await put(tables.returns, { pk: `RETURN#${returnId}`, sk: 'RETURN', returnId, orderId: ulid(), status: 'REQUESTED', comment });
  return `returns#RETURN#${returnId}#RETURN`;
}

/** A completed idempotency record as Powertools stores it: the (sealed) response as a map in `data`. */
async function plantStoredResponse(data: Record<string, unknown>): Promise<string> {
  const id = `createReturn#${ulid()}`;
  await put(tables.idempotency, { id, status: 'COMPLETED', expiration: Math.floor(Date.now() / 1000) + 3600, validation: 'a'.repeat(64), data });
  return `idempotency#${id}`;
}

async function run() {
  const scan = plaintextPersonalDataScan({
    orders: new DynamoDbOrderSource(tables.orders),
    tables: { tickets: new DynamoDbItemSource(tables.tickets), returns: new DynamoDbItemSource(tables.returns), idempotency: new DynamoDbItemSource(tables.idempotency) },
    pageSize: 100,
  });
  return makeRunScanHandler({ scan: () => scan, findings: () => findings })({}, lambdaContext(300_000));
}

describe('CMP-1 plaintext-personal-data scan over every table that holds personal data (DynamoDB Local)', () => {
  beforeAll(() => {
    tables = useLocalDynamoDb().tables;
    findings = new DynamoDbFindingsRepository(tables.compliance);
  });

  it('CMP-1, SEC-2: one plaintext value planted per table gives one critical finding each, naming the item and attribute, never the value; encrypted or erased items give none', async () => {
    expect(isEncryptedField(sealedV1()) && isEncryptedField(sealedV2())).toBe(true);
    // one plaintext value per table (and per kind of ticket item)
    const order = await plantOrder('张三');
    const clearSubject = await plantTicket('我的快递 13912345678 一直没到', sealedV1());
    const clearMessage = await plantTicket(sealedV2(), 'please write to me at zhang.san@example.cn');
    const clearComment = await plantReturn('wrong size');
    const unsealedResponse = await plantStoredResponse({ statusCode: 201, headers: {}, body: '{"returnId":"R-1","status":"REQUESTED"}' });
    const idInResponse = await plantStoredResponse({ statusCode: 201, headers: { 'x-debug': '110105199003078912' }, sealedBody: sealedV2() });
    // the same items, clean: values encrypted (v1 and v2) or erased (empty)
    const cleanOrder = await plantOrder(sealedV2());
    const cleanTicket = await plantTicket(sealedV1(), sealedV2());
    const erasedTicket = await plantTicket('', '');
    const cleanReturn = await plantReturn(sealedV2());
    const cleanResponse = await plantStoredResponse({ statusCode: 201, headers: { 'content-type': 'application/json' }, sealedBody: sealedV2() });

    const summary = await run();
    expect(summary.complete).toBe(true);

    const expected: Array<[subject: string, attributes: string, kinds: string, value: string]> = [
      [order, 'personal.name', '', '张三'],
      [clearSubject.ticket, 'subject', 'phone', '13912345678'],
      [clearMessage.message, 'body', 'email', 'zhang.san@example.cn'],
      [clearComment, 'comment', '', 'wrong size'],
      [unsealedResponse, 'data.body', '', 'REQUESTED'],
      [idInResponse, 'data.headers.x-debug', 'id-number', '110105199003078912'],
    ];
    // (not asserting `open`: the order-scans test runs this scan over orders alone at the same time, and its
    // complete run resolves the findings it does not report; the finding with its details stays)
    for (const [subject, attributes, kinds, value] of expected) {
      const finding = await findings.get(findingIdOf(SCAN, subject));
      expect(finding, subject).toMatchObject({ scan: SCAN, subject, severity: 'critical', details: { attributes, kinds } });
      expect(JSON.stringify(finding)).not.toContain(value);
    }
    // each planted item exactly once; the other item of each planted ticket is clean
    expect(await findings.get(findingIdOf(SCAN, clearSubject.message))).toBeUndefined();
    expect(await findings.get(findingIdOf(SCAN, clearMessage.ticket))).toBeUndefined();
    for (const subject of [cleanOrder, cleanTicket.ticket, cleanTicket.message, erasedTicket.ticket, erasedTicket.message, cleanReturn, cleanResponse]) {
      expect(await findings.get(findingIdOf(SCAN, subject)), subject).toBeUndefined();
    }
  });
});
