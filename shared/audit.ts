/**
 * The audit trail (SEC-4, RISK-7): every staff action — and every staff read of personal data — is
 * recorded with who, what, when and why, in one append-only, tamper-evident hash chain on the
 * AuditTable (`AUDIT_TABLE_NAME`).
 *
 * Each entry stores `hash = HMAC-SHA-256(prevHash ‖ canonical JSON of the entry)` under a KMS HMAC
 * key (`AUDIT_MAC_KEY_ID`, KeySpec HMAC_256): writers can only GenerateMac, the verifier only
 * VerifyMac, so whoever can write the table but not use the key cannot forge an entry, nor
 * recompute the chain after an edit (SEC-4). The chain head item holds the last sequence number
 * and hash. Appending is one transaction — put entry `seq + 1`
 * (only if absent) and move the head (only if still at `seq`) — retried when a concurrent append
 * won. Entries recorded while an append of the same process is under way wait for it and then go
 * in together, in the order they were recorded: one head read and one transaction for the group
 * (a group commit), instead of racing each other for the head. Editing or deleting any entry
 * breaks every later hash, which {@link verifyChain} (and the compliance scan) detects. Staff
 * actions are rare enough that one chain is not a hot spot.
 *
 * Entries carry ids and reason codes, never personal data.
 */
