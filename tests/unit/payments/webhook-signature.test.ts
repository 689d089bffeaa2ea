/** The sandbox's webhook signature (PAY-2): HMAC-SHA256 over `t.body`, 5-minute replay window. */
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { computeSignature, parseSignatureHeader, signatureHeader, verifySignature } from '../../../functions/payments/domain/webhook-signature.ts';

const secret = 'whsec_test_secret_value_123456';
const body = '{"id":"evt_sbx_1","type":"payment.captured"}';
const t = 1_795_420_800;

describe('webhook signatures (PAY-2)', () => {
  it('signs t.body with HMAC-SHA256 (the documented scheme)', () => {
    const expected = crypto.createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
    expect(computeSignature(secret, t, body)).toBe(expected);
    expect(signatureHeader(secret, t, body)).toBe(`t=${t},v1=${expected}`);
  });

  it('accepts a fresh, matching signature (any of several v1 values, for rotation)', () => {
    const header = `t=${t},v1=${'0'.repeat(64)},v1=${computeSignature(secret, t, body)}`;
    expect(verifySignature({ header, body, secret, nowSeconds: t + 10, toleranceSeconds: 300 })).toEqual({ ok: true, timestamp: t });
  });

  it('refuses a missing, malformed or mismatching signature, a tampered body and another secret', () => {
    const good = signatureHeader(secret, t, body);
    const check = (header: string | undefined, b = body, s = secret) => verifySignature({ header, body: b, secret: s, nowSeconds: t, toleranceSeconds: 300 });
    expect(check(undefined)).toEqual({ ok: false, problem: 'missing-signature' });
    expect(check('garbage')).toEqual({ ok: false, problem: 'malformed-signature' });
    expect(check(`t=${t}`)).toEqual({ ok: false, problem: 'malformed-signature' });
    expect(check(`t=${t},v1=nothex`)).toEqual({ ok: false, problem: 'malformed-signature' });
    expect(check(good, body.replace('captured', 'refunded'))).toEqual({ ok: false, problem: 'signature-mismatch' });
    expect(check(good, body, 'whsec_another_secret_12345678')).toEqual({ ok: false, problem: 'signature-mismatch' });
  });

  it('refuses replays older than the tolerance (5 minutes) and timestamps from the future', () => {
    const header = signatureHeader(secret, t, body);
    expect(verifySignature({ header, body, secret, nowSeconds: t + 300, toleranceSeconds: 300 }).ok).toBe(true);
    expect(verifySignature({ header, body, secret, nowSeconds: t + 301, toleranceSeconds: 300 })).toEqual({ ok: false, problem: 'timestamp-outside-tolerance' });
    expect(verifySignature({ header, body, secret, nowSeconds: t - 301, toleranceSeconds: 300 })).toEqual({ ok: false, problem: 'timestamp-outside-tolerance' });
  });

  it('parses the header', () => {
    expect(parseSignatureHeader(`t=1,v1=${'a'.repeat(64)},v0=zzz`)).toEqual({ timestamp: 1, signatures: ['a'.repeat(64)] });
  });
});
