/**
 * Field encryption (shared/field-encryption.ts) with the real `kmsKeyProvider` over
 * KMS's JSON API (shared/aws-json.ts), against the local KMS: KMS calls per field and per record, and a
 * ciphertext moved onto another record failing to decrypt.
 */
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_ACCOUNT, LOCAL_CREDENTIALS, LOCAL_REGION, startAwsEndpoint, type AwsEndpoint } from '../../../infra/local/aws-protocol.ts';
import { KmsService } from '../../../infra/local/kms.ts';
import { resetConfigForTests } from '../../../shared/config.ts';
import { FieldDecryptionError, FieldEncryptor, isEncryptedField, kmsKeyProvider } from '../../../shared/field-encryption.ts';
import { kmsClient, type AwsJsonClient } from '../../../shared/aws-json.ts';

const keyId = crypto.randomUUID();
const arn = (id: string) => `arn:aws:kms:${LOCAL_REGION}:${LOCAL_ACCOUNT}:key/${id}`;
const kms = new KmsService({
  keys: [{ logicalId: 'FieldEncryptionKey', keyId, arn: arn(keyId), enabled: true }],
  aliases: [{ name: 'alias/field-encryption', targetKeyId: keyId }],
});
let endpoint: AwsEndpoint;
let client: AwsJsonClient;

/** KMS calls made while `work` runs. */
async function kmsCalls(work: () => Promise<unknown>): Promise<{ GenerateDataKey: number; Decrypt: number }> {
  const before = kms.stats();
  await work();
  const after = kms.stats();
  return { GenerateDataKey: after.GenerateDataKey - before.GenerateDataKey, Decrypt: after.Decrypt - before.Decrypt };
}

beforeAll(async () => {
  endpoint = await startAwsEndpoint({ services: [kms] });
  client = kmsClient({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoint: endpoint.url, attempts: 1 });
});

afterAll(async () => {
  await endpoint.close();
});

describe('FieldEncryptor over the local KMS', () => {
  it('encrypts 100 fields with 1 GenerateDataKey, and a cold reader decrypts them with 1 Decrypt', async () => {
    const writer = new FieldEncryptor({ kms: kmsKeyProvider(client), keyId: 'alias/field-encryption' });
    const records = Array.from({ length: 50 }, (_, i) => ({ entity: 'order', recordId: `01JA0000000000000000000${String(i).padStart(3, '0')}` }));
    const plain = records.map((_, i) => ({ name: `收货人${i}`, address: `广东省深圳市南山区科技园路${i}号` }));
    let stored: { name: string; address: string }[] = [];
    const written = await kmsCalls(async () => {
      stored = await Promise.all(records.map((record, i) => writer.encryptFields(record, plain[i]!)));
    });
    expect(written).toEqual({ GenerateDataKey: 1, Decrypt: 0 });
    expect(stored.every((s) => isEncryptedField(s.name) && isEncryptedField(s.address))).toBe(true);

    const reader = new FieldEncryptor({ kms: kmsKeyProvider(client), keyId: 'alias/field-encryption' });
    let read: { name: string; address: string }[] = [];
    const readCalls = await kmsCalls(async () => {
      read = await Promise.all(records.map((record, i) => reader.decryptFields(record, stored[i]!)));
    });
    expect(read).toEqual(plain);
    expect(readCalls).toEqual({ GenerateDataKey: 0, Decrypt: 1 });
  });

  it('refuses a ciphertext copied onto another record id, field or entity kind', async () => {
    const encryptor = new FieldEncryptor({ kms: kmsKeyProvider(client), keyId: 'alias/field-encryption' });
    const victim = { entity: 'order', recordId: '01JA00000000000000000VICTIM' };
    const { phone } = await encryptor.encryptFields(victim, { phone: '13800138000' });
    const cold = new FieldEncryptor({ kms: kmsKeyProvider(client), keyId: 'alias/field-encryption' });
    await expect(cold.decryptFields({ entity: 'order', recordId: '01JA00000000000000000ATTACK' }, { phone })).rejects.toMatchObject({
      name: 'FieldDecryptionError',
      reason: 'unauthenticated',
    });
    await expect(cold.decrypt({ ...victim, field: 'name' }, phone)).rejects.toBeInstanceOf(FieldDecryptionError);
    // Another entity kind: KMS itself refuses the data key (its encryption context names the entity).
    const error = await cold.decrypt({ entity: 'customer', recordId: victim.recordId, field: 'phone' }, phone).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'FieldDecryptionError', reason: 'data-key' });
    expect((error as Error).cause).toMatchObject({ name: 'InvalidCiphertextException' });
    expect(await cold.decrypt({ ...victim, field: 'phone' }, phone)).toBe('13800138000');
  });

  it('works the way a Lambda uses it: key id from FIELD_ENCRYPTION_KEY_ID, KMS client from the environment', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      FIELD_ENCRYPTION_KEY_ID: arn(keyId),
      AWS_ENDPOINT_URL_KMS: endpoint.url,
      AWS_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    });
    resetConfigForTests();
    try {
      const encryptor = new FieldEncryptor({ kms: kmsKeyProvider() });
      const record = { entity: 'customer', recordId: 'c-lambda' };
      const calls = await kmsCalls(async () => {
        const stored = await encryptor.encryptFields(record, { name: '陈静', email: 'chen.jing@example.cn' });
        expect(await encryptor.decryptFields(record, stored)).toEqual({ name: '陈静', email: 'chen.jing@example.cn' });
      });
      expect(calls).toEqual({ GenerateDataKey: 1, Decrypt: 0 });
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
      resetConfigForTests();
    }
  });

  it('fails clearly when the configured key cannot be used', async () => {
    const encryptor = new FieldEncryptor({ kms: kmsKeyProvider(client), keyId: 'alias/missing' });
    const error = await encryptor.encrypt({ entity: 'order', recordId: 'o-1', field: 'name' }, '秘密').catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'FieldEncryptionError' });
    expect((error as Error).cause).toMatchObject({ name: 'NotFoundException' });
    expect(String((error as Error).message)).not.toContain('秘密');
  });
});
