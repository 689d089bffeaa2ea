/**
 * KMS, locally: the symmetric-key operations the stack uses (GenerateDataKey,
 * GenerateDataKeyWithoutPlaintext, Encrypt, Decrypt, DescribeKey, ListAliases) and the HMAC ones
 * (GenerateMac, VerifyMac: HMAC_256 keys, HMAC_SHA_256, `KMSInvalidMacException` on a mismatch;
 * the key's `KeySpec`/`KeyUsage` decide which operations it allows) over the AWS JSON
 * protocol (`X-Amz-Target: TrentService.<Operation>`), for the keys and aliases of the template.
 *
 * Semantics follow the KMS API reference:
 * - `KeyId` is a key id, a key ARN, an alias name (`alias/…`) or an alias ARN. Unknown keys and
 *   aliases raise `NotFoundException`; a disabled key raises `DisabledException`.
 * - The encryption context is additional authenticated data: Decrypt succeeds only with exactly the
 *   context used to encrypt (same pairs, any order; an empty context is the same as none), and
 *   otherwise raises `InvalidCiphertextException`, as does any altered ciphertext.
 * - Decrypt needs no `KeyId`: the ciphertext blob names its key. A `KeyId` that names another key
 *   raises `IncorrectKeyException`.
 * - `DryRun: true` raises `DryRunOperationException` once the request has been validated.
 * - Error `__type`s are the bare KMS exception names (as KMS returns them), so `@aws-sdk/client-kms`
 *   raises its modelled exception classes; HTTP statuses are the model's (NotFound 404,
 *   Disabled 409, others 400).
 *
 * Cryptography is real: each key has 256 bits of random key material, generated once and kept in
 * `dataDir/keys.json` (mode 0600) so ciphertexts survive a restart, or in memory without a
 * `dataDir`. Encryption is AES-256-GCM; the ciphertext blob format (this emulator's own, opaque to
 * clients as AWS's is) is:
 *
 * ```
 *   byte 0        format version, 0x01
 *   byte 1        L, the length of the key id
 *   bytes 2..2+L  the key id (ASCII)
 *   next 12       the GCM IV (random per call)
 *   rest          the ciphertext followed by the 16-byte GCM tag
 * ```
 *
 * The GCM additional authenticated data is the header (bytes 0..2+L, binding the key id) followed
 * by the canonical encryption context: the pairs sorted by key, JSON-encoded as `[[k, v], …]`.
 *
 * {@link KmsService.stats} counts calls per operation (including failed ones) so benchmarks can
 * report KMS calls per order.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AwsServiceError, LOCAL_ACCOUNT, LOCAL_REGION, requireString, type AwsJsonService } from './aws-protocol.ts';
import { UnsupportedTemplateError } from './template.ts';

/** A KMS key of the template. */
export interface KmsKeyDefinition {
  logicalId: string;
  /** The key id (a UUID), the key's `Ref`. */
  keyId: string;
  arn: string;
  enabled: boolean;
  /** The template's `KeySpec`: `SYMMETRIC_DEFAULT` (the default) or `HMAC_256`. */
  keySpec?: 'SYMMETRIC_DEFAULT' | 'HMAC_256';
  /** The template's `KeyUsage`: `ENCRYPT_DECRYPT` (the default) or `GENERATE_VERIFY_MAC` (HMAC keys). */
  keyUsage?: 'ENCRYPT_DECRYPT' | 'GENERATE_VERIFY_MAC';
}

/** A KMS alias of the template. */
export interface KmsAliasDefinition {
  /** `alias/…`. */
  name: string;
  /** The target key's id (or ARN). */
  targetKeyId: string;
}

/** The operations this emulator serves; {@link KmsService.stats} counts each. */
export const KMS_OPERATIONS = ['GenerateDataKey', 'GenerateDataKeyWithoutPlaintext', 'Encrypt', 'Decrypt', 'DescribeKey', 'ListAliases', 'GenerateMac', 'VerifyMac'] as const;