import { canonicalJson } from './canonical-json.ts';
import crypto from 'node:crypto';
import { fromBase64, kmsClientFromEnv, type AwsJsonClient } from './aws-json.ts';
import { GetCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { requireSetting } from './config.ts';
import * as z from './zod.ts';
import { lazily } from './lazily.ts';
import { decodeCursor, documentClient, encodeCursor, queryAll } from './dynamodb.ts';
import type { Clock } from './clock.ts';
import { systemClock } from './clock.ts';
import { retry, type Backoff } from './retry.ts';

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

/** The `prevHash` of entry 1. */
export const GENESIS = '0'.repeat(64);
/** The partition every chain item (entries and head) lives in; writers' IAM grants name it (`dynamodb:LeadingKeys`). */
export const AUDIT_CHAIN_PARTITION = 'CHAIN';
const CHAIN_PK = AUDIT_CHAIN_PARTITION;
const HEAD_SK = 'HEAD';
const AuditCursorSchema = /* @__PURE__ */ lazily(() =>
  z.strictObject({
    pk: z.string().check(z.maxLength(200)),
    sk: z.string().check(z.maxLength(200)),
    gsi1pk: z.optional(z.string().check(z.maxLength(400))),
    gsi1sk: z.optional(z.string().check(z.maxLength(200))),
  }),
);
const entrySk = (seq: number) => `ENTRY#${String(seq).padStart(12, '0')}`;

/** Canonical JSON (RFC 8785), re-exported for the chain's readers. */
export { canonicalJson };

/**
 * The port the chain is MACed through (KMS GenerateMac/VerifyMac in AWS; any keyed MAC in tests).
 * MACs are lowercase hex.
 */
export interface ChainMac {
  generate(message: Buffer): Promise<string>;
  /** True when `mac` is the MAC of `message`; false on a mismatch (never throws for one). */
  verify(message: Buffer, mac: string): Promise<boolean>;
}

/** KMS GenerateMac/VerifyMac messages are at most 4096 bytes. */
const MAX_MAC_MESSAGE_BYTES = 4096;

/**
 * What an entry's MAC covers (pure): `prevHash ‖ canonical JSON` of everything else. An entry too
 * large for one KMS call is covered as `prevHash ‖ "sha256:" ‖ SHA-256(canonical JSON)` instead
 * (deterministic, so verification computes the same message).
 */
export function macMessage(entry: Omit<AuditEntry, 'hash'>): Buffer {
  const { prevHash, ...rest } = entry;
  const json = canonicalJson(rest);
  const full = Buffer.from(`${prevHash}${json}`, 'utf8');
  if (full.length <= MAX_MAC_MESSAGE_BYTES) return full;
  return Buffer.from(`${prevHash}sha256:${crypto.createHash('sha256').update(json).digest('hex')}`, 'utf8');
}

/** The MAC (`hash`) of an entry given its predecessor's hash. */
export function entryHash(entry: Omit<AuditEntry, 'hash'>, mac: ChainMac): Promise<string> {
  return mac.generate(macMessage(entry));
}

/** A break found by {@link verifyChain}. */
export interface ChainBreak {
  readonly seq: number;
  readonly problem: 'hash-mismatch' | 'prev-hash-mismatch' | 'gap';
}

/**
 * Checks a run of consecutive entries (ascending), optionally against the hash before the first:
 * every MAC verified through `mac`, every link and every sequence number checked.
 */
export async function verifyChain(entries: readonly AuditEntry[], mac: ChainMac, previousHash?: string): Promise<ChainBreak[]> {
  const breaks: ChainBreak[] = [];
  let expectedPrev = previousHash;
  let expectedSeq = entries[0]?.seq;
  for (const entry of entries) {
    if (expectedSeq !== undefined && entry.seq !== expectedSeq) breaks.push({ seq: entry.seq, problem: 'gap' });
    if (expectedPrev !== undefined && entry.prevHash !== expectedPrev) breaks.push({ seq: entry.seq, problem: 'prev-hash-mismatch' });
    const { hash, ...rest } = entry;
    if (!(await mac.verify(macMessage(rest), hash))) breaks.push({ seq: entry.seq, problem: 'hash-mismatch' });
    expectedPrev = entry.hash;
    expectedSeq = entry.seq + 1;
  }
  return breaks;
}

/** Another append moved the head first: the append's transaction was cancelled or conflicted (then it reads the head again). */
const lostTheRace = (error: unknown) =>
  error instanceof Error && (error.name === 'TransactionCanceledException' || error.name === 'TransactionConflictException' || error.name === 'ConditionalCheckFailedException');

/** Between attempts after a concurrent append won (full jitter: ≤ 20 ms at first, ≤ 100 ms). */
const APPEND_BACKOFF: Backoff = { baseMs: 20, maxMs: 100 };
/** Entries appended in one transaction at most (with the head: well under DynamoDB's 100 items). */
export const AUDIT_GROUP_LIMIT = 25;

interface PendingEntry {
  readonly event: AuditEvent;
  readonly resolve: (entry: AuditEntry) => void;
  readonly reject: (error: unknown) => void;
}

/** The DynamoDB audit log. */
export class DynamoDbAuditLog implements AuditLog {
  private readonly pending: PendingEntry[] = [];
  private appending = false;

  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient(),
    private readonly clock: Clock = systemClock,
    private readonly maxAttempts = 25,
    private readonly macPort?: ChainMac,
  ) {}

  private get mac(): ChainMac {
    return this.macPort ?? kmsChainMacFromEnv();
  }

  /** Appends `event`; resolves once it is in the chain (with the entries recorded alongside it, see the module documentation). */
  record(event: AuditEvent): Promise<AuditEntry> {
    return new Promise<AuditEntry>((resolve, reject) => {
      this.pending.push({ event, resolve, reject });
      if (!this.appending) void this.appendPending();
    });
  }

  /** Appends what is pending, a group at a time, until nothing is. */
  private async appendPending(): Promise<void> {
    this.appending = true;
    try {
      while (this.pending.length > 0) {
        const group = this.pending.splice(0, AUDIT_GROUP_LIMIT);
        try {
          const entries = await this.appendRetrying(group.map((p) => p.event));
          group.forEach((p, i) => p.resolve(entries[i] as AuditEntry));
        } catch (error) {
          if (group.length === 1 || lostTheRace(error)) {
            for (const p of group) p.reject(error);
            continue;
          }
          // not a lost race: one entry may be at fault (e.g. too large), so each goes alone and only it fails
          for (const p of group) await this.appendRetrying([p.event]).then(([entry]) => p.resolve(entry as AuditEntry), p.reject);
        }
      }
    } finally {
      this.appending = false;
    }
  }

  private appendRetrying(events: readonly AuditEvent[]): Promise<AuditEntry[]> {
    return retry(() => this.append(events), { attempts: this.maxAttempts, retryable: lostTheRace, backoff: APPEND_BACKOFF });
  }

  /** Appends `events`, in order, after the chain head as read now (a concurrent append makes the transaction fail). */
  private async append(events: readonly AuditEvent[]): Promise<AuditEntry[]> {
    const { Item: head } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: CHAIN_PK, sk: HEAD_SK }, ConsistentRead: true }));
    const seq = head ? Number(head.seq) : 0;
    let prevHash = head ? String(head.hash) : GENESIS;
    const entries: AuditEntry[] = [];
    for (const event of events) {
      const unhashed = { ...event, roles: [...event.roles], seq: seq + entries.length + 1, at: this.clock.now().toISOString(), prevHash };
      const entry: AuditEntry = { ...unhashed, hash: await entryHash(unhashed, this.mac) };
      entries.push(entry);
      prevHash = entry.hash;
    }
    const last = entries[entries.length - 1] as AuditEntry;
    await this.client.send(
      new TransactWriteCommand({
        TransactItems: [
          ...entries.map((entry) => ({
            Put: {
              TableName: this.tableName,
              Item: { pk: CHAIN_PK, sk: entrySk(entry.seq), ...entry, gsi1pk: `RESOURCE#${entry.resource.type}#${entry.resource.id}`, gsi1sk: entrySk(entry.seq) },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          })),
          head
            ? {
                Update: {
                  TableName: this.tableName,
                  Key: { pk: CHAIN_PK, sk: HEAD_SK },
                  UpdateExpression: 'SET seq = :next, #hash = :hash',
                  ConditionExpression: 'seq = :seq',
                  ExpressionAttributeNames: { '#hash': 'hash' },
                  ExpressionAttributeValues: { ':next': last.seq, ':hash': last.hash, ':seq': seq },
                },
              }
            : { Put: { TableName: this.tableName, Item: { pk: CHAIN_PK, sk: HEAD_SK, seq: last.seq, hash: last.hash }, ConditionExpression: 'attribute_not_exists(pk)' } },
        ],
      }),
    );
    return entries;
  }

  /** The chain head (last sequence number and its hash), or undefined for an empty chain. */
  async head(): Promise<{ seq: number; hash: string } | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: CHAIN_PK, sk: HEAD_SK }, ConsistentRead: true }));
    return Item ? { seq: Number(Item.seq), hash: String(Item.hash) } : undefined;
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

  /** A page of entries, newest first, by resource (byResource index) or over the chain, filtered by actor and time. */
  async page(query: AuditEntryQuery): Promise<{ items: AuditEntry[]; nextCursor?: string }> {
    const startKey = decodeCursor(query.cursor, AuditCursorSchema());
    const filters: string[] = [];
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    if (query.actor !== undefined) {
      filters.push('actor = :actor');
      values[':actor'] = query.actor;
    }
    if (query.from !== undefined) {
      filters.push('#at >= :from');
      names['#at'] = 'at';
      values[':from'] = query.from;
    }
    if (query.to !== undefined) {
      filters.push('#at <= :to');
      names['#at'] = 'at';
      values[':to'] = query.to;
    }
    const key = query.resource
      ? { IndexName: 'byResource', KeyConditionExpression: 'gsi1pk = :pk', values: { ':pk': `RESOURCE#${query.resource.type}#${query.resource.id}` } }
      : { KeyConditionExpression: 'pk = :pk AND begins_with(sk, :entry)', values: { ':pk': CHAIN_PK, ':entry': 'ENTRY#' } };
    const items: AuditEntry[] = [];
    let exclusiveStartKey: Record<string, unknown> | undefined = startKey;
    let lastKey: Record<string, unknown> | undefined;
    // Filters may drop items: keep reading until the page is full or the chain ends.
    do {
      const response = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          ...(key.IndexName ? { IndexName: key.IndexName } : {}),
          KeyConditionExpression: key.KeyConditionExpression,
          ...(filters.length > 0 ? { FilterExpression: filters.join(' AND ') } : {}),
          ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
          ExpressionAttributeValues: { ...key.values, ...values },
          ScanIndexForward: false,
          Limit: query.limit - items.length,
          ...(exclusiveStartKey ? { ExclusiveStartKey: exclusiveStartKey } : {}),
        }),
      );
      for (const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, ...entry } of response.Items ?? []) items.push(entry as AuditEntry);
      lastKey = response.LastEvaluatedKey;
      exclusiveStartKey = lastKey;
    } while (lastKey && items.length < query.limit);
    return { items, ...(lastKey ? { nextCursor: encodeCursor(lastKey) } : {}) };
  }

  /** Entries about one resource, in chain order (oldest first). */
  async forResource(type: string, id: string): Promise<AuditEntry[]> {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'byResource',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': `RESOURCE#${type}#${id}` },
      }),
    );
    return (page.Items ?? []).map(({ pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, ...entry }) => entry as AuditEntry);
  }
}

