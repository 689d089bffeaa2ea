/**
 * The local KMS (infra/local/kms.ts) driven through the real `@aws-sdk/client-kms` client over the
 * AWS JSON protocol: data keys, Encrypt/Decrypt with encryption context, the errors KMS raises
 * (as the SDK's modelled exception classes), key addressing, persistence of key material, and
 * call counts.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DecryptCommand,
  DescribeKeyCommand,
  DisabledException,
  EncryptCommand,
  GenerateDataKeyCommand,
  GenerateDataKeyWithoutPlaintextCommand,
  GenerateMacCommand,
  InvalidKeyUsageException,
  KMSInvalidMacException,
  VerifyMacCommand,
  IncorrectKeyException,
  InvalidCiphertextException,
  KMSClient,
  KMSServiceException,
  ListAliasesCommand,
  NotFoundException,
} from '@aws-sdk/client-kms';
import { LOCAL_ACCOUNT, LOCAL_CREDENTIALS, LOCAL_REGION, startAwsEndpoint, type AwsEndpoint } from '../../../infra/local/aws-protocol.ts';
import { KmsService, type KmsAliasDefinition, type KmsKeyDefinition } from '../../../infra/local/kms.ts';

const key = (logicalId: string, enabled = true): KmsKeyDefinition => {
  const keyId = crypto.randomUUID();
  return { logicalId, keyId, arn: `arn:aws:kms:${LOCAL_REGION}:${LOCAL_ACCOUNT}:key/${keyId}`, enabled };
};
const fieldsKey = key('FieldsKey');
const otherKey = key('OtherKey');
const disabledKey = key('DisabledKey', false);
const keys = [fieldsKey, otherKey, disabledKey];
const aliases: KmsAliasDefinition[] = [
  { name: 'alias/fields', targetKeyId: fieldsKey.keyId },
  { name: 'alias/other', targetKeyId: otherKey.keyId },
  { name: 'alias/retired', targetKeyId: disabledKey.arn },
];

const started: AwsEndpoint[] = [];
let workDir: string;
let kms: KmsService;
let client: KMSClient;

async function serve(service: KmsService): Promise<KMSClient> {
  const endpoint = await startAwsEndpoint({ services: [service] });
  started.push(endpoint);
  return new KMSClient({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoint: endpoint.url, maxAttempts: 1 });
}

/** The error a promise rejects with. */
async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kms-'));
  kms = new KmsService({ keys, aliases, dataDir: path.join(workDir, 'kms') });
  client = await serve(kms);
});

afterAll(async () => {
  await Promise.all(started.map((e) => e.close()));
  fs.rmSync(workDir, { recursive: true, force: true });
});

describe('GenerateDataKey', () => {
  it('returns an AES-256 data key whose encrypted form decrypts to the same bytes', async () => {
    const context = { purpose: 'field-encryption', entity: 'order' };
    const generated = await client.send(new GenerateDataKeyCommand({ KeyId: 'alias/fields', KeySpec: 'AES_256', EncryptionContext: context }));
    expect(generated.KeyId).toBe(fieldsKey.arn);
    expect(generated.Plaintext).toHaveLength(32);
    const decrypted = await client.send(new DecryptCommand({ CiphertextBlob: generated.CiphertextBlob, EncryptionContext: context }));
    expect(decrypted.KeyId).toBe(fieldsKey.arn);
    expect(decrypted.EncryptionAlgorithm).toBe('SYMMETRIC_DEFAULT');
    expect(Buffer.from(decrypted.Plaintext!)).toEqual(Buffer.from(generated.Plaintext!));
  });

  it('honours AES_128 and NumberOfBytes, and refuses both or neither', async () => {
    const aes128 = await client.send(new GenerateDataKeyCommand({ KeyId: fieldsKey.keyId, KeySpec: 'AES_128' }));
    expect(aes128.Plaintext).toHaveLength(16);
    const bytes = await client.send(new GenerateDataKeyCommand({ KeyId: fieldsKey.keyId, NumberOfBytes: 64 }));
    expect(bytes.Plaintext).toHaveLength(64);
    for (const input of [{ KeySpec: 'AES_256' as const, NumberOfBytes: 32 }, {}, { NumberOfBytes: 2000 }]) {
      const error = await failure(client.send(new GenerateDataKeyCommand({ KeyId: fieldsKey.keyId, ...input })));
      expect(error).toBeInstanceOf(KMSServiceException);
      expect((error as KMSServiceException).name).toBe('ValidationException');
    }
  });

  it('without plaintext: only the encrypted data key, which Decrypt opens', async () => {
    const generated = await client.send(new GenerateDataKeyWithoutPlaintextCommand({ KeyId: 'alias/fields', KeySpec: 'AES_256', EncryptionContext: { a: '1' } }));
    expect(generated).not.toHaveProperty('Plaintext');
    const decrypted = await client.send(new DecryptCommand({ CiphertextBlob: generated.CiphertextBlob, EncryptionContext: { a: '1' } }));
    expect(decrypted.Plaintext).toHaveLength(32);
  });
});