/** One of {@link KMS_OPERATIONS}. */
export type KmsOperation = (typeof KMS_OPERATIONS)[number];

interface KeyMaterial {
  material: Buffer;
  createdAt: Date;
}

interface StoredKeys {
  version: 1;
  keys: Record<string, { material: string; createdAt: string }>;
}

const BLOB_VERSION = 0x01;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const MAX_PLAINTEXT_BYTES = 4096;
const MAX_CIPHERTEXT_BYTES = 6144;
const SYMMETRIC_DEFAULT = 'SYMMETRIC_DEFAULT';
const HMAC_256 = 'HMAC_256';
const HMAC_SHA_256 = 'HMAC_SHA_256';
const MAX_MAC_MESSAGE_BYTES = 4096;
const isHmacKey = (key: KmsKeyDefinition) => key.keySpec === HMAC_256;
const DATA_KEY_BYTES: Readonly<Record<string, number>> = { AES_256: 32, AES_128: 16 };

function validation(message: string): AwsServiceError {
  return new AwsServiceError('ValidationException', message);
}

function invalidCiphertext(): AwsServiceError {
  // KMS says nothing about why: a wrong context and an altered blob look the same.
  return new AwsServiceError('InvalidCiphertextException', 'The ciphertext is invalid or its encryption context does not match.');
}

/** The encryption context of a request: a string-to-string map, possibly absent. */
function encryptionContext(input: Record<string, unknown>): Record<string, string> {
  const value = input.EncryptionContext;
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw validation("1 validation error detected: Value at 'encryptionContext' failed to satisfy constraint: Member must be a map of strings");
  const context: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw validation("1 validation error detected: Value at 'encryptionContext' failed to satisfy constraint: Member must be a map of strings");
    context[key] = v;
  }
  return context;
}

/** The canonical encoding of an encryption context: pairs sorted by key, as JSON. */
function canonicalContext(context: Record<string, string>): Buffer {
  const pairs = Object.entries(context).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Buffer.from(JSON.stringify(pairs), 'utf8');
}

function blobInput(input: Record<string, unknown>, name: string, member: string, max: number): Buffer {
  const bytes = Buffer.from(requireString(input, name), 'base64');
  if (bytes.length < 1 || bytes.length > max) {
    throw validation(`1 validation error detected: Value at '${member}' failed to satisfy constraint: Member must have length between 1 and ${max}`);
  }
  return bytes;
}

function checkAlgorithm(input: Record<string, unknown>): void {
  const algorithm = input.EncryptionAlgorithm;
  if (algorithm !== undefined && algorithm !== SYMMETRIC_DEFAULT) {
    throw new AwsServiceError('InvalidKeyUsageException', `The encryption algorithm ${String(algorithm)} is not compatible with the symmetric KMS key.`);
  }
}

function checkNoRecipient(input: Record<string, unknown>): void {
  if (input.Recipient !== undefined) throw validation('The local cloud does not support Recipient (Nitro Enclaves attested requests).');
}

function checkDryRun(input: Record<string, unknown>): void {
  if (input.DryRun === true) throw new AwsServiceError('DryRunOperationException', 'The request would have succeeded, but the DryRun flag is set.', 412);
}

/** The local KMS: symmetric keys from the template, real AES-256-GCM, persistent key material. */
export class KmsService implements AwsJsonService {
  readonly targetPrefix = 'TrentService';
  readonly jsonVersion = '1.1' as const;
  readonly errorNamespace = '';
  private readonly keys = new Map<string, KmsKeyDefinition>();
  private readonly keysByArn = new Map<string, KmsKeyDefinition>();
  private readonly aliases = new Map<string, KmsKeyDefinition>();
  private readonly material = new Map<string, KeyMaterial>();
  private readonly counts = Object.fromEntries(KMS_OPERATIONS.map((op) => [op, 0])) as Record<KmsOperation, number>;