/** The {@link ChainMac} over KMS GenerateMac/VerifyMac (HMAC_SHA_256) with the key `keyId`. */
export function kmsChainMac(keyId: string, client: AwsJsonClient = kmsClientFromEnv()): ChainMac {
  return {
    async generate(message) {
      const output = await client.call('GenerateMac', { KeyId: keyId, Message: message.toString('base64'), MacAlgorithm: 'HMAC_SHA_256' });
      return Buffer.from(fromBase64(output.Mac, 'KMS GenerateMac: Mac')).toString('hex');
    },
    async verify(message, mac) {
      if (!/^[0-9a-f]{64}$/.test(mac)) return false;
      try {
        const output = await client.call('VerifyMac', {
          KeyId: keyId,
          Message: message.toString('base64'),
          Mac: Buffer.from(mac, 'hex').toString('base64'),
          MacAlgorithm: 'HMAC_SHA_256',
        });
        return output.MacValid === true;
      } catch (error) {
        if (error instanceof Error && error.name === 'KMSInvalidMacException') return false;
        throw error;
      }
    },
  };
}

/** Where the scheduled verifier (functions/compliance) stores its last result, in the ComplianceTable. */
export const AUDIT_VERIFICATION_KEY = { pk: 'VERIFICATION#audit-chain', sk: 'LATEST' } as const;

