/**
 * The audit trail (SEC-4, RISK-7): every staff action — and every staff read of personal data — is
 * recorded with who, what, when and why, in one append-only, tamper-evident hash chain on the
 * AuditTable (`AUDIT_TABLE_NAME`).
 *
 * Each entry stores `hash = SHA-256(prevHash ‖ canonical JSON of the entry)`; the chain head item
 * holds the last sequence number and hash. Appending is one transaction — put entry `seq + 1`
 * (only if absent) and move the head (only if still at `seq`) — retried when a concurrent append
 * won. Editing or deleting any entry breaks every later hash, which {@link verifyChain} (and the
 * compliance scan) detects. Staff actions are rare enough that one chain is not a hot spot.
 *
 * Entries carry ids and reason codes, never personal data.
 */
import crypto from 'node:crypto';
import { GetCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { requireSetting } from './config.ts';
import { documentClient, queryAll } from './dynamodb.ts';
import type { Clock } from './clock.ts';
import { systemClock } from './clock.ts';

/** What is recorded. */
export interface AuditEvent {
  /** The staff user id (token `sub`) or a system actor. */
  readonly actor: string;
  /** The actor's roles at the time. */
  readonly roles: readonly string[];
  /** A stable verb-noun, e.g. `product.update`, `refund.approve`, `order.read-personal-data`. */
  readonly action: string;
  /** What it was done to, e.g. `{ type: 'product', id: 'TEA-1' }`. */
  readonly resource: { readonly type: string; readonly id: string };
  /** Why (free text from the staff member, or a reason code). Must not contain personal data. */
  readonly reason?: string;
  /** Extra ids and amounts (no personal data). */
  readonly details?: Readonly<Record<string, string | number | boolean | null>>;
  readonly correlationId?: string;
}

/** A stored entry. */
export interface AuditEntry extends AuditEvent {
  readonly seq: number;
  readonly at: string;
  readonly prevHash: string;
  readonly hash: string;
}

/** The port use cases record through. */
export interface AuditLog {
  record(event: AuditEvent): Promise<AuditEntry>;
}

const GENESIS = '0'.repeat(64);
const CHAIN_PK = 'CHAIN';
const HEAD_SK = 'HEAD';
const entrySk = (seq: number) => `ENTRY#${String(seq).padStart(12, '0')}`;

/** Canonical JSON: object keys sorted at every level, so the hash does not depend on key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The hash of an entry given its predecessor's hash (pure). */
export function entryHash(entry: Omit<AuditEntry, 'hash'>): string {
  const { prevHash, ...rest } = entry;
  return crypto.createHash('sha256').update(prevHash).update(canonicalJson(rest)).digest('hex');
}

/** A break found by {@link verifyChain}. */
export interface ChainBreak {
  readonly seq: number;
  readonly problem: 'hash-mismatch' | 'prev-hash-mismatch' | 'gap';
}

/** Checks a run of consecutive entries (ascending), optionally against the hash before the first. */
export function verifyChain(entries: readonly AuditEntry[], previousHash?: string): ChainBreak[] {
  const breaks: ChainBreak[] = [];
  let expectedPrev = previousHash;
  let expectedSeq = entries[0]?.seq;
  for (const entry of entries) {
    if (expectedSeq !== undefined && entry.seq !== expectedSeq) breaks.push({ seq: entry.seq, problem: 'gap' });
    if (expectedPrev !== undefined && entry.prevHash !== expectedPrev) breaks.push({ seq: entry.seq, problem: 'prev-hash-mismatch' });
    const { hash, ...rest } = entry;
    if (entryHash(rest) !== hash) breaks.push({ seq: entry.seq, problem: 'hash-mismatch' });
    expectedPrev = entry.hash;
    expectedSeq = entry.seq + 1;
  }
  return breaks;
}

const isTransactionConflict = (error: unknown) =>
  error instanceof Error && (error.name === 'TransactionCanceledException' || error.name === 'TransactionConflictException' || error.name === 'ConditionalCheckFailedException');

/** The DynamoDB audit log. */
export class DynamoDbAuditLog implements AuditLog {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient(),
    private readonly clock: Clock = systemClock,
    private readonly maxAttempts = 25,
  ) {}

  async record(event: AuditEvent): Promise<AuditEntry> {
    for (let attempt = 1; ; attempt++) {
      const { Item: head } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: CHAIN_PK, sk: HEAD_SK }, ConsistentRead: true }));
      const seq = head ? Number(head.seq) : 0;
      const prevHash = head ? String(head.hash) : GENESIS;
      const unhashed = { ...event, roles: [...event.roles], seq: seq + 1, at: this.clock.now().toISOString(), prevHash };
      const entry: AuditEntry = { ...unhashed, hash: entryHash(unhashed) };
      try {
        await this.client.send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: { TableName: this.tableName, Item: { pk: CHAIN_PK, sk: entrySk(entry.seq), ...entry, gsi1pk: `RESOURCE#${event.resource.type}#${event.resource.id}`, gsi1sk: entrySk(entry.seq) }, ConditionExpression: 'attribute_not_exists(pk)' } },
              head
                ? { Update: { TableName: this.tableName, Key: { pk: CHAIN_PK, sk: HEAD_SK }, UpdateExpression: 'SET seq = :next, #hash = :hash', ConditionExpression: 'seq = :seq', ExpressionAttributeNames: { '#hash': 'hash' }, ExpressionAttributeValues: { ':next': entry.seq, ':hash': entry.hash, ':seq': seq } } }
                : { Put: { TableName: this.tableName, Item: { pk: CHAIN_PK, sk: HEAD_SK, seq: entry.seq, hash: entry.hash }, ConditionExpression: 'attribute_not_exists(pk)' } },
            ],
          }),
        );
        return entry;
      } catch (error) {
        if (!isTransactionConflict(error) || attempt >= this.maxAttempts) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * Math.min(attempt, 5)));
      }
    }
  }

  /** Entries with `seq` in [from, to] ascending (for verification and the compliance scan). */
  async entries(from: number, to: number): Promise<AuditEntry[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': CHAIN_PK, ':from': entrySk(from), ':to': entrySk(to) },
      ConsistentRead: true,
    });
    return items.map(({ pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, ...entry }) => entry as AuditEntry);
  }

  /** Entries about one resource, in chain order (oldest first). */
  async forResource(type: string, id: string): Promise<AuditEntry[]> {
    const page = await this.client.send(
      new QueryCommand({ TableName: this.tableName, IndexName: 'byResource', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': `RESOURCE#${type}#${id}` } }),
    );
    return (page.Items ?? []).map(({ pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, ...entry }) => entry as AuditEntry);
  }
}

let shared: DynamoDbAuditLog | undefined;

/** The container's audit log on `AUDIT_TABLE_NAME`. */
export function auditLogFromEnv(): DynamoDbAuditLog {
  shared ??= new DynamoDbAuditLog(requireSetting('auditTableName'));
  return shared;
}
