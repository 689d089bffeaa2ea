/** SEC-4 / RISK-7: concurrent staff actions append to one unbroken, verifiable chain. */
import crypto from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbAuditLog, kmsChainMacFromEnv, macMessage, verifyChain } from '../../../shared/audit.ts';
import { newId } from '../../../shared/ids.ts';
import { useLocalDynamoDb } from '../../support/local-dynamodb-env.ts';

let log: DynamoDbAuditLog;

beforeAll(() => {
  log = new DynamoDbAuditLog(useLocalDynamoDb().tables.audit);
});

describe('audit log on DynamoDB Local', () => {
  it('appends 30 concurrent entries as one gap-free chain that verifies', async () => {
    const resource = newId();
    const entries = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        log.record({ actor: `staff-${i % 4}`, roles: ['ops'], action: 'stock.count', resource: { type: 'stock', id: resource }, reason: `count ${i}` }),
      ),
    );
    const seqs = entries.map((e) => e.seq).sort((a, b) => a - b);
    const first = seqs[0] as number;
    const last = seqs[seqs.length - 1] as number;
    const stored = await log.entries(first, last);
    // other test files may append concurrently: the stored run is gap-free and verifies
    expect(stored.length).toBe(last - first + 1);
    expect(await verifyChain(stored, kmsChainMacFromEnv())).toEqual([]);
    expect(new Set(seqs).size).toBe(30);
    const forResource = await log.forResource('stock', resource);
    expect(forResource).toHaveLength(30);
  });

  it('SEC-4: entries are MACed with the KMS HMAC key (local KMS VerifyMac), not an unkeyed SHA-256', async () => {
    const entry = await log.record({ actor: 'staff-y', roles: ['ops'], action: 'product.update', resource: { type: 'product', id: newId() }, reason: 'test' });
    const { hash, ...rest } = entry;
    expect(hash).not.toBe(crypto.createHash('sha256').update(macMessage(rest)).digest('hex'));
    expect(await kmsChainMacFromEnv().verify(macMessage(rest), hash)).toBe(true);
  });

  it('a tampered entry is found by verification', async () => {
    const entry = await log.record({ actor: 'staff-x', roles: ['ops'], action: 'product.update', resource: { type: 'product', id: newId() }, reason: 'test' });
    const [stored] = await log.entries(entry.seq, entry.seq);
    expect(await verifyChain([{ ...(stored as typeof entry), reason: 'edited' }], kmsChainMacFromEnv())).toEqual([{ seq: entry.seq, problem: 'hash-mismatch' }]);
  });
});