/** The last verification of the chain, as the verifier stored it. */
export interface AuditVerificationState {
  readonly verifiedAt: string;
  readonly intact: boolean;
  readonly entries: number;
  readonly head?: { readonly seq: number; readonly hash: string };
  readonly breaks: ReadonlyArray<{ readonly seq: number; readonly problem: string }>;
}

/** Reads the last verification state from `tableName` (the ComplianceTable), if any ran. */
export async function readAuditVerification(tableName: string, client: DynamoDBDocumentClient = documentClient()): Promise<AuditVerificationState | undefined> {
  const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: { ...AUDIT_VERIFICATION_KEY }, ConsistentRead: true }));
  if (!Item) return undefined;
  const { pk: _pk, sk: _sk, ...state } = Item;
  return state as AuditVerificationState;
}

/** A page of entries (newest first), filtered; `cursor` as returned in `nextCursor`. */
export interface AuditEntryQuery {
  readonly resource?: { readonly type: string; readonly id: string };
  readonly actor?: string;
  readonly from?: string;
  readonly to?: string;
  readonly limit: number;
  readonly cursor?: string;
}

let sharedMac: ChainMac | undefined;

/** The container's chain MAC on `AUDIT_MAC_KEY_ID`. */
export function kmsChainMacFromEnv(): ChainMac {
  sharedMac ??= kmsChainMac(requireSetting('auditMacKeyId'));
  return sharedMac;
}

let shared: DynamoDbAuditLog | undefined;

/** The container's audit log on `AUDIT_TABLE_NAME`. */
export function auditLogFromEnv(): DynamoDbAuditLog {
  shared ??= new DynamoDbAuditLog(requireSetting('auditTableName'));
  return shared;
}
