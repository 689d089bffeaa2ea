/**
 * ORD-6, AFT-1, AFT-2 on DynamoDB Local and the local KMS: the notification consumer with the
 * sandbox provider. Every customer-facing event produces exactly one notification, even when
 * delivered twice (or told by two events); a failed send is a batch item failure and a later
 * delivery sends it once; the recipient's contact is read just in time through checkout's contact
 * contract (encrypted orders) and never lands in the table in clear; marketing is suppressed
 * without consent; `GET /admin/notifications?customerId=` lists them newest first, paged.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import { PutCommand, ScanCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import {
  CustomerNotificationRequested,
  OrderCancelled,
  OrderDelivered,
  OrderPlaced,
  OrderShipped,
  OrderStatusChanged,
  PaymentRefunded,
  ReturnStatusChanged,
  TicketStatusChanged,
  type AnyEventDefinition,
} from '../../../events/index.ts';
import { contactReaderFromEnv } from '../../../functions/checkout/contact-contract.ts';
import { encryptPersonalData } from '../../../functions/checkout/personal-data.ts';
import { makeListNotificationsHandler } from '../../../functions/notifications/handlers/list-notifications.ts';
import { makeSendNotificationHandler } from '../../../functions/notifications/handlers/send-notification.ts';
import { NotificationsRepository, sandboxMessageKey, type NotificationRecord } from '../../../functions/notifications/notifications-repository.ts';
import { sandboxProvider } from '../../../functions/notifications/providers/sandbox-provider.ts';
import type { NotificationProvider } from '../../../functions/notifications/providers/provider.ts';
import { consentCheckFromEnv } from '../../../functions/privacy/consent-contract.ts';
import { dynamoConsentStore } from '../../../functions/privacy/consent-store.ts';
import { decideConsents } from '../../../functions/privacy/domain/consent.ts';
import { sendNotification } from '../../../functions/notifications/send-notification.ts';
import { systemClock } from '../../../shared/clock.ts';
import { documentClient } from '../../../shared/dynamodb.ts';
import { FieldEncryptor, kmsKeyProvider } from '../../../shared/field-encryption.ts';
import { newId } from '../../../shared/ids.ts';
import { apiEvent, claimsFor, eventBridgeEvent, jsonBody, lambdaContext, sqsEvent, sqsRecord } from '../../support/http-events.ts';
import { useLocalDynamoDb } from '../../support/local-dynamodb-env.ts';

let tables: ReturnType<typeof useLocalDynamoDb>['tables'];
let repository: NotificationsRepository;
let encryptor: FieldEncryptor;

beforeAll(() => {
  ({ tables } = useLocalDynamoDb());
  repository = new NotificationsRepository(tables.notifications);
  encryptor = new FieldEncryptor({ kms: kmsKeyProvider() });
});

const NAME = '赵敏';
const PHONE = '+86 139 0000 0000';

/** An order in the orders table as checkout writes it: personal data encrypted, country in clear. */
async function order(options: { country?: string; email?: string; phone?: string } = {}) {
  const orderId = newId();
  const customerId = `cust-notify-${newId().toLowerCase()}`;
  const email = options.email ?? `zhao.min@notify-${orderId.toLowerCase()}.example.cn`;
  const personal = await encryptPersonalData(encryptor, orderId, customerId, {
    name: NAME,
    phone: options.phone ?? PHONE,
    line1: '中山路1号',
    city: '杭州',
    postalCode: '310000',
    email,
  });
  await documentClient().send(
    new PutCommand({
      TableName: tables.orders,
      Item: { pk: `ORDER#${orderId}`, sk: 'ORDER', orderId, customerId, status: 'PLACED', shippingCountry: options.country ?? 'CN', personal },
    }),
  );
  return { orderId, customerId, email };
}

