/**
 * The NotificationsTable:
 *
 * | item                  | pk                            | sk             | GSI keys |
 * |-----------------------|-------------------------------|----------------|----------|
 * | notification          | `NOTIFICATION#<natural key>`  | `NOTIFICATION` | `byCustomer`: gsi1pk `CUSTOMER#<customerId>`, gsi1sk `<createdAt>#<notificationId>` (newest first) |
 * | sandbox sent message  | `SANDBOX#<notificationId>`    | `MESSAGE`      | — (what the sandbox provider "sent") |
 *
 * Exactly once: a delivery first *claims* the notification's key — one conditional UpdateItem that
 * creates the record `PENDING` (attribute_not_exists) or takes over a `PENDING` one whose claim
 * has lapsed (a delivery that failed to send released it, or died) — then sends, then marks it
 * `SENT` (conditional on it still being `PENDING`). A redelivered event finds the key `SENT` or
 * `SUPPRESSED` and sends nothing; one arriving while another delivery holds the claim waits for
 * the queue's redelivery.
 *
 * Nothing here holds contact data in clear: the destination is stored masked, the texts hold ids,
 * amounts, statuses and links only.
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { lazily } from '../../shared/lazily.ts';
import * as z from '../../shared/zod.ts';
import { badRequest } from '../../shared/errors.ts';
import { decodeCursor, documentClient, encodeCursor, isConditionalCheckFailed } from '../../shared/dynamodb.ts';
import type { Channel, Locale, TemplateId, TemplateKind } from './domain/templates.ts';
import { notificationsTableName } from './settings.ts';

/** A notification's status: being sent, sent (or recorded in-app), or not sent on purpose. */
export type NotificationStatus = 'PENDING' | 'SENT' | 'SUPPRESSED';

/** A notification record as stored (no personal data in clear). */
export interface NotificationRecord {
  readonly notificationId: string;
  readonly key: string;
  readonly customerId: string;
  readonly orderId?: string;
  readonly template: TemplateId;
  readonly kind: TemplateKind;
  readonly status: NotificationStatus;
  readonly channel?: Channel;
  readonly locale?: Locale;
  /** Masked: `l***@example.cn`, `138****8000`. */
  readonly destination?: string;
  readonly subject?: string;
  readonly body?: string;
  readonly reason?: string;
  readonly provider?: string;
  readonly providerMessageId?: string;
  readonly sourceEvent: string;
  readonly sourceEventId: string;
  readonly attempts: number;
  /** The error name of the last failed send (never its message: it could echo a destination). */
  readonly lastError?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly sentAt?: string;
}

/** What a delivery claims. */
export interface ClaimInput {
  readonly notificationId: string;
  readonly key: string;
  readonly customerId: string;
  readonly orderId?: string;
  readonly template: TemplateId;
  readonly kind: TemplateKind;
  readonly sourceEvent: string;
  readonly sourceEventId: string;
}

/** The outcome of a claim. */
export type ClaimResult = { readonly claimed: true; readonly record: NotificationRecord } | { readonly claimed: false; readonly record: NotificationRecord | undefined };

/** How a claimed notification ended. */
export interface Completion {
  readonly status: 'SENT' | 'SUPPRESSED';
  readonly channel?: Channel;
  readonly locale?: Locale;
  readonly destination?: string;
  readonly subject?: string;
  readonly body?: string;
  readonly reason?: string;
  readonly provider?: string;
  readonly providerMessageId?: string;
}

/** A message the sandbox provider "sent" (masked destination). */
export interface SandboxMessage {
  readonly notificationId: string;
  readonly customerId: string;
  readonly channel: Exclude<Channel, 'in-app'>;
  readonly destination: string;
  readonly subject: string;
  readonly body: string;
  readonly sentAt: string;
}

export const notificationKey = (key: string) => ({ pk: `NOTIFICATION#${key}`, sk: 'NOTIFICATION' });
export const sandboxMessageKey = (notificationId: string) => ({ pk: `SANDBOX#${notificationId}`, sk: 'MESSAGE' });

/** The customer index. */
export const BY_CUSTOMER_INDEX = 'byCustomer';

const CursorSchema = /* @__PURE__ */ lazily(() =>
  z.strictObject({
    pk: z.string().check(z.startsWith('NOTIFICATION#'), z.maxLength(600)),
    sk: z.literal('NOTIFICATION'),
    gsi1pk: z.string().check(z.startsWith('CUSTOMER#'), z.maxLength(200)),
    gsi1sk: z.string().check(z.maxLength(200)),
  }),
);

const RECORD_FIELDS = [
  'notificationId',
  'key',
  'customerId',
  'orderId',
  'template',
  'kind',
  'status',
  'channel',
  'locale',
  'destination',
  'subject',
  'body',
  'reason',
  'provider',
  'providerMessageId',
  'sourceEvent',
  'sourceEventId',
  'attempts',
  'lastError',
  'createdAt',
  'updatedAt',
  'sentAt',
] as const;

function toRecord(item: Record<string, unknown>): NotificationRecord {
  return Object.fromEntries(RECORD_FIELDS.filter((f) => item[f] !== undefined).map((f) => [f, item[f]])) as unknown as NotificationRecord;
}

/** See the module documentation. */
export class NotificationsRepository {
  constructor(
    private readonly tableName: string,
    private readonly client: Pick<DynamoDBDocumentClient, 'send'> = documentClient(),
  ) {}

