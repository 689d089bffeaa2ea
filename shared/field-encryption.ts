/**
 * Field encryption of personal data (SEC-2): names, phone numbers, addresses, e-mail addresses and
 * the like are encrypted before they are written to DynamoDB, each bound to its record and field.
 * This JSDoc is the design of record.
 *
 * ## Envelope encryption
 *
 * - **Data keys.** A {@link FieldEncryptor} asks KMS (`GenerateDataKey`, `AES_256`) for a data key
 *   under the key in `FIELD_ENCRYPTION_KEY_ID`, with the KMS encryption context
 *   `{ purpose: 'field-encryption', entity: <entity kind> }` (e.g. `entity: 'order'`). KMS keeps
 *   the key; the table only ever holds the data key encrypted by KMS (the EDK).
 * - **Reuse.** The plaintext data key is cached in memory per entity kind and reused for a bounded
 *   time and number of fields ({@link FieldEncryptorOptions.maxDataKeyAgeMs}, default 5 minutes;
 *   {@link FieldEncryptorOptions.maxDataKeyUses}, default 10 000 fields), then replaced by a new
 *   one, so KMS is called once per key period, not per field. Concurrent callers share one
 *   in-flight `GenerateDataKey`.
 * - **Decrypt cache.** Decrypted data keys are cached by (entity kind, EDK) in a bounded LRU
 *   ({@link FieldEncryptorOptions.decryptCacheSize}) for the same maximum age, so reading many
 *   records costs one KMS `Decrypt` per data key. The EDK of a freshly generated data key is put
 *   there too, so reading back what this container wrote costs no KMS call.
 * - **Key handling.** The plaintext data key the KMS port returns is copied into a Node `KeyObject`
 *   (held by OpenSSL, outside the JavaScript heap) and the port's buffer is then zeroed: the
 *   encryptor takes ownership of it. Keys leave memory when their cache entry is dropped.
 *
 * ## Each field
 *
 * AES-256-GCM with a fresh random 96-bit IV and a 128-bit tag. The additional authenticated data
 * is the canonical encoding of the field's context, the JSON array
 * `["commerce/field-encryption", "v1", entity, recordId, field]` (fixed order, JSON escaping keeps
 * it unambiguous). A value copied onto another record, into another field or another entity kind
 * therefore fails authentication, and decryption raises a {@link FieldDecryptionError}.
 *
 * The stored value is one compact string that fits a DynamoDB string attribute:
 *
 * ```
 *   v1.<EDK>.<IV>.<ciphertext ‖ tag>        (each part base64url, no padding)
 * ```
 *
 * Text is encoded as UTF-8; a string that is not well-formed Unicode (a lone surrogate) is refused
 * rather than silently altered. Any string value round-trips, including Chinese names and
 * addresses.
 *
 * ## What never leaks
 *
 * Errors name the entity kind, record id and field, and what went wrong — never the plaintext,
 * the stored value or key material. This module does not log.
 *
 * ## Per-customer keys and erasure (SEC-3)
 *
 * A customer's personal data is encrypted under that customer's own data keys: a record context
 * with a `subject` (the customer id) makes the encryptor take the data key of that customer and
 * entity kind from the customer keyring (shared/customer-keys.ts; created on first use, one per
 * customer and entity kind, wrapped by the field key under the KMS context
 * `{ purpose, entity, customer }`) and write the `v2` format:
 *
 * ```
 *   v2.<customer id, base64url>.<IV>.<ciphertext ‖ tag>
 * ```
 *
 * whose AAD also binds the customer: `["commerce/field-encryption", "v2", entity, recordId, field,
 * customerId]`. A reader needs no subject (the value names it); if it passes one that differs, the
 * value does not authenticate. Erasure destroys the customer's key record, so every `v2` value of
 * that customer — wherever a copy of it is, backups, the event archive, queues included — stops
 * decrypting at once ({@link FieldDecryptionError} reason `erased`); warm containers drop their
 * cached copy of the key within the keyring's cache age (30 s), which bounds "at once". `v1`
 * values (shared per-entity data keys, no subject) still decrypt, and are still written for data
 * that belongs to no customer (e.g. payment tokens sealed per order).
 *
 * ## Use in a Lambda
 *
 * Importing this module performs no I/O. Create one encryptor per container, at module level:
 *
 * ```ts
 * const encryptor = new FieldEncryptor({ kms: kmsKeyProvider() });
 * const stored = await encryptor.encryptFields({ entity: 'order', recordId: orderId }, { name, phone, address });
 * ```
 *
 * The key id is read from `FIELD_ENCRYPTION_KEY_ID` on first use; the KMS client is created on
 * first use and honours `AWS_ENDPOINT_URL_KMS` (the local cloud).
 *
 * ## Least privilege
 *
 * A function's IAM grant on the key is conditioned on the data keys' encryption context
 * ({@link dataKeyContext}): `purpose` = field-encryption and `entity` = the entity kinds it handles
 * (infra/platform.ts `useFieldEncryption`). The stack passes the same kinds as
 * `FIELD_ENCRYPTION_ENTITIES`, and an encryptor using the key from `FIELD_ENCRYPTION_KEY_ID` refuses
 * any other kind before KMS is asked — as AWS would, and as the local cloud, which does not
 * evaluate IAM, otherwise would not.
 */