describe('Encrypt and Decrypt', () => {
  const plaintext = Buffer.from('张伟 · 北京市朝阳区建国路 88 号', 'utf8');

  it('round-trips with an encryption context given in any order', async () => {
    const { CiphertextBlob, KeyId } = await client.send(
      new EncryptCommand({ KeyId: 'alias/fields', Plaintext: plaintext, EncryptionContext: { entity: 'customer', recordId: 'c-1' } }),
    );
    expect(KeyId).toBe(fieldsKey.arn);
    const { Plaintext } = await client.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: { recordId: 'c-1', entity: 'customer' } }));
    expect(Buffer.from(Plaintext!).toString('utf8')).toBe(plaintext.toString('utf8'));
  });

  it('treats an empty encryption context as none', async () => {
    const { CiphertextBlob } = await client.send(new EncryptCommand({ KeyId: 'alias/fields', Plaintext: plaintext }));
    const { Plaintext } = await client.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: {} }));
    expect(Buffer.from(Plaintext!)).toEqual(plaintext);
  });

  it('refuses a different, extra or missing encryption context with InvalidCiphertextException', async () => {
    const { CiphertextBlob } = await client.send(new EncryptCommand({ KeyId: 'alias/fields', Plaintext: plaintext, EncryptionContext: { recordId: 'c-1' } }));
    const wrong: (Record<string, string> | undefined)[] = [{ recordId: 'c-2' }, { recordId: 'c-1', extra: 'x' }, { RecordId: 'c-1' }, undefined];
    for (const EncryptionContext of wrong) {
      const error = await failure(client.send(new DecryptCommand({ CiphertextBlob, EncryptionContext })));
      expect(error).toBeInstanceOf(InvalidCiphertextException);
      expect(String((error as Error).message)).not.toContain('张伟');
    }
  });

  it('refuses any altered ciphertext blob with InvalidCiphertextException', async () => {
    const { CiphertextBlob } = await client.send(new EncryptCommand({ KeyId: 'alias/fields', Plaintext: plaintext }));
    const blob = Buffer.from(CiphertextBlob!);
    for (const index of [0, 1, 5, blob.length - 40, blob.length - 1]) {
      const tampered = Buffer.from(blob);
      tampered[index]! ^= 0x01;
      await expect(client.send(new DecryptCommand({ CiphertextBlob: tampered }))).rejects.toBeInstanceOf(InvalidCiphertextException);
    }
    await expect(client.send(new DecryptCommand({ CiphertextBlob: blob.subarray(0, 30) }))).rejects.toBeInstanceOf(InvalidCiphertextException);
    await expect(client.send(new DecryptCommand({ CiphertextBlob: crypto.randomBytes(120) }))).rejects.toBeInstanceOf(InvalidCiphertextException);
  });

  it('lets Decrypt name the key, and raises IncorrectKeyException when it names another', async () => {
    const { CiphertextBlob } = await client.send(new EncryptCommand({ KeyId: fieldsKey.arn, Plaintext: plaintext }));
    const { Plaintext } = await client.send(new DecryptCommand({ CiphertextBlob, KeyId: 'alias/fields' }));
    expect(Buffer.from(Plaintext!)).toEqual(plaintext);
    await expect(client.send(new DecryptCommand({ CiphertextBlob, KeyId: 'alias/other' }))).rejects.toBeInstanceOf(IncorrectKeyException);
  });
});

