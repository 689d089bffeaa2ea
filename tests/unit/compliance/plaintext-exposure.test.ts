/** What the plaintext-personal-data scan (CMP-1, SEC-2) sees in clear in one item of each personal-data table. */
import { describe, expect, it } from 'vitest';
import { exposureOf } from '../../../functions/compliance/scans/plaintext-personal-data.ts';

const v1 = `v1.${'A'.repeat(40)}.${'B'.repeat(16)}.${'C'.repeat(40)}`;
const v2 = `v2.${Buffer.from('cust-1').toString('base64url')}.${'B'.repeat(16)}.${'C'.repeat(40)}`;
const seen = (exposure: ReturnType<typeof exposureOf>) => ({ attributes: exposure.attributes, kinds: [...exposure.kinds].sort() });

describe('CMP-1 plaintext exposure of an item', () => {
  it('CMP-1, SEC-2: a ticket must have its subject, resolution and rating comment encrypted, a message its body; empty (erased) text is fine', () => {
    expect(seen(exposureOf('tickets', { pk: 'TICKET#1', sk: 'TICKET', subject: 'late parcel', resolution: v1, rating: { score: 4, comment: v2 } }))).toEqual({
      attributes: ['subject'],
      kinds: [],
    });
    expect(seen(exposureOf('tickets', { pk: 'TICKET#1', sk: 'TICKET', subject: '', resolution: '', rating: { score: 4, comment: 'call 13812345678' } }))).toEqual({
      attributes: ['rating.comment'],
      kinds: ['phone'],
    });
    expect(seen(exposureOf('tickets', { pk: 'TICKET#1', sk: 'MSG#2', body: v2, authorId: 'agent-1' }))).toEqual({ attributes: [], kinds: [] });
    // an outbox item carries ids only, but a phone number in it is still found
    expect(seen(exposureOf('tickets', { pk: 'OUTBOX#3', sk: 'OUTBOX', detail: { note: 'a@b.cn' } }))).toEqual({ attributes: ['detail.note'], kinds: ['email'] });
  });

  it('CMP-1, SEC-2: a return comment must be encrypted; a stored idempotent response must carry its body sealed, as a map or a JSON string', () => {
    expect(seen(exposureOf('returns', { pk: 'RETURN#1', sk: 'RETURN', comment: 'too small' }))).toEqual({ attributes: ['comment'], kinds: [] });
    expect(seen(exposureOf('returns', { pk: 'RETURN#1', sk: 'RETURN', comment: v1 }))).toEqual({ attributes: [], kinds: [] });
    expect(seen(exposureOf('idempotency', { id: 'op#h', data: { statusCode: 200, sealedBody: v2 } }))).toEqual({ attributes: [], kinds: [] });
    expect(seen(exposureOf('idempotency', { id: 'op#h', data: { statusCode: 200, sealedBody: 'plain' } }))).toEqual({ attributes: ['data.sealedBody'], kinds: [] });
    expect(seen(exposureOf('idempotency', { id: 'op#h', data: JSON.stringify({ statusCode: 200, body: '{"email":"x@y.com"}' }) }))).toEqual({
      attributes: ['data.body'],
      kinds: ['email'],
    });
  });
});