  constructor(options: { keys: KmsKeyDefinition[]; aliases: KmsAliasDefinition[]; dataDir?: string }) {
    for (const key of options.keys) {
      const spec = key.keySpec ?? SYMMETRIC_DEFAULT;
      const usage = key.keyUsage ?? (spec === HMAC_256 ? 'GENERATE_VERIFY_MAC' : 'ENCRYPT_DECRYPT');
      if (spec !== SYMMETRIC_DEFAULT && spec !== HMAC_256)
        throw new UnsupportedTemplateError(`KMS key ${key.logicalId}: KeySpec ${String(spec)} is not supported by the local cloud (SYMMETRIC_DEFAULT, HMAC_256)`);
      if ((spec === HMAC_256) !== (usage === 'GENERATE_VERIFY_MAC') || (usage !== 'ENCRYPT_DECRYPT' && usage !== 'GENERATE_VERIFY_MAC')) {
        throw new UnsupportedTemplateError(
          `KMS key ${key.logicalId}: KeyUsage ${String(usage)} does not go with KeySpec ${spec} (SYMMETRIC_DEFAULT → ENCRYPT_DECRYPT, HMAC_256 → GENERATE_VERIFY_MAC)`,
        );
      }
      if (this.keys.has(key.keyId)) throw new UnsupportedTemplateError(`KMS key id ${key.keyId} is defined twice`);
      if (Buffer.byteLength(key.keyId) > 255) throw new UnsupportedTemplateError(`KMS key id of ${key.logicalId} is too long`);
      this.keys.set(key.keyId, key);
      this.keysByArn.set(key.arn, key);
    }
    for (const alias of options.aliases) {
      if (!alias.name.startsWith('alias/')) throw new UnsupportedTemplateError(`KMS alias ${alias.name} must start with 'alias/'`);
      const target = this.keys.get(alias.targetKeyId) ?? this.keysByArn.get(alias.targetKeyId);
      if (!target) throw new UnsupportedTemplateError(`KMS alias ${alias.name} targets ${alias.targetKeyId}, which is not a key of the template`);
      this.aliases.set(alias.name, target);
    }
    this.loadMaterial(options.dataDir);
  }

  /** Calls received per operation since start (failed calls included). */
  stats(): Record<KmsOperation, number> {
    return { ...this.counts };
  }

  async handle(operation: string, input: Record<string, unknown>): Promise<unknown> {
    if (!(KMS_OPERATIONS as readonly string[]).includes(operation)) {
      throw new AwsServiceError('UnknownOperationException', `The local cloud does not emulate KMS ${operation}.`);
    }
    const op = operation as KmsOperation;
    this.counts[op] += 1;
    switch (op) {
      case 'GenerateDataKey':
        return this.generateDataKey(input, true);
      case 'GenerateDataKeyWithoutPlaintext':
        return this.generateDataKey(input, false);
      case 'Encrypt':
        return this.encrypt(input);
      case 'Decrypt':
        return this.decrypt(input);
      case 'DescribeKey':
        return { KeyMetadata: this.keyMetadata(this.resolveKey(requireString(input, 'KeyId'))) };
      case 'ListAliases':
        return this.listAliases(input);
      case 'GenerateMac':
        return this.generateMac(input);
      case 'VerifyMac':
        return this.verifyMac(input);
    }
  }

  private generateDataKey(input: Record<string, unknown>, withPlaintext: boolean): unknown {
    const key = this.usableKey(requireString(input, 'KeyId'));
    const context = encryptionContext(input);
    const { KeySpec: keySpec, NumberOfBytes: numberOfBytes } = input;
    if ((keySpec === undefined) === (numberOfBytes === undefined)) throw validation('Please specify either number of bytes or key spec.');
    let length: number;
    if (keySpec !== undefined) {
      const bytes = typeof keySpec === 'string' ? DATA_KEY_BYTES[keySpec] : undefined;
      if (bytes === undefined)
        throw validation(
          `1 validation error detected: Value '${String(keySpec)}' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [AES_256, AES_128]`,
        );
      length = bytes;
    } else {
      if (typeof numberOfBytes !== 'number' || !Number.isInteger(numberOfBytes) || numberOfBytes < 1 || numberOfBytes > 1024) {
        throw validation("1 validation error detected: Value at 'numberOfBytes' failed to satisfy constraint: Member must have value between 1 and 1024");
      }
      length = numberOfBytes;
    }
    if (withPlaintext) checkNoRecipient(input);
    checkDryRun(input);
    const plaintext = crypto.randomBytes(length);
    const output: Record<string, string> = { KeyId: key.arn, CiphertextBlob: this.seal(key, plaintext, context).toString('base64') };
    if (withPlaintext) output.Plaintext = plaintext.toString('base64');
    return output;
  }