describe('key addressing', () => {
  it('accepts a key id, key ARN, alias name and alias ARN for the same key', async () => {
    const ids = [fieldsKey.keyId, fieldsKey.arn, 'alias/fields', `arn:aws:kms:${LOCAL_REGION}:${LOCAL_ACCOUNT}:alias/fields`];
    for (const KeyId of ids) {
      const { KeyMetadata } = await client.send(new DescribeKeyCommand({ KeyId }));
      expect(KeyMetadata).toMatchObject({
        KeyId: fieldsKey.keyId,
        Arn: fieldsKey.arn,
        Enabled: true,
        KeyState: 'Enabled',
        KeyUsage: 'ENCRYPT_DECRYPT',
        KeySpec: 'SYMMETRIC_DEFAULT',
      });
      expect(KeyMetadata?.CreationDate).toBeInstanceOf(Date);
      const { CiphertextBlob } = await client.send(new EncryptCommand({ KeyId, Plaintext: Buffer.from('x') }));
      const { KeyId: decryptedBy } = await client.send(new DecryptCommand({ CiphertextBlob }));
      expect(decryptedBy).toBe(fieldsKey.arn);
    }
  });

  it('raises NotFoundException for unknown keys and aliases', async () => {
    const unknown = [
      'alias/nope',
      crypto.randomUUID(),
      `arn:aws:kms:${LOCAL_REGION}:${LOCAL_ACCOUNT}:key/${crypto.randomUUID()}`,
      `arn:aws:kms:${LOCAL_REGION}:${LOCAL_ACCOUNT}:alias/nope`,
    ];
    for (const KeyId of unknown) {
      await expect(client.send(new GenerateDataKeyCommand({ KeyId, KeySpec: 'AES_256' }))).rejects.toBeInstanceOf(NotFoundException);
      await expect(client.send(new DescribeKeyCommand({ KeyId }))).rejects.toBeInstanceOf(NotFoundException);
    }
  });

  it('raises DisabledException for a disabled key, which DescribeKey still describes', async () => {
    await expect(client.send(new GenerateDataKeyCommand({ KeyId: 'alias/retired', KeySpec: 'AES_256' }))).rejects.toBeInstanceOf(DisabledException);
    await expect(client.send(new EncryptCommand({ KeyId: disabledKey.keyId, Plaintext: Buffer.from('x') }))).rejects.toBeInstanceOf(DisabledException);
    const { KeyMetadata } = await client.send(new DescribeKeyCommand({ KeyId: 'alias/retired' }));
    expect(KeyMetadata).toMatchObject({ KeyId: disabledKey.keyId, Enabled: false, KeyState: 'Disabled' });
  });

  it('lists the aliases, all or those of one key, with paging', async () => {
    const { Aliases, Truncated } = await client.send(new ListAliasesCommand({}));
    expect(Truncated).toBe(false);
    expect(Aliases?.map((a) => [a.AliasName, a.TargetKeyId])).toEqual([
      ['alias/fields', fieldsKey.keyId],
      ['alias/other', otherKey.keyId],
      ['alias/retired', disabledKey.keyId],
    ]);
    expect(Aliases?.[0]?.AliasArn).toBe(`arn:aws:kms:${LOCAL_REGION}:${LOCAL_ACCOUNT}:alias/fields`);
    const ofOther = await client.send(new ListAliasesCommand({ KeyId: otherKey.arn }));
    expect(ofOther.Aliases?.map((a) => a.AliasName)).toEqual(['alias/other']);
    const first = await client.send(new ListAliasesCommand({ Limit: 2 }));
    expect(first).toMatchObject({ Truncated: true });
    const second = await client.send(new ListAliasesCommand({ Limit: 2, Marker: first.NextMarker }));
    expect(second.Aliases?.map((a) => a.AliasName)).toEqual(['alias/retired']);
    expect(second.Truncated).toBe(false);
  });
});

describe('key material', () => {
  it('is kept under dataDir/keys.json (mode 0600) and decrypts after a restart', async () => {
    const file = path.join(workDir, 'kms', 'keys.json');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const context = { recordId: 'r-restart' };
    const { CiphertextBlob } = await client.send(new EncryptCommand({ KeyId: 'alias/fields', Plaintext: Buffer.from('survives'), EncryptionContext: context }));

    const restarted = await serve(new KmsService({ keys, aliases, dataDir: path.join(workDir, 'kms') }));
    const { Plaintext } = await restarted.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: context }));
    expect(Buffer.from(Plaintext!).toString()).toBe('survives');

    const elsewhere = await serve(new KmsService({ keys, aliases }));
    await expect(elsewhere.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: context }))).rejects.toBeInstanceOf(InvalidCiphertextException);
  });
});

describe('stats', () => {
  it('counts calls per operation, failed ones included', async () => {
    const counted = new KmsService({ keys, aliases });
    const counting = await serve(counted);
    const { CiphertextBlob } = await counting.send(new GenerateDataKeyCommand({ KeyId: 'alias/fields', KeySpec: 'AES_256' }));
    await counting.send(new GenerateDataKeyCommand({ KeyId: 'alias/fields', KeySpec: 'AES_256' }));
    await counting.send(new DecryptCommand({ CiphertextBlob }));
    await failure(counting.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: { wrong: 'context' } })));
    await counting.send(new DescribeKeyCommand({ KeyId: 'alias/fields' }));
    expect(counted.stats()).toEqual({
      GenerateDataKey: 2,
      GenerateDataKeyWithoutPlaintext: 0,
      Encrypt: 0,
      Decrypt: 2,
      DescribeKey: 1,
      ListAliases: 0,
      GenerateMac: 0,
      VerifyMac: 0,
    });
  });
});

