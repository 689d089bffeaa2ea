import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { manualClock } from '../../../shared/clock.ts';
import { CUSTOMER_KEY_CACHE_DEFAULTS } from '../../../shared/customer-keys.ts';
import { MemoryKeyStore } from '../../support/memory-customer-keys.ts';
import { FieldDecryptionError, FieldEncryptionError, FieldEncryptor, isEncryptedField, subjectOfEncryptedField, type KmsKeyPort } from '../../../shared/field-encryption.ts';

/** An in-memory KMS: data keys wrapped under one master key with the encryption context as AAD. Counts calls. */
class FakeKms implements KmsKeyPort {
  readonly calls = { generateDataKey: 0, decrypt: 0 };
  readonly contexts: Record<string, string>[] = [];
  /** Every plaintext data key handed out (the keyring must zero each once it has taken or dropped it). */
  readonly plaintexts: Uint8Array[] = [];
  /** Entity kinds whose GenerateDataKey fails (throttled). */
  readonly failing = new Set<string>();
  private readonly master = crypto.randomBytes(32);

  async generateDataKey(_keyId: string, context: Readonly<Record<string, string>>) {
    this.calls.generateDataKey += 1;
    this.contexts.push({ ...context });
    if (context.entity !== undefined && this.failing.has(context.entity)) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    const plaintext = crypto.randomBytes(32);
    this.plaintexts.push(plaintext);
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.master, iv);
    cipher.setAAD(this.aad(context));
    return { plaintext, ciphertextBlob: Buffer.concat([iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]) };
  }

  async decrypt(blob: Uint8Array, context: Readonly<Record<string, string>>) {
    this.calls.decrypt += 1;
    const b = Buffer.from(blob);
    const decipher = crypto.createDecipheriv('aes-256-gcm', this.master, b.subarray(0, 12));
    decipher.setAAD(this.aad(context));
    decipher.setAuthTag(b.subarray(b.length - 16));
    return Buffer.concat([decipher.update(b.subarray(12, b.length - 16)), decipher.final()]);
  }

  private aad(context: Readonly<Record<string, string>>): Buffer {
    return Buffer.from(JSON.stringify(Object.entries(context).sort(([a], [b]) => (a < b ? -1 : 1))));
  }
}

function setup() {
  const kms = new FakeKms();
  const store = new MemoryKeyStore();
  const clock = manualClock();
  const container = () => new FieldEncryptor({ kms, keyId: 'alias/fields', clock, customerKeyStore: store });
  return { kms, store, clock, container, encryptor: container() };
}

const CUSTOMER = 'customer-7f3a';
const order = { entity: 'order', recordId: '01J9ZK8Q4Y0000000000000001', subject: CUSTOMER } as const;

