/**
 * Signed carrier webhooks (FUL-3): the carrier signs each tracking event with HMAC-SHA256 over
 * `<timestamp>.<raw body>` and sends `Carrier-Signature: t=<unix seconds>,v1=<hex>` (several `v1`
 * are allowed while a secret is rotated). A request is accepted only if a `v1` matches and the
 * timestamp is within the tolerance (default 5 minutes) of now, either way — an old request
 * replayed later is refused; a replay inside the window is caught by the event-id marker.
 * Pure (node:crypto only).
 */
import crypto from 'node:crypto';

/** The header carriers sign with (lower case, as the HTTP stack normalises headers). */
export const CARRIER_SIGNATURE_HEADER = 'carrier-signature';

/** The signature of `body` at `timestampSeconds` with `secret`, as the header value. */
export function signCarrierPayload(secret: string, body: string, timestampSeconds: number): string {
  const v1 = crypto.createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex');
  return `t=${timestampSeconds},v1=${v1}`;
}

/** Why a signature was refused. */
export type SignatureFailure = 'missing' | 'malformed' | 'outside-tolerance' | 'mismatch';

/** Checks a signature header against the raw body. */
export function verifyCarrierSignature(input: {
  header: string | undefined;
  body: string;
  secret: string;
  now: Date;
  toleranceSeconds: number;
}): { ok: true; timestamp: number } | { ok: false; reason: SignatureFailure } {
  if (!input.header) return { ok: false, reason: 'missing' };
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of input.header.split(',')) {
    const [k, v] = part.trim().split('=', 2);
    if (k === 't' && v && /^\d{1,12}$/.test(v)) timestamp = Number(v);
    else if (k === 'v1' && v && /^[0-9a-f]{64}$/.test(v)) signatures.push(v);
  }
  if (timestamp === undefined || signatures.length === 0) return { ok: false, reason: 'malformed' };
  if (Math.abs(input.now.getTime() / 1000 - timestamp) > input.toleranceSeconds) return { ok: false, reason: 'outside-tolerance' };
  const expected = Buffer.from(crypto.createHmac('sha256', input.secret).update(`${timestamp}.${input.body}`).digest('hex'), 'hex');
  const match = signatures.some((s) => crypto.timingSafeEqual(Buffer.from(s, 'hex'), expected));
  return match ? { ok: true, timestamp } : { ok: false, reason: 'mismatch' };
}
