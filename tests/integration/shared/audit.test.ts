/** SEC-4 / RISK-7: concurrent staff actions append to one unbroken, verifiable chain. */
import crypto from 'node:crypto';
import { TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbAuditLog, kmsChainMacFromEnv, macMessage, verifyChain, type AuditEvent, type ChainMac } from '../../../shared/audit.ts';
import { systemClock } from '../../../shared/clock.ts';
import { documentClient } from '../../../shared/dynamodb.ts';
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

  it('entries recorded while an append is under way go in together, in the order they were recorded: one transaction for the group', async () => {
    let committed = 0;
    const base = documentClient();
    const counting = {
      send: async (command: Parameters<DynamoDBDocumentClient['send']>[0]) => {
        const output = await base.send(command as never);
        if (command instanceof TransactWriteCommand) committed++;
        return output;
      },
    } as unknown as DynamoDBDocumentClient;
    const own = new DynamoDbAuditLog(useLocalDynamoDb().tables.audit, counting);
    const resource = newId();
    const events: AuditEvent[] = Array.from({ length: 10 }, (_, i) => ({
      actor: 'staff-g',
      roles: ['ops'],
      action: 'stock.count',
      resource: { type: 'stock', id: resource },
      reason: `count ${i}`,
    }));
    const entries = await Promise.all(events.map((e) => own.record(e)));
    // the first goes alone; the nine recorded meanwhile follow in one transaction (a lost race with another test file retries, uncounted)
    expect(committed).toBe(2);
    expect(entries.map((e) => e.reason)).toEqual(events.map((e) => e.reason));
    expect(entries.slice(1).map((e) => e.seq)).toEqual(Array.from({ length: 9 }, (_, i) => (entries[1] as { seq: number }).seq + i));
    const stored = await own.entries(entries[1]?.seq as number, entries[9]?.seq as number);
    expect(stored).toEqual(entries.slice(1).map((e) => expect.objectContaining({ seq: e.seq, hash: e.hash, reason: e.reason })));
    expect(await verifyChain(stored, kmsChainMacFromEnv())).toEqual([]);
  });

  it('appenders in separate processes (three logs, ten entries each, all at once) still make one gap-free chain', async () => {
    const resource = newId();
    const logs = [0, 1, 2].map(() => new DynamoDbAuditLog(useLocalDynamoDb().tables.audit));
    const entries = await Promise.all(
      logs.flatMap((l, n) =>
        Array.from({ length: 10 }, (_, i) =>
          l.record({ actor: `staff-${n}`, roles: ['ops'], action: 'stock.count', resource: { type: 'stock', id: resource }, reason: `log ${n} count ${i}` }),
        ),
      ),
    );
    const seqs = entries.map((e) => e.seq).sort((a, b) => a - b);
    expect(new Set(seqs).size).toBe(30);
    const stored = await log.entries(seqs[0] as number, seqs[29] as number);
    expect(stored.length).toBe((seqs[29] as number) - (seqs[0] as number) + 1);
    expect(await verifyChain(stored, kmsChainMacFromEnv())).toEqual([]);
    expect(await log.forResource('stock', resource)).toHaveLength(30);
  });

  it('an entry that cannot be appended fails alone: the others recorded with it are appended', async () => {
    const kms = kmsChainMacFromEnv();
    const poisoned: ChainMac = {
      generate: async (message) => {
        if (message.toString('utf8').includes('poison')) throw new Error('cannot MAC this entry');
        return kms.generate(message);
      },
      verify: (message, mac) => kms.verify(message, mac),
    };
    const own = new DynamoDbAuditLog(useLocalDynamoDb().tables.audit, undefined, systemClock, 25, poisoned);
    const resource = newId();
    const event = (reason: string): AuditEvent => ({ actor: 'staff-p', roles: ['ops'], action: 'stock.count', resource: { type: 'stock', id: resource }, reason });
    const outcomes = await Promise.allSettled([own.record(event('first')), own.record(event('second')), own.record(event('poison')), own.record(event('third'))]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((await log.forResource('stock', resource)).map((e) => e.reason).sort()).toEqual(['first', 'second', 'third']);
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