  private encrypt(input: Record<string, unknown>): unknown {
    const key = this.usableKey(requireString(input, 'KeyId'));
    const plaintext = blobInput(input, 'Plaintext', 'plaintext', MAX_PLAINTEXT_BYTES);
    const context = encryptionContext(input);
    checkAlgorithm(input);
    checkDryRun(input);
    return { KeyId: key.arn, CiphertextBlob: this.seal(key, plaintext, context).toString('base64'), EncryptionAlgorithm: SYMMETRIC_DEFAULT };
  }

  private decrypt(input: Record<string, unknown>): unknown {
    const blob = blobInput(input, 'CiphertextBlob', 'ciphertextBlob', MAX_CIPHERTEXT_BYTES);
    const context = encryptionContext(input);
    checkAlgorithm(input);
    checkNoRecipient(input);
    const parsed = this.parseBlob(blob);
    if (input.KeyId !== undefined) {
      const requested = this.resolveKey(requireString(input, 'KeyId'));
      if (requested.keyId !== parsed.keyId) {
        throw new AwsServiceError('IncorrectKeyException', 'The key ID in the request does not identify a KMS key that can perform this operation.');
      }
    }
    const key = this.keys.get(parsed.keyId);
    if (!key || isHmacKey(key)) throw invalidCiphertext();
    if (!key.enabled) throw new AwsServiceError('DisabledException', `${key.arn} is disabled.`, 409);
    checkDryRun(input);
    const decipher = crypto.createDecipheriv('aes-256-gcm', this.materialOf(key), parsed.iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.concat([parsed.header, canonicalContext(context)]));
    decipher.setAuthTag(parsed.tag);
    let plaintext: Buffer;
    try {
      plaintext = Buffer.concat([decipher.update(parsed.ciphertext), decipher.final()]);
    } catch {
      throw invalidCiphertext();
    }
    return { KeyId: key.arn, Plaintext: plaintext.toString('base64'), EncryptionAlgorithm: SYMMETRIC_DEFAULT };
  }

  /** An HMAC key that can MAC now, the message and the algorithm (HMAC_SHA_256 only, as HMAC_256 keys allow). */
  private macRequest(input: Record<string, unknown>): { key: KmsKeyDefinition; message: Buffer } {
    const key = this.resolveKey(requireString(input, 'KeyId'));
    const message = blobInput(input, 'Message', 'message', MAX_MAC_MESSAGE_BYTES);
    const algorithm = requireString(input, 'MacAlgorithm');
    if (!['HMAC_SHA_224', 'HMAC_SHA_256', 'HMAC_SHA_384', 'HMAC_SHA_512'].includes(algorithm)) {
      throw validation(
        `1 validation error detected: Value '${algorithm}' at 'macAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [HMAC_SHA_384, HMAC_SHA_256, HMAC_SHA_224, HMAC_SHA_512]`,
      );
    }
    if (!key.enabled) throw new AwsServiceError('DisabledException', `${key.arn} is disabled.`, 409);
    if (!isHmacKey(key)) throw new AwsServiceError('InvalidKeyUsageException', `${key.arn} key usage is ENCRYPT_DECRYPT which is not valid for ${'MAC operations'}.`);
    if (algorithm !== HMAC_SHA_256) throw new AwsServiceError('InvalidKeyUsageException', `Algorithm ${algorithm} is incompatible with key spec ${HMAC_256}.`);
    return { key, message };
  }

