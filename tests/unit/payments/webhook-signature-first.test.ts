/**
 * PAY-2, SEC-5 (webhooks and provider data): both payment providers' webhook verifiers check the
 * signature on the raw body BEFORE parsing it — an unsigned or badly signed body that is also not
 * JSON is a signature problem, never a parse problem; only a correctly signed body is parsed. The
 * Stripe case runs the real `stripe` library's `webhooks.constructEvent` (no network).
 */
import { describe, expect, it } from 'vitest';
import { signatureHeader } from '../../../functions/payments/domain/webhook-signature.ts';
import { WebhookVerificationError, type WebhookVerifier } from '../../../functions/payments/provider/port.ts';
import { sandboxWebhookVerifier } from '../../../functions/payments/provider/sandbox/sandbox-webhook.ts';
import type { StripeLike } from '../../../functions/payments/provider/stripe/stripe-like.ts';
import { stripeWebhookVerifier } from '../../../functions/payments/provider/stripe/stripe-provider.ts';

const SECRET = 'whsec_signature_first_0123456789abcdef';
const NOT_JSON = '{"id": "evt_1", "type": "payment.captured", oops';

function problemOf(verifier: WebhookVerifier, body: string, signature: string | undefined, now: Date): string {
  try {
    verifier.verify(body, signature, now);
    return 'accepted';
  } catch (error) {
    expect(error).toBeInstanceOf(WebhookVerificationError);
    return (error as WebhookVerificationError).problem;
  }
}

describe('payment webhooks: the signature is checked before the body is parsed (PAY-2, SEC-5)', () => {
  const now = new Date('2026-11-24T12:00:00Z');
  const t = Math.floor(now.getTime() / 1000);

  it('sandbox: an unsigned or badly signed non-JSON body is a signature problem; a signed one is a body problem', () => {
    const verifier = sandboxWebhookVerifier(SECRET, 300);
    expect(problemOf(verifier, NOT_JSON, undefined, now)).toBe('missing-signature');
    expect(problemOf(verifier, NOT_JSON, 'garbage', now)).toBe('malformed-signature');
    expect(problemOf(verifier, NOT_JSON, signatureHeader('whsec_someone_else_0123456789', t, NOT_JSON), now)).toBe('signature-mismatch');
    expect(problemOf(verifier, NOT_JSON, signatureHeader(SECRET, t, '{}'), now)).toBe('signature-mismatch');
    expect(problemOf(verifier, NOT_JSON, signatureHeader(SECRET, t, NOT_JSON), now)).toBe('malformed-body');
  });

  it('Stripe (the real library): the same order', async () => {
    const { default: Stripe } = await import('stripe');
    const stripe = new Stripe('sk_test_not_used_no_network', { maxNetworkRetries: 0 });
    const verifier = stripeWebhookVerifier(stripe as unknown as StripeLike, SECRET, 300);
    const sign = (payload: string, secret = SECRET) => stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp: Math.floor(Date.now() / 1000) });
    expect(problemOf(verifier, NOT_JSON, undefined, new Date())).toBe('missing-signature');
    expect(problemOf(verifier, NOT_JSON, sign(NOT_JSON, 'whsec_someone_else_0123456789'), new Date())).toBe('signature-mismatch');
    expect(problemOf(verifier, NOT_JSON, sign('{}'), new Date())).toBe('signature-mismatch');
    expect(problemOf(verifier, NOT_JSON, sign(NOT_JSON), new Date())).toBe('malformed-body');
  });
});
