/** SEC-4: the audit trail is a hash chain; editing, deleting or reordering an entry is detected. */
import { describe, expect, it } from 'vitest';
import { canonicalJson, entryHash, verifyChain, type AuditEntry } from '../../../shared/audit.ts';

function chain(n: number): AuditEntry[] {
  const out: AuditEntry[] = [];
  let prevHash = '0'.repeat(64);
  for (let seq = 1; seq <= n; seq++) {
    const unhashed = { actor: `staff-${seq % 3}`, roles: ['ops'], action: 'product.update', resource: { type: 'product', id: `SKU-${seq}` }, reason: 'price change', seq, at: `2026-11-23T08:00:0${seq % 10}.000Z`, prevHash };
    const entry = { ...unhashed, hash: entryHash(unhashed) };
    out.push(entry);
    prevHash = entry.hash;
  }
  return out;
}

describe('audit chain (SEC-4)', () => {
  it('canonical JSON ignores key order and undefined values', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } })).toBe('{"a":{"d":[1,{"x":1,"y":2}]},"b":1}');
  });

  it('an untouched chain verifies', () => {
    expect(verifyChain(chain(5), '0'.repeat(64))).toEqual([]);
  });

  it('detects an edited entry', () => {
    const entries = chain(5);
    entries[2] = { ...(entries[2] as AuditEntry), reason: 'nothing to see' };
    expect(verifyChain(entries)).toEqual([{ seq: 3, problem: 'hash-mismatch' }]);
  });

  it('detects an edited entry whose hash was recomputed (the next entry no longer links)', () => {
    const entries = chain(5);
    const { hash: _hash, ...rest } = entries[1] as AuditEntry;
    const forged = { ...rest, actor: 'someone-else' };
    entries[1] = { ...forged, hash: entryHash(forged) };
    expect(verifyChain(entries)).toEqual([{ seq: 3, problem: 'prev-hash-mismatch' }]);
  });

  it('detects a deleted entry', () => {
    const entries = chain(5);
    entries.splice(2, 1);
    expect(verifyChain(entries)).toEqual([
      { seq: 4, problem: 'gap' },
      { seq: 4, problem: 'prev-hash-mismatch' },
    ]);
  });
});
