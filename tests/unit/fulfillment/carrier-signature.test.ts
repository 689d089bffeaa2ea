/** FUL-3: signed carrier webhooks (HMAC-SHA256 over `t.body`, 5-minute window) and sandbox waybills. */
import { describe, expect, it } from 'vitest';
import { sandboxTrackingRequest, sandboxWaybill, waybillPrefix } from '../../../functions/fulfillment/carrier-gateway.ts';
import { signCarrierPayload, verifyCarrierSignature } from '../../../functions/fulfillment/domain/carrier-signature.ts';

const secret = 'test-secret-0123456789';
const body = '{"eventId":"e1","carrier":"premium-express"}';
const t = 1_795_000_000;
const at = (seconds: number) => new Date(seconds * 1000);

describe('verifyCarrierSignature', () => {
  it.each<[string, string | undefined, string, Date, string | true]>([
    ['a valid signature', signCarrierPayload(secret, body, t), body, at(t), true],
    ['a valid signature 4:59 later', signCarrierPayload(secret, body, t), body, at(t + 299), true],
    ['another v1 alongside (secret rotation)', `${signCarrierPayload(secret, body, t)},v1=${'a'.repeat(64)}`, body, at(t), true],
    ['no header', undefined, body, at(t), 'missing'],
    ['no timestamp', `v1=${'a'.repeat(64)}`, body, at(t), 'malformed'],
    ['a non-hex signature', `t=${t},v1=xyz`, body, at(t), 'malformed'],
    ['a replay 6 minutes later', signCarrierPayload(secret, body, t), body, at(t + 360), 'outside-tolerance'],
    ['a timestamp 6 minutes in the future', signCarrierPayload(secret, body, t), body, at(t - 360), 'outside-tolerance'],
    ['a changed body', signCarrierPayload(secret, body, t), body.replace('e1', 'e2'), at(t), 'mismatch'],
    ['another secret', signCarrierPayload('other-secret-0000000', body, t), body, at(t), 'mismatch'],
    ['a changed timestamp', signCarrierPayload(secret, body, t).replace(`t=${t}`, `t=${t + 1}`), body, at(t), 'mismatch'],
  ])('%s', (_name, header, signedBody, now, expected) => {
    const result = verifyCarrierSignature({ header, body: signedBody, secret, now, toleranceSeconds: 300 });
    if (expected === true) expect(result).toEqual({ ok: true, timestamp: t });
    else expect(result).toEqual({ ok: false, reason: expected });
  });
});

describe('sandbox carrier', () => {
  it('issues deterministic waybills with the carrier prefix', () => {
    expect(waybillPrefix('premium-express')).toBe('PX');
    expect(waybillPrefix('economy-post')).toBe('EP');
    expect(waybillPrefix('cold-chain-local')).toBe('CCL');
    const w = sandboxWaybill('premium-express', '01JD7ZKE41V8Q4N6M5R9T0W1YH');
    expect(w).toMatch(/^PX\d{10}$/);
    expect(sandboxWaybill('premium-express', '01JD7ZKE41V8Q4N6M5R9T0W1YH')).toBe(w);
    expect(sandboxWaybill('premium-express', '01JD7ZKE41V8Q4N6M5R9T0W1YJ')).not.toBe(w);
  });

  it('signs tracking requests the way the webhook verifies them', () => {
    const now = new Date('2026-11-23T10:00:00Z');
    const request = sandboxTrackingRequest({ eventId: 'e1', carrier: 'economy-post', waybill: 'EP0000000001', status: 'DELIVERED', occurredAt: now.toISOString() }, secret, now);
    expect(verifyCarrierSignature({ header: request.headers['carrier-signature'], body: request.body, secret, now, toleranceSeconds: 300 }).ok).toBe(true);
  });
});
