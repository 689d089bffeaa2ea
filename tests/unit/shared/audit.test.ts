/**
 * SEC-4 / CMP-1: the audit trail is a keyed (MACed) chain; editing, deleting or reordering an
 * entry is detected, and an edit whose `hash` was recomputed without the key is detected too
 * (the old unkeyed SHA-256 chain let anyone who could write the table recompute it).
 */
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson, entryHash, macMessage, verifyChain, type AuditEntry, type ChainMac } from '../../../shared/audit.ts';

/** An injected MAC port: HMAC-SHA-256 under a test key (what KMS does in AWS). */
function hmacPort(key: Buffer): ChainMac {
  const mac = (message: Buffer) => crypto.createHmac('sha256', key).update(message).digest('hex');
  return { generate: async (message) => mac(message), verify: async (message, given) => mac(message) === given };
}
const mac = hmacPort(Buffer.alloc(32, 7));

async function chain(n: number): Promise<AuditEntry[]> {
  const out: AuditEntry[] = [];
  let prevHash = '0'.repeat(64);
  for (let seq = 1; seq <= n; seq++) {
    const unhashed = {
      actor: `staff-${seq % 3}`,
      roles: ['ops'],
      action: 'product.update',
      resource: { type: 'product', id: `SKU-${seq}` },
      reason: 'price change',
      seq,
      at: `2026-11-23T08:00:0${seq % 10}.000Z`,
      prevHash,
    };
    const entry = { ...unhashed, hash: await entryHash(unhashed, mac) };
    out.push(entry);
    prevHash = entry.hash;
  }
  return out;
}

describe('audit chain (SEC-4)', () => {
  it('canonical JSON ignores key order and undefined values', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } })).toBe('{"a":{"d":[1,{"x":1,"y":2}]},"b":1}');
  });

  it('an untouched chain verifies', async () => {
    expect(await verifyChain(await chain(5), mac, '0'.repeat(64))).toEqual([]);
  });

  it('the MAC covers prevHash ‖ canonical JSON of the entry, and an oversized entry still fits one KMS call', () => {
    const entry = { actor: 'a', roles: ['ops'], action: 'x.y', resource: { type: 't', id: '1' }, seq: 1, at: '2026-01-01T00:00:00.000Z', prevHash: 'f'.repeat(64) };
    const { prevHash, ...rest } = entry;
    expect(macMessage(entry).toString('utf8')).toBe(`${prevHash}${canonicalJson(rest)}`);
    expect(macMessage({ ...entry, reason: 'r'.repeat(10_000) }).length).toBeLessThanOrEqual(4096);
  });

  it('detects an edited entry', async () => {
    const entries = await chain(5);
    entries[2] = { ...(entries[2] as AuditEntry), reason: 'nothing to see' };
    expect(await verifyChain(entries, mac)).toEqual([{ seq: 3, problem: 'hash-mismatch' }]);
  });

  it('SEC-4: detects an edited entry whose hash was recomputed without the key (unkeyed SHA-256 or another key)', async () => {
    const entries = await chain(5);
    const { hash: _hash, ...rest } = entries[1] as AuditEntry;
    const forged = { ...rest, actor: 'someone-else' };
    entries[1] = { ...forged, hash: crypto.createHash('sha256').update(macMessage(forged)).digest('hex') };
    const rekeyed = { ...(entries[3] as AuditEntry), reason: 'rewritten' };
    const { hash: _h2, ...rekeyedRest } = rekeyed;
    entries[3] = { ...rekeyedRest, hash: await entryHash(rekeyedRest, hmacPort(Buffer.alloc(32, 9))) };
    expect(await verifyChain(entries, mac)).toEqual([
      { seq: 2, problem: 'hash-mismatch' },
      { seq: 3, problem: 'prev-hash-mismatch' },
      { seq: 4, problem: 'hash-mismatch' },
      { seq: 5, problem: 'prev-hash-mismatch' },
    ]);
  });

  it('detects a deleted entry', async () => {
    const entries = await chain(5);
    entries.splice(2, 1);
    expect(await verifyChain(entries, mac)).toEqual([
      { seq: 4, problem: 'gap' },
      { seq: 4, problem: 'prev-hash-mismatch' },
    ]);
  });

  it('detects reordered entries', async () => {
    const entries = await chain(4);
    [entries[1], entries[2]] = [entries[2] as AuditEntry, entries[1] as AuditEntry];
    const breaks = await verifyChain(entries, mac);
    expect(breaks.map((b) => b.problem)).toContain('gap');
    expect(breaks.map((b) => b.problem)).toContain('prev-hash-mismatch');
  });
});
