/**
 * The customer keyring (SEC-3 erasure by crypto-shredding): every customer's personal fields are
 * encrypted under data keys of their own, and erasing the customer destroys those keys, so every
 * ciphertext of that customer — in tables, backups, point-in-time recovery, the event archive,
 * queues, idempotency records — becomes unreadable at once.
 *
 * ## The key record
 *
 * One item per customer in the CustomerKeyTable (`CUSTOMER_KEY_TABLE_NAME`, partition key
 * `customerId`): for each entity kind the customer has data of, the attribute `key:<entity>` holds
 * a data key wrapped by the KMS field key (`GenerateDataKey`, AES-256) under the encryption context
 * `{ purpose: 'field-encryption', entity, customer }` — so the IAM grants keep their
 * `kms:EncryptionContext:entity` least-privilege condition, and a wrapped key copied onto another
 * customer's record does not unwrap. Erasure replaces the item with a tombstone
 * `{ customerId, erasedAt }`: the wrapped keys are gone, and no new key is ever created for that
 * customer (creation is conditioned on the tombstone's absence).
 *
 * ## Created on first use, race-safe
 *
 * A key is created by a conditional UpdateItem (`attribute_not_exists(key) AND
 * attribute_not_exists(erasedAt)`). When two containers create one at once, one write wins; the
 * other reads the winner's key back and uses it (its own generated key is dropped unused). In one
 * container, concurrent callers share one in-flight lookup.
 *
 * ## Cost and the erasure bound
 *
 * Unwrapped keys are cached per container for {@link CUSTOMER_KEY_CACHE_DEFAULTS.maxAgeMs}
 * (30 seconds) in a bounded LRU, so an order's fields cost one GetItem and one KMS Decrypt per
 * customer and entity kind per 30 s, not per field (a new customer's keys of several entity kinds:
 * one GetItem, see {@link dynamoCustomerKeyStore}; and one write, when the keyring is told which
 * kinds are created together — {@link CustomerKeyringOptions.companions}). That cache age is also
 * what "erasure is done in seconds" means: once the tombstone is written, no container can open
 * or write that customer's data later than 30 seconds after (a warm container may still hold the
 * unwrapped key until its entry ages out), and a cold container or a restored backup never can.
 *
 * ## No backups of the keyring (the trade-off)
 *
 * The CustomerKeyTable has no point-in-time recovery and is in no backup plan: a restored key
 * record would resurrect erased data. The price: if the table itself is lost, every customer's
 * personal data is lost with it (orders keep their amounts, SKUs and dates, which are not
 * encrypted). The table has deletion protection and RETAIN outside dev, and the infra test
 * asserts that PITR stays off.
 */
import type crypto from 'node:crypto';
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { setNewest } from './cache.ts';
import { systemClock, type Clock } from './clock.ts';
import { requireSetting } from './config.ts';
import { documentClient, isConditionalCheckFailed } from './dynamodb.ts';

/** What the keyring holds for one customer and entity kind: a wrapped data key, a tombstone, or nothing yet. */
export type CustomerKeyState = { readonly edk: Uint8Array } | { readonly erasedAt: string } | undefined;

/** The store port of the keyring (the CustomerKeyTable). */
export interface CustomerKeyStore {
  /**
   * The customer's wrapped data key of `entity`, the tombstone if erased, or undefined (strongly
   * consistent). With `purpose: 'encrypt'` (a key is created when there is none) an absence may be
   * a few seconds old: the create's condition is what decides.
   */
  get(customerId: string, entity: string, purpose?: 'encrypt' | 'decrypt'): Promise<CustomerKeyState>;
  /** Stores `edk` unless the customer already has a key of `entity` or is erased; what is stored afterwards. */
  create(customerId: string, entity: string, edk: Uint8Array): Promise<NonNullable<CustomerKeyState>>;
  /**
   * Stores every key of `keys` in one write if the customer has none of them and is not erased
   * (true); otherwise writes nothing (false), and the caller creates them one at a time.
   */
  createTogether?(customerId: string, keys: ReadonlyArray<{ readonly entity: string; readonly edk: Uint8Array }>): Promise<boolean>;
  /** Destroys every key of the customer, leaving a tombstone (idempotent: the first `erasedAt` stays). */
  erase(customerId: string, erasedAt: string): Promise<{ readonly erasedAt: string }>;
}