let seq = 0;
/** An SQS message of `definition` with the example payload and `overrides`. */
function message(definition: AnyEventDefinition, overrides: Record<string, unknown>, eventId = `evt-${++seq}`) {
  const detail = { ...definition.example, ...overrides, version: definition.version, meta: { correlationId: `corr-${seq}`, occurredAt: new Date().toISOString(), eventId } };
  return sqsRecord(eventBridgeEvent(definition.name, definition.source, detail));
}

async function notificationsOf(customerId: string): Promise<NotificationRecord[]> {
  const items: NotificationRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await repository.listByCustomer(customerId, 100, cursor);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

async function sandboxMessage(notificationId: string) {
  const { Item } = await documentClient().send(new GetCommand({ TableName: tables.notifications, Key: sandboxMessageKey(notificationId) }));
  return Item;
}

const handler = makeSendNotificationHandler({ deferRetries: false });

describe('one notification per customer-facing event (ORD-6, AFT-1, AFT-2)', () => {
  it('every event kind produces exactly one notification, even when delivered twice', async () => {
    const o = await order();
    const returnId = newId();
    const ticketId = newId();
    const refundId = newId();
    const cases: Array<{ template: string; record: ReturnType<typeof message> }> = [
      { template: 'order-confirmed', record: message(OrderPlaced, { orderId: o.orderId, customerId: o.customerId }) },
      {
        template: 'order-rejected',
        record: message(OrderStatusChanged, { orderId: o.orderId, customerId: o.customerId, from: 'IN_REVIEW', to: 'REJECTED', reason: 'risk-rejected' }),
      },
      { template: 'order-cancelled', record: message(OrderCancelled, { orderId: o.orderId, customerId: o.customerId }) },
      { template: 'order-shipped', record: message(OrderShipped, { orderId: o.orderId }) },
      { template: 'order-delivered', record: message(OrderDelivered, { orderId: o.orderId }) },
      { template: 'refund-issued', record: message(PaymentRefunded, { orderId: o.orderId, customerId: o.customerId, refundId }) },
      {
        template: 'return-updated',
        record: message(ReturnStatusChanged, { orderId: o.orderId, customerId: o.customerId, returnId, status: 'APPROVED', previousStatus: 'REQUESTED' }),
      },
      { template: 'ticket-updated', record: message(TicketStatusChanged, { ticketId, customerId: o.customerId, orderId: o.orderId, status: 'ANSWERED', previousStatus: 'OPEN' }) },
      {
        template: 'payment-failed',
        record: message(CustomerNotificationRequested, { notificationId: newId(), customerId: o.customerId, orderId: o.orderId, template: 'payment-failed' }),
      },
      {
        template: 'delivery-late',
        record: message(CustomerNotificationRequested, {
          notificationId: newId(),
          customerId: o.customerId,
          orderId: o.orderId,
          template: 'delivery-late',
          requestedBy: 'fulfillment',
        }),
      },
      {
        template: 'delivery-problem',
        record: message(CustomerNotificationRequested, {
          notificationId: newId(),
          customerId: o.customerId,
          orderId: o.orderId,
          template: 'delivery-problem',
          requestedBy: 'fulfillment',
        }),
      },
    ];
    // Each delivered twice: in one batch, and again in a later batch.
    expect(await handler(sqsEvent(...cases.map((c) => c.record), ...cases.map((c) => ({ ...c.record, messageId: `${c.record.messageId}-again` }))), lambdaContext())).toEqual({
      batchItemFailures: [],
    });
    expect(await handler(sqsEvent(...cases.map((c) => c.record)), lambdaContext())).toEqual({ batchItemFailures: [] });

    const records = await notificationsOf(o.customerId);
    expect(records.map((r) => r.template).sort()).toEqual(cases.map((c) => c.template).sort());
    for (const r of records) {
      expect(r, r.template).toMatchObject({ status: 'SENT', provider: 'sandbox', locale: 'zh-CN', orderId: o.orderId, attempts: 1 });
      expect(['email', 'sms'], r.template).toContain(r.channel);
      // exactly one message "sent" per notification, to the masked destination
      const sent = await sandboxMessage(r.notificationId);
      expect(sent, r.template).toMatchObject({ channel: r.channel, destination: r.destination, body: r.body, customerId: o.customerId });
      expect(r.destination).toBe(r.channel === 'email' ? `z***@notify-${o.orderId.toLowerCase()}.example.cn` : '139****0000');
    }
    expect(records.find((r) => r.template === 'order-confirmed')?.body).toContain('¥230.40');
    expect(records.find((r) => r.template === 'order-shipped')?.channel).toBe('sms');
    expect(records.find((r) => r.template === 'order-confirmed')?.channel).toBe('email');
  });

  it('a fact told by two events is one notification: CustomerNotificationRequested(order-cancelled) and OrderCancelled', async () => {
    const o = await order();
    const requested = message(CustomerNotificationRequested, {
      notificationId: newId(),
      customerId: o.customerId,
      orderId: o.orderId,
      template: 'order-cancelled',
      requestedBy: 'checkout',
    });
    const cancelled = message(OrderCancelled, { orderId: o.orderId, customerId: o.customerId });
    expect(await handler(sqsEvent(requested, cancelled), lambdaContext())).toEqual({ batchItemFailures: [] });
    expect((await notificationsOf(o.customerId)).map((r) => [r.template, r.sourceEvent])).toEqual([['order-cancelled', 'CustomerNotificationRequested']]);
  });

  it('events that tell nothing leave nothing: internal transitions, payments’ refund-issued request (PaymentRefunded tells it)', async () => {
    const o = await order();
    const records = [
      message(OrderStatusChanged, { orderId: o.orderId, customerId: o.customerId, from: 'PLACED', to: 'APPROVED' }),
      message(CustomerNotificationRequested, { notificationId: newId(), customerId: o.customerId, orderId: o.orderId, template: 'refund-issued' }),
      message(ReturnStatusChanged, { orderId: o.orderId, customerId: o.customerId, returnId: newId(), status: 'REFUNDED', previousStatus: 'RECEIVED' }),
      message(TicketStatusChanged, { ticketId: newId(), customerId: o.customerId, status: 'CLOSED', previousStatus: 'RESOLVED' }),
    ];
    expect(await handler(sqsEvent(...records), lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(await notificationsOf(o.customerId)).toEqual([]);
  });

  it('a ticket without an order is an in-app notification only (no contact data to read)', async () => {
    const customerId = `cust-notify-${newId().toLowerCase()}`;
    const ticket = message(TicketStatusChanged, { ticketId: newId(), customerId, status: 'OPEN', previousStatus: undefined });
    expect(await handler(sqsEvent(ticket, ticket), lambdaContext())).toEqual({ batchItemFailures: [] });
    const [record, ...rest] = await notificationsOf(customerId);
    expect(rest).toEqual([]);
    expect(record).toMatchObject({ template: 'ticket-updated', status: 'SENT', channel: 'in-app', reason: 'no-order', provider: 'in-app', locale: 'zh-CN' });
    expect(record?.destination).toBeUndefined();
    expect(await sandboxMessage(record?.notificationId as string)).toBeUndefined();
  });

  it('an event about an order that does not exist (and names no customer) records nothing and does not fail', async () => {
    const orderId = newId();
    expect(await handler(sqsEvent(message(OrderShipped, { orderId })), lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(await repository.get(`order-shipped#${orderId}`)).toBeUndefined();
  });

  it('an order shipped abroad is told in English', async () => {
    const o = await order({ country: 'US', phone: '+1 415 555 0100' });
    expect(await handler(sqsEvent(message(OrderShipped, { orderId: o.orderId })), lambdaContext())).toEqual({ batchItemFailures: [] });
    const [record] = await notificationsOf(o.customerId);
    expect(record).toMatchObject({ locale: 'en', channel: 'sms', destination: '141****0100', subject: `Order shipped: ${o.orderId}` });
  });
});

describe('failed sends are retried, then dead-lettered', () => {
  it('a failed send is a batch item failure; the next delivery sends it, once', async () => {
    const o = await order();
    const sandbox = sandboxProvider(repository, systemClock);
    let failures = 1;
    const sends: string[] = [];
    const flaky: NotificationProvider = {
      providerFor: () => 'sandbox',
      async send(m) {
        sends.push(m.notificationId);
        if (failures-- > 0) throw Object.assign(new Error('throttled'), { name: 'ThrottlingException' });
        return sandbox.send(m);
      },
    };
    const flakyHandler = makeSendNotificationHandler({ provider: flaky, deferRetries: false });
    const placed = message(OrderPlaced, { orderId: o.orderId, customerId: o.customerId });

    expect(await flakyHandler(sqsEvent(placed), lambdaContext())).toEqual({ batchItemFailures: [{ itemIdentifier: placed.messageId }] });
    const [pending] = await notificationsOf(o.customerId);
    expect(pending).toMatchObject({ status: 'PENDING', attempts: 1, lastError: 'ThrottlingException' });
    expect(await sandboxMessage(pending?.notificationId as string)).toBeUndefined();

    // The queue delivers it again: sent now, under the same notification id.
    expect(await flakyHandler(sqsEvent(placed), lambdaContext())).toEqual({ batchItemFailures: [] });
    // And once more (a duplicate): nothing is sent.
    expect(await flakyHandler(sqsEvent(placed), lambdaContext())).toEqual({ batchItemFailures: [] });
    const records = await notificationsOf(o.customerId);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ notificationId: pending?.notificationId, status: 'SENT', attempts: 2 });
    expect(records[0]?.lastError).toBeUndefined();
    expect(sends).toEqual([pending?.notificationId, pending?.notificationId]);
  });

  it("a batch's notifications are sent concurrently, never two of one order at once: one order's in the batch's order", async () => {
    const orders = await Promise.all([order(), order(), order()]);
    const sandbox = sandboxProvider(repository, systemClock);
    const log: string[] = [];
    let sending = 0;
    let most = 0;
    // Each order's first send waits until the three orders' first sends have all started (at most 5 s,
    // so a consumer that sends one after the other fails on `most` instead of hanging).
    let started = 0;
    let allStarted!: () => void;
    const barrier = Promise.race([new Promise<void>((resolve) => (allStarted = resolve)), new Promise<void>((resolve) => setTimeout(resolve, 5000))]);
    const gated: NotificationProvider = {
      providerFor: () => 'sandbox',
      async send(m) {
        sending += 1;
        most = Math.max(most, sending);
        const first = !log.some((entry) => entry.includes(m.customerId));
        log.push(`start ${m.customerId} ${m.subject}`);
        if (first && ++started === orders.length) allStarted();
        if (first) await barrier;
        log.push(`end ${m.customerId} ${m.subject}`);
        sending -= 1;
        return sandbox.send(m);
      },
    };
    const records = orders.flatMap((o) => [
      message(OrderPlaced, { orderId: o.orderId, customerId: o.customerId }),
      message(OrderCancelled, { orderId: o.orderId, customerId: o.customerId }),
    ]);
    expect(await makeSendNotificationHandler({ provider: gated, deferRetries: false })(sqsEvent(...records), lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(most).toBe(3);
    for (const o of orders) {
      const notified = await notificationsOf(o.customerId);
      const confirmed = notified.find((r) => r.template === 'order-confirmed');
      const cancelled = notified.find((r) => r.template === 'order-cancelled');
      // the cancellation's send started only once the confirmation's had ended
      const sent = (step: string, r?: NotificationRecord) => `${step} ${o.customerId} ${r?.subject ?? '?'}`;
      expect(log.filter((entry) => entry.includes(o.customerId))).toEqual([sent('start', confirmed), sent('end', confirmed), sent('start', cancelled), sent('end', cancelled)]);
    }
  });

  it('a delivery while another one holds the claim fails the record (redelivered later) and sends nothing', async () => {
    const o = await order();
    const key = `order-confirmed#${o.orderId}`;
    await repository.claim(
      {
        notificationId: newId(),
        key,
        customerId: o.customerId,
        orderId: o.orderId,
        template: 'order-confirmed',
        kind: 'transactional',
        sourceEvent: 'OrderPlaced',
        sourceEventId: 'evt-other',
      },
      new Date(),
      new Date(Date.now() + 60_000),
    );
    const send = vi.fn();
    const placed = message(OrderPlaced, { orderId: o.orderId, customerId: o.customerId });
    expect(await makeSendNotificationHandler({ provider: { providerFor: () => 'sandbox', send }, deferRetries: false })(sqsEvent(placed), lambdaContext())).toEqual({
      batchItemFailures: [{ itemIdentifier: placed.messageId }],
    });
    expect(send).not.toHaveBeenCalled();
  });

  it('an event that names its customer is claimed before anything is read: the first delivery reads no record, a redelivery decrypts no contact', async () => {
    const o = await order();
    const get = vi.spyOn(repository, 'get');
    const contacts = contactReaderFromEnv();
    const contactOf = vi.fn(contacts);
    const counted = makeSendNotificationHandler({ repository: () => repository, contactOf, deferRetries: false });
    expect(await counted(sqsEvent(message(OrderPlaced, { orderId: o.orderId, customerId: o.customerId })), lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(get).not.toHaveBeenCalled();
    expect(contactOf).toHaveBeenCalledTimes(1);
    expect(await counted(sqsEvent(message(OrderPlaced, { orderId: o.orderId, customerId: o.customerId })), lambdaContext())).toEqual({ batchItemFailures: [] });
    // the refused claim reads the record once, to tell a duplicate from a claim another delivery holds
    expect(get).toHaveBeenCalledTimes(1);
    expect(contactOf).toHaveBeenCalledTimes(1);
    get.mockRestore();
    expect(await notificationsOf(o.customerId)).toEqual([expect.objectContaining({ status: 'SENT', template: 'order-confirmed' })]);
  });

  it('a contact read that fails after the claim gives the claim up: the next delivery sends at once', async () => {
    const o = await order();
    const failing = makeSendNotificationHandler({
      contactOf: async () => {
        throw Object.assign(new Error('orders table unavailable'), { name: 'ServiceUnavailable' });
      },
      deferRetries: false,
    });
    const placed = message(OrderPlaced, { orderId: o.orderId, customerId: o.customerId });
    expect(await failing(sqsEvent(placed), lambdaContext())).toEqual({ batchItemFailures: [{ itemIdentifier: placed.messageId }] });
    expect(await repository.get(`order-confirmed#${o.orderId}`)).toMatchObject({ status: 'PENDING', lastError: 'ServiceUnavailable' });
    expect(await handler(sqsEvent(placed), lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(await notificationsOf(o.customerId)).toEqual([expect.objectContaining({ status: 'SENT', template: 'order-confirmed' })]);
  });
});

describe('personal data and consent', () => {
  it('no contact data in clear anywhere in the notifications table (SEC-2)', async () => {
    const o = await order({ email: `zhao.min@plain-${newId().toLowerCase()}.example.cn` });
    expect(await handler(sqsEvent(message(OrderPlaced, { orderId: o.orderId, customerId: o.customerId }), message(OrderShipped, { orderId: o.orderId })), lambdaContext())).toEqual(
      { batchItemFailures: [] },
    );
    expect(await notificationsOf(o.customerId)).toHaveLength(2);
    const { Items } = await documentClient().send(new ScanCommand({ TableName: tables.notifications }));
    const text = JSON.stringify(Items);
    for (const secret of [o.email, 'zhao.min', NAME, '13900000000', '139 0000 0000', '+8613900000000', '中山路']) expect(text).not.toContain(secret);
  });

  it("marketing goes out only while the customer consents, asked through privacy's consent contract (SEC-3)", async () => {
    const o = await order();
    const send = vi.fn(async () => ({ messageId: 'm-1' }));
    const consents = dynamoConsentStore(tables.privacy);
    const decideMarketing = async (granted: boolean) => {
      const current = await consents.read(o.customerId);
      const { next, changes } = decideConsents(current, { marketing: granted }, new Date().toISOString(), 'test');
      expect(await consents.save(next, changes)).toBe(true);
    };
    const deps = {
      repository,
      contactOf: async () => ({ customerId: o.customerId, email: o.email, shippingCountry: 'CN' }),
      marketingConsent: (customerId: string) => consentCheckFromEnv()(customerId, 'marketing'),
      provider: { providerFor: () => 'sandbox', send },
      clock: systemClock,
      newId: () => newId(),
      links: { storefrontUrl: 'https://shop.example.com' },
      claimSeconds: 60,
    };
    const request = (key: string) => ({
      key,
      customerId: o.customerId,
      orderId: o.orderId,
      call: { id: 'promotions-digest' as const, params: {} },
      source: { event: 'test', eventId: key },
    });
    // never decided: no consent
    expect(await sendNotification(deps, request(`promotions-digest#${newId()}`))).toMatchObject({ outcome: 'suppressed', reason: 'no-consent' });
    expect(send).not.toHaveBeenCalled();
    await decideMarketing(true);
    expect(await sendNotification(deps, request(`promotions-digest#${newId()}`))).toMatchObject({ outcome: 'sent', channel: 'email' });
    expect(send).toHaveBeenCalledTimes(1);
    // withdrawn: suppressed again at once
    await decideMarketing(false);
    expect(await sendNotification(deps, request(`promotions-digest#${newId()}`))).toMatchObject({ outcome: 'suppressed', reason: 'no-consent' });
    expect(send).toHaveBeenCalledTimes(1);
    const statuses = (await notificationsOf(o.customerId)).map((r) => [r.status, r.reason ?? null]);
    expect(statuses.sort()).toEqual([
      ['SENT', null],
      ['SUPPRESSED', 'no-consent'],
      ['SUPPRESSED', 'no-consent'],
    ]);
  });
});

describe('GET /admin/notifications?customerId= (cs-agent, ops, admin)', () => {
  const list = makeListNotificationsHandler({ repository: () => repository });
  const get = (query: Record<string, string>, roles: string[] = ['cs-agent']) =>
    list(apiEvent({ path: '/admin/notifications', query, claims: claimsFor('agent-1', ...roles) }), lambdaContext());

  it('lists a customer’s notifications newest first, a page at a time', async () => {
    const o = await order();
    for (const definition of [OrderPlaced, OrderShipped, OrderDelivered]) {
      expect(await handler(sqsEvent(message(definition, { orderId: o.orderId, ...(definition === OrderPlaced ? { customerId: o.customerId } : {}) })), lambdaContext())).toEqual({
        batchItemFailures: [],
      });
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const first = await get({ customerId: o.customerId, limit: '2' });
    expect(first.statusCode).toBe(200);
    const page1 = jsonBody<{ items: NotificationRecord[]; nextCursor?: string }>(first);
    expect(page1.items.map((i) => i.template)).toEqual(['order-delivered', 'order-shipped']);
    const page2 = jsonBody<{ items: NotificationRecord[]; nextCursor?: string }>(await get({ customerId: o.customerId, limit: '2', cursor: page1.nextCursor as string }, ['ops']));
    expect(page2.items.map((i) => i.template)).toEqual(['order-confirmed']);
    expect(page2.nextCursor).toBeUndefined();
    expect(page1.items[0]).not.toHaveProperty('gsi1pk');
    // a cursor of another customer's list is refused
    expect((await get({ customerId: 'someone-else', cursor: page1.nextCursor as string })).statusCode).toBe(400);
  });

  it('needs the customer id (400) and a staff role (403)', async () => {
    expect((await get({})).statusCode).toBe(400);
    expect((await get({ customerId: "' OR 1=1" })).statusCode).toBe(400);
    expect((await get({ customerId: 'alice' }, ['marketer'])).statusCode).toBe(403);
    expect((await get({ customerId: 'alice' }, ['admin'])).statusCode).toBe(200);
  });
});
