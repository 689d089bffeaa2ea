import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { manualClock } from '../../../shared/clock.ts';
import { ConfigError, resetConfigForTests } from '../../../shared/config.ts';
import {
  FieldDecryptionError,
  FieldEncryptionError,
  FieldEncryptor,
  isEncryptedField,
  type FieldContext,
  type KmsKeyPort,
  type RecordContext,
} from '../../../shared/field-encryption.ts';

/**
 * An in-memory KMS: data keys wrapped with AES-256-GCM under one master key, the encryption
 * context as AAD (so a wrong context fails, as in KMS). Counts calls.
 */
class FakeKms implements KmsKeyPort {
  readonly calls = { generateDataKey: 0, decrypt: 0 };
  readonly keyIds: string[] = [];
  readonly contexts: Record<string, string>[] = [];
  /** Every plaintext data key handed out (copies, for the no-key-material checks). */
  readonly issuedKeys: Buffer[] = [];
  private readonly master = crypto.randomBytes(32);

  async generateDataKey(keyId: string, context: Readonly<Record<string, string>>) {
    this.calls.generateDataKey += 1;
    this.keyIds.push(keyId);
    this.contexts.push({ ...context });
    const plaintext = crypto.randomBytes(32);
    this.issuedKeys.push(Buffer.from(plaintext));
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.master, iv);
    cipher.setAAD(this.aad(context));
    const ciphertextBlob = Buffer.concat([iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    return { plaintext, ciphertextBlob };
  }

  async decrypt(ciphertextBlob: Uint8Array, context: Readonly<Record<string, string>>) {
    this.calls.decrypt += 1;
    const blob = Buffer.from(ciphertextBlob);
    const decipher = crypto.createDecipheriv('aes-256-gcm', this.master, blob.subarray(0, 12));
    decipher.setAAD(this.aad(context));
    decipher.setAuthTag(blob.subarray(blob.length - 16));
    try {
      return Buffer.concat([decipher.update(blob.subarray(12, blob.length - 16)), decipher.final()]);
    } catch {
      throw new Error('InvalidCiphertextException');
    }
  }

  private aad(context: Readonly<Record<string, string>>): Buffer {
    return Buffer.from(JSON.stringify(Object.entries(context).sort(([a], [b]) => (a < b ? -1 : 1))));
  }
}

const order: RecordContext = { entity: 'order', recordId: '01J9ZK8Q4Y0000000000000001' };
const field = (name: string, record: RecordContext = order): FieldContext => ({ ...record, field: name });

function setup(options: { maxDataKeyAgeMs?: number; maxDataKeyUses?: number; decryptCacheSize?: number } = {}) {
  const kms = new FakeKms();
  const clock = manualClock();
  const encryptor = new FieldEncryptor({ kms, keyId: 'alias/fields', clock, ...options });
  return { kms, clock, encryptor };
}

/** The error a promise rejects with. */
async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

/** Everything an error could show: message, stack, cause chain, own properties. */
function everything(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    parts.push(current.message, current.stack ?? '', JSON.stringify(current));
    current = current.cause;
  }
  return parts.join('\n');
}

/** Replaces one character of the part at `index` (0-based, after the version) of a stored value. */
function tamper(stored: string, index: number): string {
  const parts = stored.split('.');
  const part = parts[index]!;
  const at = Math.floor(part.length / 2);
  parts[index] = part.slice(0, at) + (part[at] === 'A' ? 'B' : 'A') + part.slice(at + 1);
  return parts.join('.');
}