describe('Customer keyring and the v2 field format (SEC-3 crypto-shredding)', () => {
  it('SEC-3: a customer’s fields round-trip as v2 values that name the customer, under a key wrapped with the customer in its KMS context', async () => {
    const { encryptor, kms, store, container } = setup();
    const stored = await encryptor.encryptFields(order, { name: '张三', address: '上海市浦东新区世纪大道100号' });
    expect(stored.name!.startsWith('v2.')).toBe(true);
    expect(isEncryptedField(stored.name)).toBe(true);
    expect(subjectOfEncryptedField(stored.name)).toBe(CUSTOMER);
    expect(JSON.stringify(stored)).not.toContain('张三');
    expect(kms.contexts).toEqual([{ purpose: 'field-encryption', entity: 'order', customer: CUSTOMER }]);
    expect(store.items.get(CUSTOMER)?.keys.has('order')).toBe(true);
    // A reader in another container needs no subject: the value names it.
    await expect(container().decryptFields({ entity: 'order', recordId: order.recordId }, stored)).resolves.toEqual({ name: '张三', address: '上海市浦东新区世纪大道100号' });
  });

  it('SEC-3: the AAD binds the customer — a value claimed for another customer, record or field does not decrypt', async () => {
    const { encryptor } = setup();
    const name = await encryptor.encrypt({ ...order, field: 'name' }, '李四');
    await expect(encryptor.decrypt({ ...order, subject: 'someone-else', field: 'name' }, name)).rejects.toMatchObject({ name: 'FieldDecryptionError', reason: 'unauthenticated' });
    await expect(encryptor.decrypt({ ...order, recordId: 'another-order', field: 'name' }, name)).rejects.toMatchObject({ reason: 'unauthenticated' });
    await expect(encryptor.decrypt({ ...order, field: 'phone' }, name)).rejects.toMatchObject({ reason: 'unauthenticated' });
    // Rewriting the customer named in the value to another customer who has a key: still refused.
    await encryptor.encrypt({ ...order, subject: 'victim', field: 'name' }, 'x');
    const relabelled = ['v2', Buffer.from('victim').toString('base64url'), ...name.split('.').slice(2)].join('.');
    await expect(encryptor.decrypt({ ...order, field: 'name' }, relabelled)).rejects.toMatchObject({ reason: 'unauthenticated' });
  });

  it('SEC-3: after erasure every v2 value of the customer fails with reason `erased` — in a fresh container at once, in a warm one once its cache ages out — and no new key is created', async () => {
    const { encryptor, store, clock, container } = setup();
    const stored = await encryptor.encrypt({ ...order, field: 'phone' }, '13800138000');
    const other = await encryptor.encrypt({ ...order, subject: 'bystander', field: 'phone' }, '13900139000');
    await store.erase(CUSTOMER, '2026-12-05T20:00:00.000Z');

    const error = await container()
      .decrypt({ ...order, field: 'phone' }, stored)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FieldDecryptionError);
    expect(error).toMatchObject({ reason: 'erased' });
    expect(String((error as Error).message)).not.toContain('13800138000');

    clock.advance(CUSTOMER_KEY_CACHE_DEFAULTS.maxAgeMs);
    await expect(encryptor.decrypt({ ...order, field: 'phone' }, stored)).rejects.toMatchObject({ reason: 'erased' });
    await expect(encryptor.encrypt({ ...order, field: 'phone' }, 'new')).rejects.toBeInstanceOf(FieldEncryptionError);
    expect(store.items.get(CUSTOMER)?.keys.size).toBe(0);
    // Other customers are untouched.
    await expect(container().decrypt({ ...order, subject: 'bystander', field: 'phone' }, other)).resolves.toBe('13900139000');
  });

  it('SEC-2: v1 values (shared data keys) still decrypt, and data of no customer is still written as v1', async () => {
    const { encryptor, container } = setup();
    const v1 = await encryptor.encrypt({ entity: 'order', recordId: order.recordId, field: 'name' }, '王五');
    expect(v1.startsWith('v1.')).toBe(true);
    await expect(container().decrypt({ ...order, field: 'name' }, v1)).resolves.toBe('王五');
  });

  it('SEC-3: concurrent first use creates exactly one key per customer and entity kind — across containers, and with one KMS call in one container', async () => {
    const { kms, store, container } = setup();
    const a = container();
    const b = container();
    const values = await Promise.all([
      ...Array.from({ length: 5 }, (_, i) => a.encrypt({ ...order, field: `f${i}` }, `a${i}`)),
      ...Array.from({ length: 5 }, (_, i) => b.encrypt({ ...order, field: `g${i}` }, `b${i}`)),
    ]);
    expect(store.creates).toBe(1);
    expect(kms.calls.generateDataKey).toBe(2); // one per container; the loser's key is dropped unused
    const reader = container();
    const read = await Promise.all(values.map((v, i) => reader.decrypt({ ...order, field: i < 5 ? `f${i}` : `g${i - 5}` }, v)));
    expect(read).toEqual([...Array.from({ length: 5 }, (_, i) => `a${i}`), ...Array.from({ length: 5 }, (_, i) => `b${i}`)]);
  });

  it('SEC-3: keys are cached per container for the bounded age: many fields cost one keyring read and one KMS call', async () => {
    const { kms, container } = setup();
    const writer = container();
    const values = await Promise.all(Array.from({ length: 20 }, (_, i) => writer.encrypt({ ...order, field: `f${i}` }, `v${i}`)));
    const reader = container();
    const before = kms.calls.decrypt;
    await Promise.all(values.map((v, i) => reader.decrypt({ ...order, field: `f${i}` }, v)));
    expect(kms.calls.decrypt - before).toBe(1);
    expect(kms.calls.generateDataKey).toBe(1);
  });

  it('SEC-2: an encryptor limited to some entity kinds refuses others for customer keys too', async () => {
    const kms = new FakeKms();
    const encryptor = new FieldEncryptor({ kms, keyId: 'k', allowedEntities: ['ticket'], customerKeyStore: new MemoryKeyStore() });
    await expect(encryptor.encrypt({ ...order, field: 'name' }, 'x')).rejects.toBeInstanceOf(FieldEncryptionError);
    expect(kms.calls.generateDataKey).toBe(0);
  });

  describe('a new customer’s keys of several kinds in one write (customerKeyCompanions)', () => {
    const together = (store: MemoryKeyStore, kms: FakeKms, clock = manualClock(), allowedEntities?: readonly string[]) =>
      new FieldEncryptor({
        kms,
        keyId: 'alias/fields',
        clock,
        customerKeyStore: store,
        customerKeyCompanions: { order: ['idempotency-response'] },
        ...(allowedEntities ? { allowedEntities } : {}),
      });
    const response = { entity: 'idempotency-response', recordId: 'placeOrder#k1', subject: CUSTOMER } as const;

    it('SEC-3: the order’s key and the stored response’s are created in one write; the second is then used without a read or a KMS call', async () => {
      const kms = new FakeKms();
      const store = new MemoryKeyStore();
      const encryptor = together(store, kms);
      const sealed = await encryptor.encryptFields(order, { record: '{"name":"张三"}' });
      expect(store.creates).toBe(1);
      expect([...(store.items.get(CUSTOMER)?.keys.keys() ?? [])].sort()).toEqual(['idempotency-response', 'order']);
      expect(kms.contexts.map((c) => c.entity).sort()).toEqual(['idempotency-response', 'order']);
      expect(kms.contexts.every((c) => c.customer === CUSTOMER)).toBe(true);
      const calls = { ...kms.calls };
      const stored = await encryptor.encryptFields(response, { body: '{"orderId":"o-1"}' });
      expect(kms.calls).toEqual(calls);
      expect(store.creates).toBe(1);
      // Both open in another container, under the keys the store holds (no copy of a key was kept elsewhere).
      const reader = new FieldEncryptor({ kms, keyId: 'alias/fields', customerKeyStore: store });
      await expect(reader.decryptFields({ entity: 'order', recordId: order.recordId }, sealed)).resolves.toEqual({ record: '{"name":"张三"}' });
      await expect(reader.decryptFields({ entity: response.entity, recordId: response.recordId }, stored)).resolves.toEqual({ body: '{"orderId":"o-1"}' });
    });

    it('a customer who already has one of the kinds: nothing written together, the missing key created alone, the existing one kept', async () => {
      const kms = new FakeKms();
      const store = new MemoryKeyStore();
      await together(store, kms).encryptFields(response, { body: 'earlier' }); // the response key first (no companions for it)
      const existing = store.items.get(CUSTOMER)?.keys.get('idempotency-response');
      expect(store.creates).toBe(1);
      const sealed = await together(store, kms).encryptFields(order, { record: 'x' });
      expect(store.creates).toBe(2);
      expect(store.items.get(CUSTOMER)?.keys.get('idempotency-response')).toBe(existing);
      await expect(
        new FieldEncryptor({ kms, keyId: 'alias/fields', customerKeyStore: store }).decryptFields({ entity: 'order', recordId: order.recordId }, sealed),
      ).resolves.toEqual({ record: 'x' });
    });

    it('SEC-3: an erased customer gets no key of any kind', async () => {
      const kms = new FakeKms();
      const store = new MemoryKeyStore();
      await store.erase(CUSTOMER, '2026-12-01T00:00:00.000Z');
      await expect(together(store, kms).encryptFields(order, { record: 'x' })).rejects.toThrow(/erased/);
      expect(store.items.get(CUSTOMER)?.keys.size).toBe(0);
      expect(store.creates).toBe(0);
    });

    it('a companion’s data key that cannot be generated never fails the key asked for: created alone, nothing left in memory', async () => {
      const kms = new FakeKms();
      const store = new MemoryKeyStore();
      kms.failing.add('idempotency-response');
      const sealed = await together(store, kms).encryptFields(order, { record: 'x' });
      expect([...(store.items.get(CUSTOMER)?.keys.keys() ?? [])]).toEqual(['order']);
      expect(store.creates).toBe(1);
      expect(kms.calls.generateDataKey).toBe(2); // the order's key was generated once, and used
      expect(kms.plaintexts.every((key) => key.every((byte) => byte === 0))).toBe(true);
      await expect(
        new FieldEncryptor({ kms, keyId: 'alias/fields', customerKeyStore: store }).decryptFields({ entity: 'order', recordId: order.recordId }, sealed),
      ).resolves.toEqual({ record: 'x' });
    });

    it('every plaintext data key is zeroed once the keyring has taken or dropped it (together, or a kind already there)', async () => {
      const kms = new FakeKms();
      const store = new MemoryKeyStore();
      await together(store, kms).encryptFields(order, { record: 'x' });
      const other = 'customer-other';
      await together(store, kms).encryptFields({ ...response, subject: other }, { body: 'y' });
      await together(store, kms).encryptFields({ ...order, subject: other }, { record: 'z' });
      expect(kms.plaintexts.length).toBeGreaterThanOrEqual(4);
      expect(kms.plaintexts.every((key) => key.every((byte) => byte === 0))).toBe(true);
    });

    it('SEC-2: a companion kind the encryptor may not use is not created', async () => {
      const kms = new FakeKms();
      const store = new MemoryKeyStore();
      await together(store, kms, manualClock(), ['order']).encryptFields(order, { record: 'x' });
      expect([...(store.items.get(CUSTOMER)?.keys.keys() ?? [])]).toEqual(['order']);
      expect(kms.contexts.map((c) => c.entity)).toEqual(['order']);
    });
  });
});
