/**
 * The sandbox provider's webhook signature scheme (PAY-2), the same shape as Stripe's documented
 * one: header `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>` (several `v1`
 * entries are allowed, for secret rotation). A notification is accepted when one `v1` matches
 * (constant-time comparison) and `t` is within the tolerance (default 5 minutes) of now — older
 * ones are replays.
 *
 * The Stripe adapter does NOT use this: in production the `stripe` library verifies Stripe's
 * signatures (`stripe.webhooks.constructEvent`).
 *
 * Pure (node:crypto only).
 */
import crypto from 'node:crypto';

/** Why a signature was refused. */
export type SignatureProblem = 'missing-signature' | 'malformed-signature' | 'signature-mismatch' | 'timestamp-outside-tolerance';

/** The result of {@link verifySignature}. */
export type SignatureCheck = { readonly ok: true; readonly timestamp: number } | { readonly ok: false; readonly problem: SignatureProblem };

/** The hex HMAC-SHA256 of `${timestamp}.${body}`. */
export function computeSignature(secret: string, timestamp: number, body: string): string {
  return crypto.createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
}

/** The signature header for `body` sent at `timestamp` (unix seconds). */
export function signatureHeader(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${computeSignature(secret, timestamp, body)}`;
}

/** Parses `t=…,v1=…[,v1=…]`; other schemes are ignored. */
export function parseSignatureHeader(header: string): { timestamp: number; signatures: string[] } | undefined {
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return undefined;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') {
      if (!/^\d{1,12}$/.test(value)) return undefined;
      timestamp = Number(value);
    } else if (key === 'v1') {
      if (!/^[0-9a-f]{64}$/.test(value)) return undefined;
      signatures.push(value);
    }
  }
  return timestamp === undefined || signatures.length === 0 ? undefined : { timestamp, signatures };
}

/**
 * Verifies a webhook: the header must carry a matching `v1` for `secret`, and its timestamp must
 * be at most `toleranceSeconds` away from `nowSeconds` (both directions: a timestamp from the
 * future is as suspicious as an old one).
 */
export function verifySignature(input: { header: string | undefined; body: string; secret: string; nowSeconds: number; toleranceSeconds: number }): SignatureCheck {
  if (!input.header) return { ok: false, problem: 'missing-signature' };
  const parsed = parseSignatureHeader(input.header);
  if (!parsed) return { ok: false, problem: 'malformed-signature' };
  const expected = Buffer.from(computeSignature(input.secret, parsed.timestamp, input.body), 'hex');
  const match = parsed.signatures.some((s) => {
    const given = Buffer.from(s, 'hex');
    return given.length === expected.length && crypto.timingSafeEqual(given, expected);
  });
  if (!match) return { ok: false, problem: 'signature-mismatch' };
  if (Math.abs(input.nowSeconds - parsed.timestamp) > input.toleranceSeconds) return { ok: false, problem: 'timestamp-outside-tolerance' };
  return { ok: true, timestamp: parsed.timestamp };
}