import crypto from 'node:crypto';
import { setNewest } from './cache.ts';
import { systemClock, type Clock } from './clock.ts';
import { getConfig, requireSetting } from './config.ts';
import { fromBase64, kmsClientFromEnv, toBase64, type AwsJsonClient } from './aws-json.ts';
import { CustomerErasedError, CustomerKeyring, customerKeyStoreFromEnv, type CustomerKeyStore } from './customer-keys.ts';

/** The KMS operations field encryption needs. */
export interface KmsKeyPort {
  /** A new AES-256 data key under `keyId`, bound to `context`: its plaintext and its KMS-encrypted form. */
  generateDataKey(keyId: string, context: Readonly<Record<string, string>>): Promise<{ plaintext: Uint8Array; ciphertextBlob: Uint8Array }>;
  /** The plaintext of an encrypted data key; fails unless `context` is the one it was generated with. */
  decrypt(ciphertextBlob: Uint8Array, context: Readonly<Record<string, string>>): Promise<Uint8Array>;
}

let containerClient: AwsJsonClient | undefined;

/**
 * The {@link KmsKeyPort} over KMS's JSON API (shared/aws-json.ts). Without a `client`, one per
 * container is created on first use (region, credentials and endpoint from the environment).
 */
export function kmsKeyProvider(client?: AwsJsonClient): KmsKeyPort {
  const kms = (): AwsJsonClient => client ?? (containerClient ??= kmsClientFromEnv());
  return {
    async generateDataKey(keyId, context) {
      const output = await kms().call('GenerateDataKey', { KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: { ...context } });
      return {
        plaintext: fromBase64(output.Plaintext, 'KMS GenerateDataKey: Plaintext'),
        ciphertextBlob: fromBase64(output.CiphertextBlob, 'KMS GenerateDataKey: CiphertextBlob'),
      };
    },
    async decrypt(ciphertextBlob, context) {
      const output = await kms().call('Decrypt', { CiphertextBlob: toBase64(ciphertextBlob), EncryptionContext: { ...context } });
      return fromBase64(output.Plaintext, 'KMS Decrypt: Plaintext');
    },
  };
}

/** Which record a set of fields belongs to: the entity kind (table/item type) and the record's id. */
export interface RecordContext {
  /** The entity kind, e.g. `order`, `customer`; also names the data key's KMS context. */
  readonly entity: string;
  /** The record's id, e.g. the order id. */
  readonly recordId: string;
  /**
   * The customer the data belongs to (their id): encrypts under that customer's own data key
   * (format `v2`), which erasing the customer destroys. Leave it out for data of no customer.
   */
  readonly subject?: string;
}

