/**
 * SEC-5 (webhooks and provider data): a route's `maxBodyBytes` refuses a larger body with 413 before
 * anything else — no authorisation, parsing or handler runs — and the webhook routes set 64 KB.
 */
import { describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import * as z from '../../../shared/zod.ts';
import { httpHandler } from '../../../shared/http/handler.ts';
import { WEBHOOK_MAX_BODY_BYTES } from '../../../shared/http/route.ts';
import { problemStatuses } from '../../../shared/openapi.ts';
import { receiveCarrierWebhookRoute } from '../../../functions/fulfillment/routes.ts';
import { receivePaymentWebhookRoute } from '../../../functions/payments/routes.ts';
import { apiEvent, claimsFor, jsonBody, lambdaContext } from '../../support/http-events.ts';

const KB = 1024;

describe('request body size cap (SEC-5)', () => {
  let calls = 0;
  const capped = httpHandler({ operation: 'capped', auth: { roles: ['ops'] }, maxBodyBytes: 64 * KB, body: z.object({ text: z.string() }) }, async () => {
    calls++;
    return { statusCode: 200, body: { ok: true } };
  });

  it('a body over the cap → 413 problem before authorisation, parsing or the handler', async () => {
    calls = 0;
    // No token and not JSON: a 401 or 400 would mean something looked at the request first.
    const result = await capped(apiEvent({ method: 'POST', body: 'x'.repeat(65 * KB) }), lambdaContext());
    expect(result.statusCode).toBe(413);
    expect(result.headers?.['content-type']).toContain('application/problem+json');
    expect(jsonBody(result)).toMatchObject({ type: 'https://errors.commerce.dev/payload-too-large', status: 413 });
    expect(calls).toBe(0);
  });

  it('counts bytes, not characters, and decodes base64 bodies first', async () => {
    calls = 0;
    const cny = '元'.repeat(22 * KB); // 3 bytes each in UTF-8: 66 KB in 22 K characters
    expect((await capped(apiEvent({ method: 'POST', body: cny }), lambdaContext())).statusCode).toBe(413);
    const encoded = { ...apiEvent({ method: 'POST', body: Buffer.alloc(65 * KB, 1).toString('base64') }), isBase64Encoded: true };
    expect((await capped(encoded, lambdaContext())).statusCode).toBe(413);
    const small = { ...apiEvent({ method: 'POST', body: Buffer.alloc(60 * KB, 1).toString('base64') }), isBase64Encoded: true };
    expect((await capped(small, lambdaContext())).statusCode).toBe(401); // 80 KB of base64, 60 KB decoded: under the cap
    expect(calls).toBe(0);
  });

  it('a body at the cap goes through the usual stack', async () => {
    const text = 'x'.repeat(64 * KB - JSON.stringify({ text: '' }).length);
    const result = await capped(apiEvent({ method: 'POST', body: { text }, claims: claimsFor('ops-1', 'ops') }), lambdaContext());
    expect(result.statusCode).toBe(200);
  });

  it('the payment and carrier webhooks are capped at 64 KB and document the 413', () => {
    expect(WEBHOOK_MAX_BODY_BYTES).toBe(64 * KB);
    for (const route of [receivePaymentWebhookRoute, receiveCarrierWebhookRoute]) {
      expect(route.maxBodyBytes, route.operation).toBe(WEBHOOK_MAX_BODY_BYTES);
      expect(problemStatuses(route), route.operation).toContain(413);
    }
  });
});