  private mac(key: KmsKeyDefinition, message: Buffer): Buffer {
    return crypto.createHmac('sha256', this.materialOf(key)).update(message).digest();
  }

  private generateMac(input: Record<string, unknown>): unknown {
    const { key, message } = this.macRequest(input);
    checkDryRun(input);
    return { KeyId: key.arn, Mac: this.mac(key, message).toString('base64'), MacAlgorithm: HMAC_SHA_256 };
  }

  private verifyMac(input: Record<string, unknown>): unknown {
    const { key, message } = this.macRequest(input);
    const given = blobInput(input, 'Mac', 'mac', 6144);
    checkDryRun(input);
    const expected = this.mac(key, message);
    if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) {
      throw new AwsServiceError('KMSInvalidMacException', 'The MAC does not match the message and key.');
    }
    return { KeyId: key.arn, MacValid: true, MacAlgorithm: HMAC_SHA_256 };
  }

  private listAliases(input: Record<string, unknown>): unknown {
    const filter = input.KeyId === undefined ? undefined : this.resolveKey(requireString(input, 'KeyId'));
    const limit = input.Limit ?? 50;
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 100) {
      throw validation("1 validation error detected: Value at 'limit' failed to satisfy constraint: Member must have value between 1 and 100");
    }
    const all = [...this.aliases]
      .filter(([, key]) => !filter || key.keyId === filter.keyId)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, key]) => ({ AliasName: name, AliasArn: `arn:aws:kms:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${name}`, TargetKeyId: key.keyId }));
    const start = input.Marker === undefined ? 0 : Number.parseInt(requireString(input, 'Marker'), 10);
    if (!Number.isInteger(start) || start < 0 || start > all.length) throw new AwsServiceError('InvalidMarkerException', 'The marker is not valid.');
    const page = all.slice(start, start + limit);
    const truncated = start + limit < all.length;
    return { Aliases: page, Truncated: truncated, ...(truncated ? { NextMarker: String(start + limit) } : {}) };
  }

  private keyMetadata(key: KmsKeyDefinition): Record<string, unknown> {
    return {
      AWSAccountId: LOCAL_ACCOUNT,
      KeyId: key.keyId,
      Arn: key.arn,
      CreationDate: this.material.get(key.keyId)!.createdAt.getTime() / 1000,
      Enabled: key.enabled,
      Description: '',
      KeyUsage: isHmacKey(key) ? 'GENERATE_VERIFY_MAC' : 'ENCRYPT_DECRYPT',
      KeyState: key.enabled ? 'Enabled' : 'Disabled',
      Origin: 'AWS_KMS',
      KeyManager: 'CUSTOMER',
      CustomerMasterKeySpec: isHmacKey(key) ? HMAC_256 : SYMMETRIC_DEFAULT,
      KeySpec: isHmacKey(key) ? HMAC_256 : SYMMETRIC_DEFAULT,
      ...(isHmacKey(key) ? { MacAlgorithms: [HMAC_SHA_256] } : { EncryptionAlgorithms: [SYMMETRIC_DEFAULT] }),
      MultiRegion: false,
    };
  }

  /** A key by id, key ARN, alias name or alias ARN; `NotFoundException` otherwise. */
  private resolveKey(keyId: string): KmsKeyDefinition {
    const aliasArnPrefix = `arn:aws:kms:${LOCAL_REGION}:${LOCAL_ACCOUNT}:`;
    const aliasName = keyId.startsWith('alias/') ? keyId : keyId.startsWith(`${aliasArnPrefix}alias/`) ? keyId.slice(aliasArnPrefix.length) : undefined;
    if (aliasName !== undefined) {
      const target = this.aliases.get(aliasName);
      if (!target) throw new AwsServiceError('NotFoundException', `Alias ${aliasArnPrefix}${aliasName} is not found.`, 404);
      return target;
    }
    const key = this.keys.get(keyId) ?? this.keysByArn.get(keyId);
    if (!key) throw new AwsServiceError('NotFoundException', keyId.startsWith('arn:') ? `Key '${keyId}' does not exist` : `Invalid keyId '${keyId}'`, 404);
    return key;
  }

  /** A key that can encrypt now: resolved and enabled. */
  private usableKey(keyId: string): KmsKeyDefinition {
    const key = this.resolveKey(keyId);
    if (!key.enabled) throw new AwsServiceError('DisabledException', `${key.arn} is disabled.`, 409);
    if (isHmacKey(key)) throw new AwsServiceError('InvalidKeyUsageException', `${key.arn} key usage is GENERATE_VERIFY_MAC which is not valid for encryption.`);
    return key;
  }

  private materialOf(key: KmsKeyDefinition): Buffer {
    return this.material.get(key.keyId)!.material;
  }

  private seal(key: KmsKeyDefinition, plaintext: Buffer, context: Record<string, string>): Buffer {
    const id = Buffer.from(key.keyId, 'ascii');
    const header = Buffer.concat([Buffer.from([BLOB_VERSION, id.length]), id]);
    const iv = crypto.randomBytes(IV_BYTES);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.materialOf(key), iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.concat([header, canonicalContext(context)]));
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([header, iv, ciphertext, cipher.getAuthTag()]);
  }

  private parseBlob(blob: Buffer): { keyId: string; header: Buffer; iv: Buffer; ciphertext: Buffer; tag: Buffer } {
    if (blob.length < 2 || blob[0] !== BLOB_VERSION) throw invalidCiphertext();
    const idLength = blob[1]!;
    const headerLength = 2 + idLength;
    if (idLength === 0 || blob.length < headerLength + IV_BYTES + TAG_BYTES) throw invalidCiphertext();
    return {
      keyId: blob.subarray(2, headerLength).toString('ascii'),
      header: blob.subarray(0, headerLength),
      iv: blob.subarray(headerLength, headerLength + IV_BYTES),
      ciphertext: blob.subarray(headerLength + IV_BYTES, blob.length - TAG_BYTES),
      tag: blob.subarray(blob.length - TAG_BYTES),
    };
  }

  /**
   * Reads `keys.json` and creates material for keys that have none yet, writing the file before
   * any ciphertext can exist (so a kill -9 never loses a key that encrypted something).
   */
  private loadMaterial(dataDir: string | undefined): void {
    const file = dataDir ? path.join(dataDir, 'keys.json') : undefined;
    if (file && fs.existsSync(file)) {
      let stored: StoredKeys;
      try {
        stored = JSON.parse(fs.readFileSync(file, 'utf8')) as StoredKeys;
      } catch {
        throw new Error(`KMS key material ${file} is not valid JSON; refusing to replace it (ciphertexts would become unrecoverable).`);
      }
      if (stored.version !== 1 || typeof stored.keys !== 'object' || stored.keys === null) throw new Error(`KMS key material ${file} has an unknown format.`);
      for (const [keyId, entry] of Object.entries(stored.keys)) {
        const material = Buffer.from(entry.material, 'base64');
        if (material.length !== 32) throw new Error(`KMS key material ${file} holds a key of the wrong length for ${keyId}.`);
        this.material.set(keyId, { material, createdAt: new Date(entry.createdAt) });
      }
      fs.chmodSync(file, 0o600);
    }
    const missing = [...this.keys.keys()].filter((keyId) => !this.material.has(keyId));
    if (missing.length === 0) return;
    for (const keyId of missing) this.material.set(keyId, { material: crypto.randomBytes(32), createdAt: new Date() });
    if (!file || !dataDir) return;
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const stored: StoredKeys = {
      version: 1,
      keys: Object.fromEntries([...this.material].map(([keyId, m]) => [keyId, { material: m.material.toString('base64'), createdAt: m.createdAt.toISOString() }])),
    };
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
    fs.renameSync(tmp, file);
  }
}