/** Which field of which record a value belongs to. */
export interface FieldContext extends RecordContext {
  /** The attribute name, e.g. `phone`. */
  readonly field: string;
}

/** Tuning of a {@link FieldEncryptor}. */
export interface FieldEncryptorOptions {
  /** KMS, usually {@link kmsKeyProvider}(). */
  readonly kms: KmsKeyPort;
  /** The KMS key (id, ARN or alias) data keys are generated under; default `FIELD_ENCRYPTION_KEY_ID`, read on first use. */
  readonly keyId?: string;
  /**
   * The entity kinds whose data keys this encryptor may get or open. Default: when the key comes
   * from `FIELD_ENCRYPTION_KEY_ID`, the `FIELD_ENCRYPTION_ENTITIES` the stack sets with it (the same
   * list its IAM grant's `kms:EncryptionContext:entity` condition names); otherwise any.
   */
  readonly allowedEntities?: readonly string[];
  /** How long a data key (for encryption, and once decrypted) is reused. Default 5 minutes. */
  readonly maxDataKeyAgeMs?: number;
  /** How many fields one data key encrypts before a new one is generated. Default 10 000. */
  readonly maxDataKeyUses?: number;
  /** How many decrypted data keys are kept (least recently used dropped first). Default 1 000. */
  readonly decryptCacheSize?: number;
  /** The clock that ages data keys. Default the system clock. */
  readonly clock?: Clock;
  /** The customer keyring's store. Default the CustomerKeyTable (`CUSTOMER_KEY_TABLE_NAME`), on first use. */
  readonly customerKeyStore?: CustomerKeyStore;
  /** How long a customer's unwrapped key is reused in this container (the erasure bound). Default 30 s. */
  readonly maxCustomerKeyAgeMs?: number;
  /**
   * Per entity kind, the kinds whose customer keys are created in the same write when a customer's
   * key of that kind is created and they have none of these either (kinds this encryptor is about to
   * use for the same customer; the ones it may not use are left out). Default none.
   */
  readonly customerKeyCompanions?: Readonly<Record<string, readonly string[]>>;
}

/** Defaults of {@link FieldEncryptorOptions}. */
export const FIELD_ENCRYPTION_DEFAULTS = { maxDataKeyAgeMs: 5 * 60_000, maxDataKeyUses: 10_000, decryptCacheSize: 1_000 } as const;

/** A field could not be encrypted. Carries no plaintext and no key material. */
export class FieldEncryptionError extends Error {
  override readonly name: string = 'FieldEncryptionError';
}

/**
 * A stored value could not be decrypted: it is malformed, was altered, belongs to another record,
 * field or entity kind, or its data key could not be decrypted. Carries no plaintext, no stored
 * value and no key material.
 */
export class FieldDecryptionError extends FieldEncryptionError {
  override readonly name: string = 'FieldDecryptionError';
  constructor(
    readonly context: FieldContext,
    readonly reason: 'malformed' | 'unauthenticated' | 'data-key' | 'erased',
    options?: { cause: unknown },
  ) {
    super(`Cannot decrypt field '${context.field}' of ${context.entity} ${context.recordId}: ${DECRYPTION_REASONS[reason]}.`, options);
  }
}

const DECRYPTION_REASONS: Readonly<Record<FieldDecryptionError['reason'], string>> = {
  malformed: 'the stored value is not an encrypted field (v1 or v2)',
  unauthenticated: 'authentication failed (the value was altered, or belongs to another record or field)',
  'data-key': 'its data key could not be decrypted by KMS (wrong entity kind, altered, or KMS refused)',
  erased: 'the customer it belongs to was erased: their data keys are destroyed',
};