describe('GenerateMac and VerifyMac (SEC-4: the audit chain is MACed with an HMAC_256 key)', () => {
  const hmacKey: KmsKeyDefinition = { ...key('AuditMacKey'), keySpec: 'HMAC_256', keyUsage: 'GENERATE_VERIFY_MAC' };
  let macDir: string;
  let macKms: KmsService;
  let macClient: KMSClient;
  const message = Buffer.from('prev-hash|{"action":"order.cancel"}', 'utf8');

  beforeAll(async () => {
    macDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kms-mac-'));
    macKms = new KmsService({ keys: [fieldsKey, hmacKey], aliases: [], dataDir: macDir });
    macClient = await serve(macKms);
  });
  afterAll(() => fs.rmSync(macDir, { recursive: true, force: true }));

  it('GenerateMac returns HMAC-SHA-256 that VerifyMac accepts, and KMSInvalidMacException for an altered message or MAC', async () => {
    const { Mac, KeyId, MacAlgorithm } = await macClient.send(new GenerateMacCommand({ KeyId: hmacKey.keyId, Message: message, MacAlgorithm: 'HMAC_SHA_256' }));
    expect(KeyId).toBe(hmacKey.arn);
    expect(MacAlgorithm).toBe('HMAC_SHA_256');
    expect(Mac).toHaveLength(32);
    const again = await macClient.send(new GenerateMacCommand({ KeyId: hmacKey.arn, Message: message, MacAlgorithm: 'HMAC_SHA_256' }));
    expect(Buffer.from(again.Mac!)).toEqual(Buffer.from(Mac!));
    const verified = await macClient.send(new VerifyMacCommand({ KeyId: hmacKey.keyId, Message: message, Mac, MacAlgorithm: 'HMAC_SHA_256' }));
    expect(verified.MacValid).toBe(true);
    const altered = Buffer.from(message);
    altered[0] = (altered[0] as number) ^ 1;
    await expect(macClient.send(new VerifyMacCommand({ KeyId: hmacKey.keyId, Message: altered, Mac, MacAlgorithm: 'HMAC_SHA_256' }))).rejects.toBeInstanceOf(
      KMSInvalidMacException,
    );
    const badMac = Buffer.from(Mac!);
    badMac[5] = (badMac[5] as number) ^ 1;
    await expect(macClient.send(new VerifyMacCommand({ KeyId: hmacKey.keyId, Message: message, Mac: badMac, MacAlgorithm: 'HMAC_SHA_256' }))).rejects.toBeInstanceOf(
      KMSInvalidMacException,
    );
  });

  it('respects KeySpec/KeyUsage: no MAC with an encryption key, no encryption with an HMAC key, other algorithms refused', async () => {
    await expect(macClient.send(new GenerateMacCommand({ KeyId: fieldsKey.keyId, Message: message, MacAlgorithm: 'HMAC_SHA_256' }))).rejects.toBeInstanceOf(
      InvalidKeyUsageException,
    );
    await expect(macClient.send(new EncryptCommand({ KeyId: hmacKey.keyId, Plaintext: message }))).rejects.toBeInstanceOf(InvalidKeyUsageException);
    await expect(macClient.send(new GenerateDataKeyCommand({ KeyId: hmacKey.keyId, KeySpec: 'AES_256' }))).rejects.toBeInstanceOf(InvalidKeyUsageException);
    await expect(macClient.send(new GenerateMacCommand({ KeyId: hmacKey.keyId, Message: message, MacAlgorithm: 'HMAC_SHA_512' }))).rejects.toBeInstanceOf(InvalidKeyUsageException);
    const { KeyMetadata } = await macClient.send(new DescribeKeyCommand({ KeyId: hmacKey.keyId }));
    expect(KeyMetadata).toMatchObject({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC', MacAlgorithms: ['HMAC_SHA_256'] });
  });

  it('persists the HMAC key material: a restarted KMS verifies an earlier MAC', async () => {
    const { Mac } = await macClient.send(new GenerateMacCommand({ KeyId: hmacKey.keyId, Message: message, MacAlgorithm: 'HMAC_SHA_256' }));
    const restarted = await serve(new KmsService({ keys: [fieldsKey, hmacKey], aliases: [], dataDir: macDir }));
    const { MacValid } = await restarted.send(new VerifyMacCommand({ KeyId: hmacKey.keyId, Message: message, Mac, MacAlgorithm: 'HMAC_SHA_256' }));
    expect(MacValid).toBe(true);
  });

  it('refuses a template key whose KeyUsage does not match its KeySpec', () => {
    expect(() => new KmsService({ keys: [{ ...key('Bad'), keySpec: 'HMAC_256', keyUsage: 'ENCRYPT_DECRYPT' }], aliases: [] })).toThrow(/KeyUsage/);
  });
});
