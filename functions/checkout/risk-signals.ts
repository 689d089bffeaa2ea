/**
 * Pseudonymous risk signals for `OrderPlaced` (RISK-2 velocity and blocklist rules match on them):
 * keyed hashes — HMAC-SHA256 under `RISK_SIGNAL_HMAC_KEY` (settings; a development default exists,
 * other stages read the key from Secrets Manager and refuse orders without it) — of the normalised email, phone, address, source IP
 * and payment token. The same person gets the same hash on every order, but a hash cannot be turned
 * back into the value without the key. Only the email's domain travels in clear (disposable-domain
 * rules need it).
 */
import crypto from 'node:crypto';
import type { RiskSignals } from '../../events/order-placed.ts';
import { shippingZone, type AddressInput } from './domain/order-request.ts';

/** The signals of one order, as the OrderPlaced contract carries them. */
export type { RiskSignals };

/** HMAC-SHA256 (hex) of `value` under `key`, with a purpose prefix so equal values of different kinds differ. */
export function keyedHash(key: string, purpose: string, value: string): string {
  return crypto.createHmac('sha256', key).update(`${purpose}\0${value}`, 'utf8').digest('hex');
}

/** Lower-case, trimmed; `+tag` removed from the local part (same mailbox). */
export function normaliseEmail(email: string): string {
  const lower = email.trim().toLowerCase();
  const at = lower.lastIndexOf('@');
  if (at < 0) return lower;
  return `${lower.slice(0, at).replace(/\+.*$/, '')}${lower.slice(at)}`;
}

/** Digits only, without a leading `86` country code on 13-digit Chinese mobile numbers. */
export function normalisePhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  return digits.length === 13 && digits.startsWith('86') ? digits.slice(2) : digits;
}

/** NFKC, lower-case, whitespace collapsed, fields joined in a fixed order. */
export function normaliseAddress(address: AddressInput): string {
  const clean = (value: string | undefined) => (value ?? '').normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
  // The zone, however the client said it (region, or province); the district only when given, so
  // addresses hashed before districts existed keep their hash.
  const parts = [address.line1, address.line2, address.city, shippingZone(address), address.postalCode, address.country];
  return [...parts, ...(address.district !== undefined ? [address.district] : [])].map(clean).join('|');
}

/** The signals of an order. */
export function riskSignals(key: string, input: { email: string; address: AddressInput; deviceId?: string; sourceIp?: string; paymentToken?: string }): RiskSignals {
  const email = normaliseEmail(input.email);
  return {
    emailDomain: email.slice(email.lastIndexOf('@') + 1).slice(0, 253),
    emailHash: keyedHash(key, 'email', email),
    phoneHash: keyedHash(key, 'phone', normalisePhone(input.address.phone)),
    addressHash: keyedHash(key, 'address', normaliseAddress(input.address)),
    ...(input.deviceId ? { deviceId: input.deviceId } : {}),
    ...(input.sourceIp ? { ipHash: keyedHash(key, 'ip', input.sourceIp) } : {}),
    ...(input.paymentToken ? { paymentFingerprint: keyedHash(key, 'payment-token', input.paymentToken) } : {}),
  };
}