describe('FieldEncryptor', () => {
  it('round-trips personal data, Chinese names and addresses included, as compact v1 strings', async () => {
    const { encryptor } = setup();
    const values = { name: '张伟', phone: '+86 138 0013 8000', address: '北京市朝阳区建国路88号 SOHO现代城 A座 1201', email: 'zhang.wei@example.cn', emoji: '🎁👍🏽', empty: '' };
    for (const [name, value] of Object.entries(values)) {
      const stored = await encryptor.encrypt(field(name), value);
      expect(stored).toMatch(/^v1\.[\w-]+\.[\w-]{16}\.[\w-]{22,}$/);
      expect(isEncryptedField(stored)).toBe(true);
      expect(stored).not.toContain(value || '\u0000');
      expect(await encryptor.decrypt(field(name), stored)).toBe(value);
    }
  });

  it('encrypts and decrypts the fields of an object, leaving undefined fields alone', async () => {
    const { encryptor } = setup();
    const input: { name: string; phone: string; note: string | undefined } = { name: '李娜', phone: '13912345678', note: undefined };
    const stored = await encryptor.encryptFields(order, input);
    expect(Object.keys(stored)).toEqual(['name', 'phone', 'note']);
    expect(isEncryptedField(stored.name)).toBe(true);
    expect(isEncryptedField(stored.phone)).toBe(true);
    expect(stored.note).toBeUndefined();
    expect(await encryptor.decryptFields(order, stored)).toEqual(input);
  });

  it('binds each value to its record, field and entity kind', async () => {
    const { encryptor } = setup();
    const stored = await encryptor.encrypt(field('phone'), '13800138000');
    const elsewhere: FieldContext[] = [
      field('phone', { entity: 'order', recordId: '01J9ZK8Q4Y0000000000000002' }),
      field('name'),
      { entity: 'customer', recordId: order.recordId, field: 'phone' },
    ];
    for (const context of elsewhere) {
      const error = await failure(encryptor.decrypt(context, stored));
      expect(error).toBeInstanceOf(FieldDecryptionError);
      expect((error as FieldDecryptionError).context).toEqual(context);
    }
    const moved = await failure(encryptor.decryptFields(order, { name: stored }));
    expect(moved).toBeInstanceOf(FieldDecryptionError);
    expect((moved as FieldDecryptionError).message).toMatch(/field 'name' of order 01J9ZK8Q4Y0000000000000001.*another record or field/);
  });

  it('detects tampering with the IV, the ciphertext, the tag or the encrypted data key', async () => {
    const { encryptor } = setup();
    const stored = await encryptor.encrypt(field('address'), '上海市浦东新区世纪大道100号');
    for (const part of [2, 3]) {
      await expect(encryptor.decrypt(field('address'), tamper(stored, part))).rejects.toMatchObject({ name: 'FieldDecryptionError', reason: 'unauthenticated' });
    }
    const lastByteFlipped = stored.slice(0, -1) + (stored.endsWith('A') ? 'Q' : 'A');
    await expect(encryptor.decrypt(field('address'), lastByteFlipped)).rejects.toBeInstanceOf(FieldDecryptionError);
    // A fresh encryptor has no cached data key, so the altered EDK reaches KMS, which refuses it.
    const { encryptor: fresh } = setup();
    await expect(fresh.decrypt(field('address'), tamper(stored, 1))).rejects.toMatchObject({ reason: 'data-key' });
  });

  it('refuses values that are not encrypted fields', async () => {
    const { encryptor } = setup();
    const stored = await encryptor.encrypt(field('name'), '王芳');
    for (const value of ['王芳', '', 'v1.abc', stored.replace(/^v1/, 'v3'), `${stored}.extra`, stored.replace(/\.[\w-]{16}\./, '.short.')]) {
      expect(isEncryptedField(value)).toBe(false);
      await expect(encryptor.decrypt(field('name'), value)).rejects.toMatchObject({ reason: 'malformed' });
    }
    expect(isEncryptedField(undefined)).toBe(false);
    expect(isEncryptedField(42)).toBe(false);
  });

  it('uses a fresh IV for every value, so equal plaintexts give different ciphertexts', async () => {
    const { encryptor } = setup();
    const stored = await Promise.all(Array.from({ length: 200 }, () => encryptor.encrypt(field('phone'), '13800138000')));
    const ivs = new Set(stored.map((s) => s.split('.')[2]));
    expect(ivs.size).toBe(200);
    expect(new Set(stored).size).toBe(200);
  });

  it('asks KMS for one data key for many fields, under the configured key and a purpose/entity context', async () => {
    const { kms, encryptor } = setup();
    await Promise.all(Array.from({ length: 100 }, (_, i) => encryptor.encrypt(field(`f${i}`), `value ${i}`)));
    for (let i = 0; i < 50; i++) await encryptor.encryptFields({ entity: 'order', recordId: `o-${i}` }, { name: '赵敏', phone: '13700000000' });
    expect(kms.calls.generateDataKey).toBe(1);
    expect(kms.keyIds).toEqual(['alias/fields']);
    expect(kms.contexts).toEqual([{ purpose: 'field-encryption', entity: 'order' }]);
    await encryptor.encrypt({ entity: 'customer', recordId: 'c-1', field: 'name' }, '周杰');
    expect(kms.calls.generateDataKey).toBe(2);
    expect(kms.contexts[1]).toEqual({ purpose: 'field-encryption', entity: 'customer' });
    // What this container wrote it reads back without asking KMS.
    const stored = await encryptor.encrypt(field('name'), '赵敏');
    expect(await encryptor.decrypt(field('name'), stored)).toBe('赵敏');
    expect(kms.calls.decrypt).toBe(0);
  });

  it('replaces the data key after its maximum age (injected clock)', async () => {
    const { kms, clock, encryptor } = setup({ maxDataKeyAgeMs: 60_000 });
    const first = await encryptor.encrypt(field('name'), 'a');
    clock.advance(59_999);
    const second = await encryptor.encrypt(field('name'), 'b');
    expect(kms.calls.generateDataKey).toBe(1);
    clock.advance(1);
    const third = await encryptor.encrypt(field('name'), 'c');
    expect(kms.calls.generateDataKey).toBe(2);
    const edk = (s: string) => s.split('.')[1];
    expect(edk(first)).toBe(edk(second));
    expect(edk(third)).not.toBe(edk(first));
    expect(await encryptor.decrypt(field('name'), first)).toBe('a');
  });

  it('replaces the data key after its maximum number of uses', async () => {
    const { kms, encryptor } = setup({ maxDataKeyUses: 10 });
    for (let i = 0; i < 25; i++) await encryptor.encrypt(field('name'), `n${i}`);
    expect(kms.calls.generateDataKey).toBe(3);
  });

  it('decrypts many records with one KMS Decrypt per data key', async () => {
    const writer = setup({ maxDataKeyUses: 100 });
    const records = Array.from({ length: 250 }, (_, i) => ({ entity: 'order', recordId: `o-${i}` }));
    const stored = await Promise.all(records.map((r, i) => writer.encryptor.encryptFields(r, { name: `客户${i}`, phone: `1380000${String(i).padStart(4, '0')}` })));
    expect(writer.kms.calls.generateDataKey).toBe(5);

    const reader = new FieldEncryptor({ kms: writer.kms, keyId: 'alias/fields' });
    const read = await Promise.all(records.map((r, i) => reader.decryptFields(r, stored[i]!)));
    expect(read[7]).toEqual({ name: '客户7', phone: '13800000007' });
    expect(writer.kms.calls.decrypt).toBe(5);
  });

  it('bounds the decrypt cache (least recently used first) and its age', async () => {
    const writer = setup({ maxDataKeyUses: 1 });
    const stored = await Promise.all(['a', 'b', 'c'].map((v, i) => writer.encryptor.encrypt(field('name', { entity: 'order', recordId: `r${i}` }), v)));
    const clock = manualClock();
    const reader = new FieldEncryptor({ kms: writer.kms, keyId: 'alias/fields', decryptCacheSize: 2, maxDataKeyAgeMs: 1_000, clock });
    const read = (i: number) => reader.decrypt(field('name', { entity: 'order', recordId: `r${i}` }), stored[i]!);
    await read(0);
    await read(1);
    await read(0); // 0 is now the most recently used
    await read(2); // evicts 1
    expect(writer.kms.calls.decrypt).toBe(3);
    await read(0);
    expect(writer.kms.calls.decrypt).toBe(3);
    await read(1);
    expect(writer.kms.calls.decrypt).toBe(4);
    clock.advance(1_000);
    await read(1);
    expect(writer.kms.calls.decrypt).toBe(5);
  });

  it('never puts plaintext, stored values or key material into errors', async () => {
    const secret = '张伟 13800138000 北京市朝阳区';
    const { kms, encryptor } = setup();
    const stored = await encryptor.encrypt(field('name'), secret);
    const errors = [
      await failure(encryptor.decrypt(field('phone'), stored)),
      await failure(encryptor.decrypt(field('name'), tamper(stored, 3))),
      await failure(encryptor.decrypt(field('name'), secret)),
      await failure(setup().encryptor.decrypt(field('name'), stored)),
      await failure(encryptor.encrypt(field('name'), `${secret}\uD800`)),
      await failure(encryptor.encrypt({ entity: 'order', recordId: '', field: 'name' }, secret)),
    ];
    const keys = kms.issuedKeys.flatMap((k) => [k.toString('base64'), k.toString('base64url'), k.toString('hex')]);
    for (const error of errors) {
      expect(error).toBeInstanceOf(FieldEncryptionError);
      const text = everything(error);
      expect(text).not.toContain(secret);
      expect(text).not.toContain('张伟');
      expect(text).not.toContain(stored.split('.')[3]!);
      for (const key of keys) expect(text).not.toContain(key);
    }
  });

  it('reports KMS failures as FieldEncryptionError and retries on the next call', async () => {
    const kms = new FakeKms();
    let down = true;
    const flaky: KmsKeyPort = {
      generateDataKey: (keyId, context) => (down ? Promise.reject(new Error('ThrottlingException')) : kms.generateDataKey(keyId, context)),
      decrypt: (blob, context) => kms.decrypt(blob, context),
    };
    const encryptor = new FieldEncryptor({ kms: flaky, keyId: 'alias/fields' });
    await expect(encryptor.encrypt(field('name'), 'x')).rejects.toThrow(/Cannot get a data key for order fields/);
    down = false;
    expect(await encryptor.decrypt(field('name'), await encryptor.encrypt(field('name'), 'x'))).toBe('x');
  });

  it('reads the key id from FIELD_ENCRYPTION_KEY_ID on first use, and names the variable when it is missing', async () => {
    const kms = new FakeKms();
    const encryptor = new FieldEncryptor({ kms });
    delete process.env.FIELD_ENCRYPTION_KEY_ID;
    resetConfigForTests();
    await expect(encryptor.encrypt(field('name'), 'x')).rejects.toThrow(ConfigError);
    await expect(encryptor.encrypt(field('name'), 'x')).rejects.toThrow(/FIELD_ENCRYPTION_KEY_ID/);
    process.env.FIELD_ENCRYPTION_KEY_ID = 'alias/from-env';
    resetConfigForTests();
    try {
      await encryptor.encrypt(field('name'), 'x');
      expect(kms.keyIds).toEqual(['alias/from-env']);
    } finally {
      delete process.env.FIELD_ENCRYPTION_KEY_ID;
      resetConfigForTests();
    }
  });

  it('refuses a data key that is not 256 bits', async () => {
    const short: KmsKeyPort = {
      generateDataKey: async () => ({ plaintext: crypto.randomBytes(16), ciphertextBlob: crypto.randomBytes(40) }),
      decrypt: async () => crypto.randomBytes(16),
    };
    await expect(new FieldEncryptor({ kms: short, keyId: 'k' }).encrypt(field('name'), 'x')).rejects.toBeInstanceOf(FieldEncryptionError);
  });

  // 300 runs of grapheme generation take ~5 s on a busy two-core machine: a generous timeout, not fewer runs.
  it('round-trips any well-formed string in any field of any record (property)', { timeout: 60_000 }, async () => {
    const { kms, encryptor } = setup();
    const id = fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' });
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 50 }), id, id, async (value, binary, recordId, name) => {
        const context = { entity: 'order', recordId, field: name };
        const text = binary.replace(/\p{Cs}/gu, '') + value;
        const stored = await encryptor.encrypt(context, text);
        expect(isEncryptedField(stored)).toBe(true);
        expect(await encryptor.decrypt(context, stored)).toBe(text);
      }),
      { numRuns: 300 },
    );
    expect(kms.calls.generateDataKey).toBe(1);
  });
});
