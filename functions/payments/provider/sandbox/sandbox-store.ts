/**
 * The sandbox provider's own records — it behaves like an external system, so it keeps them in its
 * own table (`PaymentProviderSandboxTable`, env `PAYMENT_PROVIDER_SANDBOX_TABLE_NAME`; created in
 * sandbox stages only), never in payments' table:
 *
 * | item                 | pk                          | sk                     |
 * |----------------------|-----------------------------|------------------------|
 * | a payment            | `PAYMENT#<pay_sbx_…>`        | `PAYMENT`              |
 * | an idempotency key   | `IDEMPOTENCY#<key>`          | `IDEMPOTENCY`          |
 * | a settlement line    | `SETTLEMENT#<YYYY-MM-DD>`    | `<at>#<transaction id>`|
 *
 * A change is one transaction: the payment (conditional on its version), the idempotency record
 * (only if absent) and the settlement lines it creates.
 */
import { GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient, queryAll } from '../../../../shared/dynamodb.ts';
import type { SettlementLine } from '../port.ts';
import type { SandboxPayment } from './sandbox-rules.ts';

/** A stored response of an idempotent call. */
export interface IdempotencyRecord {
  readonly key: string;
  readonly operation: string;
  readonly requestHash: string;
  readonly response: unknown;
  readonly createdAt: string;
}

/** One atomic change of the sandbox's records. */
export interface SandboxChange {
  readonly payment?: { readonly value: SandboxPayment; readonly expectedVersion: number | null };
  readonly idempotency?: IdempotencyRecord;
  readonly settlement?: readonly SettlementLine[];
}

/** A concurrent change won (version or idempotency key); re-read and decide again. */
export class SandboxConflictError extends Error {
  override readonly name = 'SandboxConflictError';
}

/** The sandbox's storage. */
export interface SandboxStore {
  getPayment(id: string): Promise<SandboxPayment | undefined>;
  getIdempotency(key: string): Promise<IdempotencyRecord | undefined>;
  /** Applies the change atomically or throws {@link SandboxConflictError}. */
  commit(change: SandboxChange): Promise<void>;
  /** Settlement lines of a UTC day, oldest first. */
  settlement(date: string): Promise<SettlementLine[]>;
}

const paymentKey = (id: string) => ({ pk: `PAYMENT#${id}`, sk: 'PAYMENT' });
const idempotencyKey = (key: string) => ({ pk: `IDEMPOTENCY#${key}`, sk: 'IDEMPOTENCY' });
const settlementKey = (line: SettlementLine) => ({ pk: `SETTLEMENT#${line.at.slice(0, 10)}`, sk: `${line.at}#${line.transactionId}` });

function strip<T>(item: Record<string, unknown> | undefined): T | undefined {
  if (!item) return undefined;
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest as T;
}

/** The DynamoDB adapter. */
export class DynamoDbSandboxStore implements SandboxStore {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient(),
  ) {}

  async getPayment(id: string): Promise<SandboxPayment | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: paymentKey(id), ConsistentRead: true }));
    return strip<SandboxPayment>(Item);
  }

  async getIdempotency(key: string): Promise<IdempotencyRecord | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: idempotencyKey(key), ConsistentRead: true }));
    return strip<IdempotencyRecord>(Item);
  }

  async commit(change: SandboxChange): Promise<void> {
    const items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']> = [];
    if (change.payment) {
      const { value, expectedVersion } = change.payment;
      items.push({
        Put: {
          TableName: this.tableName,
          Item: { ...paymentKey(value.id), ...value },
          ...(expectedVersion === null
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': expectedVersion } }),
        },
      });
    }
    if (change.idempotency) {
      items.push({
        Put: { TableName: this.tableName, Item: { ...idempotencyKey(change.idempotency.key), ...change.idempotency }, ConditionExpression: 'attribute_not_exists(pk)' },
      });
    }
    for (const line of change.settlement ?? []) {
      items.push({ Put: { TableName: this.tableName, Item: { ...settlementKey(line), ...line }, ConditionExpression: 'attribute_not_exists(pk)' } });
    }
    if (items.length === 0) return;
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      if (error instanceof Error && (error.name === 'TransactionCanceledException' || error.name === 'TransactionConflictException')) throw new SandboxConflictError(error.message);
      throw error;
    }
  }

  async settlement(date: string): Promise<SettlementLine[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `SETTLEMENT#${date}` },
      ConsistentRead: true,
    });
    return items.map((item) => strip<SettlementLine>(item) as SettlementLine);
  }
}

/** An in-memory {@link SandboxStore} with the same semantics (unit tests). */
export class InMemorySandboxStore implements SandboxStore {
  readonly payments = new Map<string, SandboxPayment>();
  readonly idempotency = new Map<string, IdempotencyRecord>();
  readonly lines: SettlementLine[] = [];

  async getPayment(id: string) {
    return structuredClone(this.payments.get(id));
  }

  async getIdempotency(key: string) {
    return structuredClone(this.idempotency.get(key));
  }

  async commit(change: SandboxChange): Promise<void> {
    if (change.payment) {
      const current = this.payments.get(change.payment.value.id);
      if (change.payment.expectedVersion === null ? current !== undefined : current?.version !== change.payment.expectedVersion) throw new SandboxConflictError('payment version');
    }
    if (change.idempotency && this.idempotency.has(change.idempotency.key)) throw new SandboxConflictError('idempotency key');
    for (const line of change.settlement ?? []) if (this.lines.some((l) => l.transactionId === line.transactionId)) throw new SandboxConflictError('settlement line');
    if (change.payment) this.payments.set(change.payment.value.id, structuredClone(change.payment.value));
    if (change.idempotency) this.idempotency.set(change.idempotency.key, structuredClone(change.idempotency));
    for (const line of change.settlement ?? []) this.lines.push({ ...line });
  }

  async settlement(date: string) {
    return this.lines.filter((l) => l.at.slice(0, 10) === date).sort((a, b) => a.at.localeCompare(b.at));
  }
}