/** The attribute holding the wrapped data key of an entity kind. */
export const keyAttribute = (entity: string) => `key:${entity}`;

/** How long the store remembers a key record it read or wrote (a few seconds, within the keyring's erasure bound). */
export const KEY_RECORD_MEMORY_DEFAULTS = { maxAgeMs: 5_000, maxEntries: 1_000 } as const;

/**
 * The {@link CustomerKeyStore} over DynamoDB. The item holds every entity kind's key of a customer,
 * so the store remembers the last item it read or wrote per customer for a few seconds
 * ({@link KEY_RECORD_MEMORY_DEFAULTS}) for one question only: whether a key that is about to be
 * created is absent. A new customer's order, which creates keys of two entity kinds, reads the
 * item once. A remembered absence can only be stale by a key another container created meanwhile,
 * and then the conditional create fails and reads it back; the tombstone is in that condition too.
 * Keys themselves, tombstones and every lookup for decryption are always read afresh, so the
 * keyring's cache stays the only erasure bound.
 */
export function dynamoCustomerKeyStore(
  tableName: string,
  client: Pick<DynamoDBDocumentClient, 'send'> = documentClient(),
  options: { clock?: Clock; maxAgeMs?: number; maxEntries?: number } = {},
): CustomerKeyStore {
  const clock = options.clock ?? systemClock;
  const maxAgeMs = options.maxAgeMs ?? KEY_RECORD_MEMORY_DEFAULTS.maxAgeMs;
  const maxEntries = options.maxEntries ?? KEY_RECORD_MEMORY_DEFAULTS.maxEntries;
  const remembered = new Map<string, { item: Record<string, unknown> | undefined; at: number }>();
  const remember = (customerId: string, item: Record<string, unknown> | undefined) => setNewest(remembered, customerId, { item, at: clock.now().getTime() }, maxEntries);
  const stateOf = (item: Record<string, unknown> | undefined, entity: string): CustomerKeyState => {
    if (!item) return undefined;
    if (typeof item.erasedAt === 'string') return { erasedAt: item.erasedAt };
    const edk = item[keyAttribute(entity)] as Uint8Array | undefined;
    return edk ? { edk: new Uint8Array(edk) } : undefined;
  };
  const read = async (customerId: string, entity: string): Promise<CustomerKeyState> => {
    const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: { customerId }, ConsistentRead: true }));
    remember(customerId, Item);
    return stateOf(Item, entity);
  };
  return {
    async get(customerId, entity, purpose = 'decrypt') {
      const memory = purpose === 'encrypt' ? remembered.get(customerId) : undefined;
      if (memory && clock.now().getTime() - memory.at < maxAgeMs && stateOf(memory.item, entity) === undefined) return undefined;
      return read(customerId, entity);
    },
    async create(customerId, entity, edk) {
      try {
        const { Attributes } = await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { customerId },
            UpdateExpression: 'SET #key = :edk',
            ConditionExpression: 'attribute_not_exists(#key) AND attribute_not_exists(erasedAt)',
            ExpressionAttributeNames: { '#key': keyAttribute(entity) },
            ExpressionAttributeValues: { ':edk': edk },
            ReturnValues: 'ALL_NEW',
          }),
        );
        remember(customerId, Attributes);
        return { edk };
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
        const stored = await read(customerId, entity);
        if (!stored) throw new Error('The customer key record changed while a key was created; retry.', { cause: error });
        return stored;
      }
    },
    async createTogether(customerId, keys) {
      const names: Record<string, string> = {};
      const values: Record<string, Uint8Array> = {};
      const sets: string[] = [];
      const absent = ['attribute_not_exists(erasedAt)'];
      keys.forEach(({ entity, edk }, i) => {
        names[`#k${i}`] = keyAttribute(entity);
        values[`:k${i}`] = edk;
        sets.push(`#k${i} = :k${i}`);
        absent.push(`attribute_not_exists(#k${i})`);
      });
      try {
        const { Attributes } = await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { customerId },
            UpdateExpression: `SET ${sets.join(', ')}`,
            ConditionExpression: absent.join(' AND '),
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
            ReturnValues: 'ALL_NEW',
          }),
        );
        remember(customerId, Attributes);
        return true;
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
        remembered.delete(customerId);
        return false;
      }
    },
    async erase(customerId, erasedAt) {
      remembered.delete(customerId);
      try {
        await client.send(new PutCommand({ TableName: tableName, Item: { customerId, erasedAt }, ConditionExpression: 'attribute_not_exists(erasedAt)' }));
        return { erasedAt };
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
        const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: { customerId }, ConsistentRead: true }));
        return { erasedAt: String(Item?.erasedAt ?? erasedAt) };
      }
    },
  };
}