const VERSION = 'v1';
const AAD_DOMAIN = 'commerce/field-encryption';
const DATA_KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const B64URL = '[A-Za-z0-9_-]';
/** `v1.<edk>.<iv: 12 bytes>.<ciphertext ‖ tag: ≥ 16 bytes>`. */
const ENCRYPTED_FIELD = new RegExp(`^${VERSION}\\.(${B64URL}+)\\.(${B64URL}{16})\\.(${B64URL}{22,})$`);
const CUSTOMER_VERSION = 'v2';
/** `v2.<customer id>.<iv: 12 bytes>.<ciphertext ‖ tag: ≥ 16 bytes>`. */
const CUSTOMER_FIELD = new RegExp(`^${CUSTOMER_VERSION}\\.(${B64URL}+)\\.(${B64URL}{16})\\.(${B64URL}{22,})$`);
/** A lone surrogate: text that UTF-8 cannot carry unchanged. */
const LONE_SURROGATE = /\p{Cs}/u;

/** Whether `value` has the shape of an encrypted field value (it says nothing about whether it decrypts). */
export function isEncryptedField(value: unknown): value is string {
  return typeof value === 'string' && (ENCRYPTED_FIELD.test(value) || CUSTOMER_FIELD.test(value));
}

/** The customer a `v2` value belongs to, or undefined (v1, or not an encrypted field). */
export function subjectOfEncryptedField(value: unknown): string | undefined {
  const match = typeof value === 'string' ? CUSTOMER_FIELD.exec(value) : null;
  const subject = match?.[1] === undefined ? undefined : fromBase64Url(match[1]);
  return subject?.toString('utf8');
}

interface DataKey {
  readonly key: crypto.KeyObject;
  /** The encrypted data key, base64url. */
  readonly edk: string;
}

interface EncryptionKeyEntry {
  readonly dataKey: Promise<DataKey>;
  readonly createdAt: number;
  uses: number;
}

interface DecryptedKeyEntry {
  readonly key: Promise<crypto.KeyObject>;
  readonly createdAt: number;
}

/** The `purpose` of every data key's KMS encryption context. */
export const FIELD_ENCRYPTION_PURPOSE = 'field-encryption';

/** The KMS encryption context of a customer's data key of an entity kind: `{ purpose, entity, customer }`. */
export function customerKeyContext(entity: string, customerId: string): Record<string, string> {
  return { ...dataKeyContext(entity), customer: customerId };
}

/**
 * The KMS encryption context of an entity kind's data keys: `{ purpose, entity }`. The IAM grants
 * of the field key are conditioned on it (`kms:EncryptionContext:purpose`,
 * `kms:EncryptionContext:entity`: infra/platform.ts), so a function can only get or open data keys
 * of the entity kinds it handles.
 */
export function dataKeyContext(entity: string): Record<string, string> {
  return { purpose: FIELD_ENCRYPTION_PURPOSE, entity };
}

function aad(context: FieldContext): Buffer {
  return Buffer.from(JSON.stringify([AAD_DOMAIN, VERSION, context.entity, context.recordId, context.field]), 'utf8');
}

function customerAad(context: FieldContext, subject: string): Buffer {
  return Buffer.from(JSON.stringify([AAD_DOMAIN, CUSTOMER_VERSION, context.entity, context.recordId, context.field, subject]), 'utf8');
}

function checkContext(context: FieldContext): void {
  for (const part of ['entity', 'recordId', 'field'] as const) {
    if (typeof context[part] !== 'string' || context[part].length === 0) {
      throw new FieldEncryptionError(`Field encryption needs a non-empty ${part}.`);
    }
  }
  if (context.subject !== undefined && (typeof context.subject !== 'string' || context.subject.length === 0))
    throw new FieldEncryptionError('Field encryption needs a non-empty subject when one is given.');
}

/** Takes ownership of a plaintext data key: copies it into a KeyObject and zeroes the source. */
function toKeyObject(plaintext: Uint8Array): crypto.KeyObject {
  if (plaintext.length !== DATA_KEY_BYTES) {
    plaintext.fill(0);
    throw new FieldEncryptionError(`KMS returned a data key of ${plaintext.length} bytes; AES-256 needs ${DATA_KEY_BYTES}.`);
  }
  const key = crypto.createSecretKey(plaintext);
  plaintext.fill(0);
  return key;
}