  /** The notification of a natural key. */
  async get(key: string): Promise<NotificationRecord | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: notificationKey(key), ConsistentRead: true }));
    return Item ? toRecord(Item) : undefined;
  }

  /**
   * Claims `input.key` until `claimedUntil`: creates it PENDING, or takes over a PENDING one whose
   * claim lapsed. Not claimed: the record as it is (SENT, SUPPRESSED, or claimed by another delivery).
   */
  async claim(input: ClaimInput, now: Date, claimedUntil: Date): Promise<ClaimResult> {
    const at = now.toISOString();
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: notificationKey(input.key),
          UpdateExpression:
            'SET #notificationId = if_not_exists(#notificationId, :notificationId), #key = :key, #customerId = if_not_exists(#customerId, :customerId), #template = :template, #kind = :kind, ' +
            '#status = :pending, #sourceEvent = if_not_exists(#sourceEvent, :sourceEvent), #sourceEventId = if_not_exists(#sourceEventId, :sourceEventId), #createdAt = if_not_exists(#createdAt, :now), ' +
            '#updatedAt = :now, #claimedUntil = :claimedUntil, #gsi1pk = if_not_exists(#gsi1pk, :gsi1pk), #gsi1sk = if_not_exists(#gsi1sk, :gsi1sk)' +
            (input.orderId ? ', #orderId = :orderId' : '') +
            ' ADD #attempts :one',
          ConditionExpression: 'attribute_not_exists(pk) OR (#status = :pending AND #claimedUntil < :nowMillis)',
          ExpressionAttributeNames: {
            '#notificationId': 'notificationId',
            '#key': 'key',
            '#customerId': 'customerId',
            '#template': 'template',
            '#kind': 'kind',
            '#status': 'status',
            '#sourceEvent': 'sourceEvent',
            '#sourceEventId': 'sourceEventId',
            '#createdAt': 'createdAt',
            '#updatedAt': 'updatedAt',
            '#claimedUntil': 'claimedUntil',
            '#gsi1pk': 'gsi1pk',
            '#gsi1sk': 'gsi1sk',
            '#attempts': 'attempts',
            ...(input.orderId ? { '#orderId': 'orderId' } : {}),
          },
          ExpressionAttributeValues: {
            ':notificationId': input.notificationId,
            ':key': input.key,
            ':customerId': input.customerId,
            ':template': input.template,
            ':kind': input.kind,
            ':pending': 'PENDING',
            ':sourceEvent': input.sourceEvent,
            ':sourceEventId': input.sourceEventId,
            ':now': at,
            ':nowMillis': now.getTime(),
            ':claimedUntil': claimedUntil.getTime(),
            ':gsi1pk': `CUSTOMER#${input.customerId}`,
            ':gsi1sk': `${at}#${input.notificationId}`,
            ':one': 1,
            ...(input.orderId ? { ':orderId': input.orderId } : {}),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { claimed: true, record: toRecord(Attributes ?? {}) };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      return { claimed: false, record: await this.get(input.key) };
    }
  }

  /** Ends a claimed notification: SENT or SUPPRESSED, with what went out (masked). */
  async complete(key: string, completion: Completion, now: Date): Promise<void> {
    const fields: Record<string, unknown> = { ...completion, updatedAt: now.toISOString(), ...(completion.status === 'SENT' ? { sentAt: now.toISOString() } : {}) };
    const entries = Object.entries(fields).filter(([, v]) => v !== undefined);
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: notificationKey(key),
        UpdateExpression: `SET ${entries.map(([name]) => `#${name} = :${name}`).join(', ')} REMOVE #claimedUntil, #lastError`,
        ConditionExpression: '#pendingStatus = :pending',
        ExpressionAttributeNames: {
          ...Object.fromEntries(entries.map(([name]) => [`#${name}`, name])),
          '#claimedUntil': 'claimedUntil',
          '#lastError': 'lastError',
          '#pendingStatus': 'status',
        },
        ExpressionAttributeValues: { ...Object.fromEntries(entries.map(([name, value]) => [`:${name}`, value])), ':pending': 'PENDING' },
      }),
    );
  }

  /** Gives up a claim after a failed send, so the next delivery sends it (the error's name only). */
  async release(key: string, errorName: string, now: Date): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: notificationKey(key),
        UpdateExpression: 'SET #claimedUntil = :zero, #lastError = :error, #updatedAt = :now',
        ConditionExpression: '#status = :pending',
        ExpressionAttributeNames: { '#claimedUntil': 'claimedUntil', '#lastError': 'lastError', '#updatedAt': 'updatedAt', '#status': 'status' },
        ExpressionAttributeValues: { ':zero': 0, ':error': errorName.slice(0, 64), ':now': now.toISOString(), ':pending': 'PENDING' },
      }),
    );
  }

  /** Records what the sandbox provider "sent". */
  async putSandboxMessage(message: SandboxMessage): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: { ...sandboxMessageKey(message.notificationId), ...message } }));
  }

  /** A customer's notifications, newest first, a page at a time. */
  async listByCustomer(customerId: string, limit: number, cursor?: string): Promise<{ items: NotificationRecord[]; nextCursor?: string }> {
    const start = decodeCursor(cursor, CursorSchema());
    if (start && start.gsi1pk !== `CUSTOMER#${customerId}`)
      throw badRequest('The cursor belongs to another customer; start again without one.', [{ path: 'query.cursor', message: 'Invalid cursor' }]);
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: BY_CUSTOMER_INDEX,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': `CUSTOMER#${customerId}` },
        ScanIndexForward: false,
        Limit: limit,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    const last = page.LastEvaluatedKey;
    return { items: (page.Items ?? []).map(toRecord), ...(last ? { nextCursor: encodeCursor(last) } : {}) };
  }
}

/** The repository on the function's table (`NOTIFICATIONS_TABLE_NAME`). */
export function notificationsRepositoryFromEnv(): NotificationsRepository {
  return new NotificationsRepository(notificationsTableName());
}