let containerStore: CustomerKeyStore | undefined;

/** The store of this function (`CUSTOMER_KEY_TABLE_NAME`), created on first use. */
export function customerKeyStoreFromEnv(): CustomerKeyStore {
  containerStore ??= dynamoCustomerKeyStore(requireSetting('customerKeyTableName'));
  return containerStore;
}

/** The customer was erased: their keys are destroyed. Names the customer id only. */
export class CustomerErasedError extends Error {
  override readonly name = 'CustomerErasedError';
  constructor(readonly customerId: string) {
    super(`Customer ${customerId} was erased: their data keys are destroyed.`);
  }
}

/** The customer has no key of this entity kind (nothing of theirs was ever encrypted under one). */
export class CustomerKeyMissingError extends Error {
  override readonly name = 'CustomerKeyMissingError';
}

/** The KMS operations the keyring needs (the field encryptor's port). */
export interface KeyWrapPort {
  generateDataKey(keyId: string, context: Readonly<Record<string, string>>): Promise<{ plaintext: Uint8Array; ciphertextBlob: Uint8Array }>;
  decrypt(ciphertextBlob: Uint8Array, context: Readonly<Record<string, string>>): Promise<Uint8Array>;
}

/** Tuning of the keyring's per-container cache. */
export const CUSTOMER_KEY_CACHE_DEFAULTS = { maxAgeMs: 30_000, maxEntries: 1_000 } as const;

export interface CustomerKeyringOptions {
  readonly store: () => CustomerKeyStore;
  readonly kms: KeyWrapPort;
  /** The KMS key id, read on first use. */
  readonly keyId: () => string;
  /** The KMS encryption context of a customer's data key of an entity kind. */
  readonly context: (entity: string, customerId: string) => Record<string, string>;
  /** Takes ownership of an unwrapped data key (copies it into a KeyObject and zeroes it). */
  readonly toKey: (plaintext: Uint8Array) => crypto.KeyObject;
  readonly clock?: Clock;
  /** How long an unwrapped key is reused: the erasure bound (default 30 s). */
  readonly maxAgeMs?: number;
  readonly maxEntries?: number;
  /**
   * The entity kinds whose keys are created in the same write as a new key of `entity`, when the
   * customer has none of them yet: kinds this container is about to need for the same customer
   * (`POST /orders`: the order's key and its stored response's). Default none.
   */
  readonly companions?: (entity: string) => readonly string[];
}

interface CacheEntry {
  readonly key: Promise<crypto.KeyObject>;
  readonly at: number;
}

/** A data key as KMS generated it. */
type GeneratedKey = { readonly plaintext: Uint8Array; readonly ciphertextBlob: Uint8Array };

/** The keyring cache's key of a customer's key of an entity kind. */
const cacheKeyOf = (customerId: string, entity: string) => JSON.stringify([customerId, entity]);

function zero(keys: readonly GeneratedKey[]): void {
  for (const key of keys) key.plaintext.fill(0);
}

/** Per-customer data keys, cached per container for a bounded time; see the module documentation. */
export class CustomerKeyring {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly maxAgeMs: number;
  private readonly maxEntries: number;
  private readonly clock: Clock;

  constructor(private readonly options: CustomerKeyringOptions) {
    this.maxAgeMs = options.maxAgeMs ?? CUSTOMER_KEY_CACHE_DEFAULTS.maxAgeMs;
    this.maxEntries = options.maxEntries ?? CUSTOMER_KEY_CACHE_DEFAULTS.maxEntries;
    this.clock = options.clock ?? systemClock;
  }

  /** The customer's data key of `entity`, created on first use; a {@link CustomerErasedError} once erased. */
  keyFor(customerId: string, entity: string, use: 'encrypt' | 'decrypt'): Promise<crypto.KeyObject> {
    const cacheKey = cacheKeyOf(customerId, entity);
    const now = this.clock.now().getTime();
    const cached = this.live(cacheKey);
    if (cached) {
      setNewest(this.cache, cacheKey, cached, this.maxEntries);
      return cached.key;
    }
    const entry: CacheEntry = { key: this.load(customerId, entity, use), at: now };
    entry.key.catch(() => {
      if (this.cache.get(cacheKey) === entry) this.cache.delete(cacheKey);
    });
    setNewest(this.cache, cacheKey, entry, this.maxEntries);
    return entry.key;
  }