/** Decodes canonical unpadded base64url, or undefined. */
function fromBase64Url(text: string): Buffer | undefined {
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : undefined;
}

/** Envelope encryption of personal-data fields; see the module documentation for the design. */
export class FieldEncryptor {
  private readonly kms: KmsKeyPort;
  private readonly configuredKeyId: string | undefined;
  private readonly configuredEntities: readonly string[] | undefined;
  private readonly maxAgeMs: number;
  private readonly maxUses: number;
  private readonly decryptCacheSize: number;
  private readonly clock: Clock;
  /** Current data key per entity kind. */
  private readonly encryptionKeys = new Map<string, EncryptionKeyEntry>();
  /** Decrypted data keys by `[entity, edk]`, in least-recently-used order. */
  private readonly decryptedKeys = new Map<string, DecryptedKeyEntry>();
  /** Per-customer data keys (format v2). */
  readonly customerKeys: CustomerKeyring;

  constructor(options: FieldEncryptorOptions) {
    this.kms = options.kms;
    this.configuredKeyId = options.keyId;
    this.configuredEntities = options.allowedEntities;
    this.maxAgeMs = options.maxDataKeyAgeMs ?? FIELD_ENCRYPTION_DEFAULTS.maxDataKeyAgeMs;
    this.maxUses = options.maxDataKeyUses ?? FIELD_ENCRYPTION_DEFAULTS.maxDataKeyUses;
    this.decryptCacheSize = options.decryptCacheSize ?? FIELD_ENCRYPTION_DEFAULTS.decryptCacheSize;
    this.clock = options.clock ?? systemClock;
    if (!(this.maxAgeMs > 0) || !Number.isInteger(this.maxUses) || this.maxUses < 1 || !Number.isInteger(this.decryptCacheSize) || this.decryptCacheSize < 1) {
      throw new FieldEncryptionError('FieldEncryptor needs a positive maxDataKeyAgeMs, maxDataKeyUses and decryptCacheSize.');
    }
    const store = options.customerKeyStore;
    this.customerKeys = new CustomerKeyring({
      store: () => store ?? customerKeyStoreFromEnv(),
      kms: this.kms,
      keyId: () => this.keyId(),
      context: customerKeyContext,
      toKey: toKeyObject,
      clock: this.clock,
      ...(options.maxCustomerKeyAgeMs === undefined ? {} : { maxAgeMs: options.maxCustomerKeyAgeMs }),
      ...(options.customerKeyCompanions ? { companions: (entity: string) => (options.customerKeyCompanions?.[entity] ?? []).filter((kind) => this.mayUse(kind)) } : {}),
    });
  }