  private async load(customerId: string, entity: string, use: 'encrypt' | 'decrypt'): Promise<crypto.KeyObject> {
    const store = this.options.store();
    const context = this.options.context(entity, customerId);
    let state = await store.get(customerId, entity, use);
    if (!state) {
      if (use === 'decrypt') throw new CustomerKeyMissingError(`Customer ${customerId} has no ${entity} data key.`);
      const together = await this.createdTogether(store, customerId, entity);
      if (together && 'key' in together) return together.key;
      const generated = together?.alone ?? (await this.options.kms.generateDataKey(this.options.keyId(), context));
      state = await store.create(customerId, entity, generated.ciphertextBlob);
      if ('edk' in state && state.edk === generated.ciphertextBlob) return this.options.toKey(generated.plaintext);
      generated.plaintext.fill(0);
    }
    if ('erasedAt' in state) throw new CustomerErasedError(customerId);
    return this.options.toKey(await this.options.kms.decrypt(state.edk, context));
  }

  /**
   * A new key of `entity` created in one write with its companions' (see {@link CustomerKeyringOptions.companions})
   * when the customer has none of them: the companions' keys go straight into this keyring's cache.
   * `alone`: `entity`'s generated key, for the caller to create by itself as without companions —
   * when a companion's data key could not be generated (a companion never fails the key asked for)
   * or the write found one of the kinds already there (nothing written). Undefined when there is no
   * companion to create. Every plaintext not handed over is zeroed.
   */
  private async createdTogether(
    store: CustomerKeyStore,
    customerId: string,
    entity: string,
  ): Promise<{ readonly key: crypto.KeyObject } | { readonly alone: GeneratedKey } | undefined> {
    const wanted = [...new Set(this.options.companions?.(entity) ?? [])].filter((kind) => kind !== entity && !this.live(cacheKeyOf(customerId, kind)));
    if (wanted.length === 0 || !store.createTogether) return undefined;
    // An absent kind is answered from the record the store has just read for `entity`; a DynamoDB store
    // reads a present one again (once per customer who has a companion kind but not `entity`'s).
    const absent = (await Promise.all(wanted.map(async (kind) => ((await store.get(customerId, kind, 'encrypt')) === undefined ? kind : undefined)))).filter(
      (kind): kind is string => kind !== undefined,
    );
    if (absent.length === 0) return undefined;
    const kinds = [entity, ...absent];
    const results = await Promise.allSettled(kinds.map((kind) => this.options.kms.generateDataKey(this.options.keyId(), this.options.context(kind, customerId))));
    const generated = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    const [own] = results;
    if (own?.status !== 'fulfilled') {
      zero(generated);
      throw own?.status === 'rejected' ? own.reason : new Error('no data key generated');
    }
    if (generated.length < kinds.length) {
      zero(generated.slice(1));
      return { alone: own.value };
    }
    let stored: boolean;
    try {
      stored = await store.createTogether(
        customerId,
        kinds.map((kind, i) => ({ entity: kind, edk: generated[i]!.ciphertextBlob })),
      );
    } catch (error) {
      zero(generated);
      throw error;
    }
    if (!stored) {
      zero(generated.slice(1));
      return { alone: own.value };
    }
    try {
      const now = this.clock.now().getTime();
      absent.forEach((kind, i) => {
        setNewest(this.cache, cacheKeyOf(customerId, kind), { key: Promise.resolve(this.options.toKey(generated[i + 1]!.plaintext)), at: now }, this.maxEntries);
      });
      return { key: this.options.toKey(own.value.plaintext) };
    } finally {
      zero(generated); // toKey zeroes what it takes; this covers the rest if it threw
    }
  }

  /** The cache entry of a customer's key of an entity kind ({@link cacheKeyOf}), if it is younger than the erasure bound. */
  private live(cacheKey: string): CacheEntry | undefined {
    const entry = this.cache.get(cacheKey);
    return entry !== undefined && this.clock.now().getTime() - entry.at < this.maxAgeMs ? entry : undefined;
  }
}