  /** Encrypts one field value for its record and field. */
  async encrypt(context: FieldContext, plaintext: string): Promise<string> {
    checkContext(context);
    if (typeof plaintext !== 'string') throw new FieldEncryptionError(`Field '${context.field}' of ${context.entity} ${context.recordId} is not a string.`);
    if (LONE_SURROGATE.test(plaintext)) throw new FieldEncryptionError(`Field '${context.field}' of ${context.entity} ${context.recordId} is not well-formed Unicode.`);
    if (context.subject !== undefined) return this.encryptForCustomer(context, context.subject, plaintext);
    const { key, edk } = await this.encryptionKey(context.entity);
    const iv = crypto.randomBytes(IV_BYTES);
    const cipher = crypto.createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad(context));
    const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${VERSION}.${edk}.${iv.toString('base64url')}.${sealed.toString('base64url')}`;
  }

  /** Decrypts one stored value of its record and field; a {@link FieldDecryptionError} if it does not belong there. */
  async decrypt(context: FieldContext, stored: string): Promise<string> {
    checkContext(context);
    if (typeof stored === 'string' && stored.startsWith(`${CUSTOMER_VERSION}.`)) return this.decryptForCustomer(context, stored);
    const match = typeof stored === 'string' ? ENCRYPTED_FIELD.exec(stored) : null;
    const [, edk, ivText, sealedText] = match ?? [];
    const iv = ivText === undefined ? undefined : fromBase64Url(ivText);
    const sealed = sealedText === undefined ? undefined : fromBase64Url(sealedText);
    const edkBytes = edk === undefined ? undefined : fromBase64Url(edk);
    if (edk === undefined || !edkBytes || !iv || !sealed) throw new FieldDecryptionError(context, 'malformed');
    let key: crypto.KeyObject;
    try {
      key = await this.decryptedKey(context.entity, edk, edkBytes);
    } catch (error) {
      throw new FieldDecryptionError(context, 'data-key', { cause: error });
    }
    const decipher = crypto.createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(context));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new FieldDecryptionError(context, 'unauthenticated');
    }
  }

  private async encryptForCustomer(context: FieldContext, subject: string, plaintext: string): Promise<string> {
    this.checkEntity(context.entity);
    let key: crypto.KeyObject;
    try {
      key = await this.customerKeys.keyFor(subject, context.entity, 'encrypt');
    } catch (error) {
      const why = error instanceof CustomerErasedError ? 'the customer was erased' : 'the customer data key could not be read or created (keyring table or KMS failed)';
      throw new FieldEncryptionError(`Cannot encrypt field '${context.field}' of ${context.entity} ${context.recordId}: ${why}.`, { cause: error });
    }
    const iv = crypto.randomBytes(IV_BYTES);
    const cipher = crypto.createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(customerAad(context, subject));
    const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${CUSTOMER_VERSION}.${Buffer.from(subject, 'utf8').toString('base64url')}.${iv.toString('base64url')}.${sealed.toString('base64url')}`;
  }

  private async decryptForCustomer(context: FieldContext, stored: string): Promise<string> {
    const match = CUSTOMER_FIELD.exec(stored);
    const [, subjectText, ivText, sealedText] = match ?? [];
    const subjectBytes = subjectText === undefined ? undefined : fromBase64Url(subjectText);
    const iv = ivText === undefined ? undefined : fromBase64Url(ivText);
    const sealed = sealedText === undefined ? undefined : fromBase64Url(sealedText);
    if (!subjectBytes || subjectBytes.length === 0 || !iv || !sealed) throw new FieldDecryptionError(context, 'malformed');
    const subject = subjectBytes.toString('utf8');
    if (context.subject !== undefined && context.subject !== subject) throw new FieldDecryptionError(context, 'unauthenticated');
    let key: crypto.KeyObject;
    try {
      this.checkEntity(context.entity);
      key = await this.customerKeys.keyFor(subject, context.entity, 'decrypt');
    } catch (error) {
      throw new FieldDecryptionError(context, error instanceof CustomerErasedError ? 'erased' : 'data-key', { cause: error });
    }
    const decipher = crypto.createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(customerAad(context, subject));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new FieldDecryptionError(context, 'unauthenticated');
    }
  }

  /**
   * Encrypts the given fields of one record, e.g. `encryptFields({ entity: 'order', recordId },
   * { name, phone })`. `undefined` values stay `undefined`; the result has the same keys.
   */
  async encryptFields<T extends Readonly<Record<string, string | undefined>>>(record: RecordContext, fields: T): Promise<{ -readonly [K in keyof T]: T[K] }> {
    return this.mapFields(record, fields, (context, value) => this.encrypt(context, value));
  }

  /** Decrypts the given fields of one record (the inverse of {@link encryptFields}). */
  async decryptFields<T extends Readonly<Record<string, string | undefined>>>(record: RecordContext, fields: T): Promise<{ -readonly [K in keyof T]: T[K] }> {
    return this.mapFields(record, fields, (context, value) => this.decrypt(context, value));
  }

  private async mapFields<T extends Readonly<Record<string, string | undefined>>>(
    record: RecordContext,
    fields: T,
    transform: (context: FieldContext, value: string) => Promise<string>,
  ): Promise<{ -readonly [K in keyof T]: T[K] }> {
    const entries = await Promise.all(
      Object.entries(fields).map(
        async ([field, value]) =>
          [
            field,
            value === undefined
              ? undefined
              : await transform({ entity: record.entity, recordId: record.recordId, field, ...(record.subject === undefined ? {} : { subject: record.subject }) }, value),
          ] as const,
      ),
    );
    return Object.fromEntries(entries) as { -readonly [K in keyof T]: T[K] };
  }

  private keyId(): string {
    return this.configuredKeyId ?? requireSetting('fieldEncryptionKeyId');
  }

  /**
   * Refuses an entity kind this function's grant does not name, before KMS is asked: on AWS the
   * grant's `kms:EncryptionContext:entity` condition would refuse it (AccessDenied); the local
   * cloud evaluates IAM for DynamoDB only, so this keeps it failing the same way.
   */
  private checkEntity(entity: string): void {
    const allowed = this.allowedEntities();
    if (allowed && !allowed.includes(entity)) throw new FieldEncryptionError(`This function may not use ${entity} data keys (granted: ${allowed.join(', ')}).`);
  }

  /** Whether this function's grant names the entity kind (see {@link checkEntity}). */
  private mayUse(entity: string): boolean {
    return this.allowedEntities()?.includes(entity) ?? true;
  }

  private allowedEntities(): readonly string[] | undefined {
    return this.configuredEntities ?? (this.configuredKeyId === undefined ? getConfig().infra.fieldEncryptionEntities?.split(',') : undefined);
  }

  /** The current data key of an entity kind, generating a new one when it is too old or used up. */
  private encryptionKey(entity: string): Promise<DataKey> {
    const now = this.clock.now().getTime();
    let entry = this.encryptionKeys.get(entity);
    if (!entry || entry.uses >= this.maxUses || now - entry.createdAt >= this.maxAgeMs) {
      const created: EncryptionKeyEntry = { dataKey: this.generateDataKey(entity, now), createdAt: now, uses: 0 };
      created.dataKey.catch(() => {
        if (this.encryptionKeys.get(entity) === created) this.encryptionKeys.delete(entity);
      });
      this.encryptionKeys.set(entity, created);
      entry = created;
    }
    entry.uses += 1;
    return entry.dataKey;
  }

  private async generateDataKey(entity: string, now: number): Promise<DataKey> {
    this.checkEntity(entity);
    const keyId = this.keyId();
    let generated: { plaintext: Uint8Array; ciphertextBlob: Uint8Array };
    try {
      generated = await this.kms.generateDataKey(keyId, dataKeyContext(entity));
    } catch (error) {
      throw new FieldEncryptionError(`Cannot get a data key for ${entity} fields from KMS.`, { cause: error });
    }
    const key = toKeyObject(generated.plaintext);
    const edk = Buffer.from(generated.ciphertextBlob).toString('base64url');
    this.remember(JSON.stringify([entity, edk]), { key: Promise.resolve(key), createdAt: now });
    return { key, edk };
  }

  /** The data key of a stored value, from the LRU cache or from KMS. */
  private decryptedKey(entity: string, edk: string, edkBytes: Buffer): Promise<crypto.KeyObject> {
    const cacheKey = JSON.stringify([entity, edk]);
    const now = this.clock.now().getTime();
    const cached = this.decryptedKeys.get(cacheKey);
    if (cached && now - cached.createdAt < this.maxAgeMs) {
      this.remember(cacheKey, cached);
      return cached.key;
    }
    this.checkEntity(entity);
    const entry: DecryptedKeyEntry = {
      key: this.kms.decrypt(edkBytes, dataKeyContext(entity)).then(toKeyObject),
      createdAt: now,
    };
    entry.key.catch(() => {
      if (this.decryptedKeys.get(cacheKey) === entry) this.decryptedKeys.delete(cacheKey);
    });
    this.remember(cacheKey, entry);
    return entry.key;
  }

  private remember(cacheKey: string, entry: DecryptedKeyEntry): void {
    setNewest(this.decryptedKeys, cacheKey, entry, this.decryptCacheSize);
  }
}
