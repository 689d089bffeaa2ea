/**
 * Webhooks and provider data (security hardening), `POST /webhooks/carriers` on DynamoDB Local:
 * - SEC-5, FUL-3: bodies over 64 KB are refused with 413 before anything else (no secret read, no
 *   signature check, no parsing); the signature is verified BEFORE the body is parsed, so an
 *   unsigned or badly signed body that is also not JSON is a 401, never a 400; a body must be
 *   signed by the carrier it names; nothing is written for a refused request;
 * - FUL-3, SEC-2: outside the local cloud and tests the sandbox carrier's public secret is never
 *   accepted — a deployed stage, dev included, must name its carriers' secret in Secrets Manager.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import { signCarrierPayload } from '../../../functions/fulfillment/domain/carrier-signature.ts';
import type { ShipmentRecord } from '../../../functions/fulfillment/fulfillment-repository.ts';
import { makeReceiveCarrierWebhookHandler } from '../../../functions/fulfillment/handlers/receive-carrier-webhook.ts';
import { fulfillmentSettings, SANDBOX_CARRIER_WEBHOOK_SECRET } from '../../../functions/fulfillment/settings.ts';
import { resetConfigForTests } from '../../../shared/config.ts';
import { apiEvent, jsonBody, lambdaContext } from '../../support/http-events.ts';
import { allocatedOrder, capturePublisher, carrierWebhook, fulfillmentWorld, type FulfillmentWorld } from './fixtures.ts';

let { catalog, repository, reader } = {} as FulfillmentWorld;
beforeAll(async () => void ({ catalog, repository, reader } = await fulfillmentWorld()));

const KB = 1024;
const NOT_JSON = '{"eventId":"evt-1","carrier":"premium-express", this is not json';

/** The webhook handler over a repository that records every call: a refused request must not reach it. */
function watchedWebhook(secrets?: Readonly<Record<string, string>>) {
  const calls: string[] = [];
  const watched = new Proxy(repository, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(String(property));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  const publisher = capturePublisher();
  const handler = makeReceiveCarrierWebhookHandler({ repository: () => watched, publisher: publisher.factory, ...(secrets ? { secrets } : {}) });
  const post = (body: string | null, headers: Record<string, string>) =>
    handler({ ...apiEvent({ method: 'POST', path: '/webhooks/carriers', resource: '/webhooks/carriers', headers }), body }, lambdaContext());
  return { calls, publisher, handler, post };
}

const sign = (body: string, secret = SANDBOX_CARRIER_WEBHOOK_SECRET) => ({
  'content-type': 'application/json',
  'carrier-signature': signCarrierPayload(secret, body, Math.floor(Date.now() / 1000)),
});

describe('POST /webhooks/carriers: the signature before anything is parsed (FUL-3, SEC-5)', () => {
  it.each<[string, Record<string, string>]>([
    ['no signature', { 'content-type': 'application/json' }],
    ['a malformed signature', { 'carrier-signature': 't=abc,v1=zz' }],
    ['a signature with someone else’s secret', sign(NOT_JSON, 'someone-elses-secret-0000')],
    ['a valid signature of another body', sign('{}')],
  ])('a body that is not JSON with %s → 401 invalid-signature, not a 400 parse error; nothing is read or written', async (_name, headers) => {
    const { calls, publisher, post } = watchedWebhook();
    const result = await post(NOT_JSON, headers);
    expect(result.statusCode).toBe(401);
    expect(jsonBody(result)).toMatchObject({ type: 'https://errors.commerce.dev/invalid-signature', status: 401 });
    expect(calls).toEqual([]);
    expect(publisher.published).toHaveLength(0);
  });

  it('an empty body with a signature of another body → 401 (a signed empty body is a 400)', async () => {
    const { calls, post } = watchedWebhook();
    expect((await post(null, sign('{}'))).statusCode).toBe(401);
    expect((await post('', sign('{}'))).statusCode).toBe(401);
    expect((await post(null, sign(''))).statusCode).toBe(400);
    expect(calls).toEqual([]);
  });

  it('a body must be signed by the carrier it names: signed with carrier A’s secret, naming carrier B → 401, nothing written', async () => {
    const { orderId, shipments } = await allocatedOrder({ catalog, repository, reader }, ['WH-EAST']);
    const s = shipments[0] as ShipmentRecord;
    const other = s.carrier === 'economy-post' ? 'premium-express' : 'economy-post';
    const secrets = { [s.carrier]: 'secret-of-the-shipment-carrier-0001', [other]: 'secret-of-another-carrier-00000002' };
    const { calls, publisher, handler } = watchedWebhook(secrets);
    // The other carrier signs a report that claims to come from the shipment's carrier.
    const forged = carrierWebhook({ carrier: s.carrier, waybill: s.waybill, status: 'DELIVERED' }, { secret: secrets[other] });
    expect((await handler(forged.api, lambdaContext())).statusCode).toBe(401);
    expect(calls).toEqual([]);
    expect(publisher.published).toHaveLength(0);
    expect((await repository.getOrder(orderId)).shipments[0]?.status).toBe('CREATED');
    // Its own carrier's signature is accepted.
    const genuine = carrierWebhook({ carrier: s.carrier, waybill: s.waybill, status: 'PICKED_UP' }, { secret: secrets[s.carrier] });
    expect((await handler(genuine.api, lambdaContext())).statusCode).toBe(200);
  });
});

describe('POST /webhooks/carriers: bodies over 64 KB (SEC-5)', () => {
  it('a 65 KB body → 413 before anything else — signed or not, valid JSON or not; nothing is read, verified or written', async () => {
    const { orderId, shipments } = await allocatedOrder({ catalog, repository, reader }, ['WH-EAST']);
    const s = shipments[0] as ShipmentRecord;
    const event = carrierWebhook({ carrier: s.carrier, waybill: s.waybill, status: 'PICKED_UP' });
    const raw = event.api.body as string;
    const big = raw.replace(/}$/, `${' '.repeat(65 * KB - raw.length)}}`);
    expect(Buffer.byteLength(big)).toBe(65 * KB);
    expect(JSON.parse(big)).toEqual(JSON.parse(raw)); // a valid, correctly signed report — only too big

    let secretsRead = 0;
    const { calls, publisher, post } = watchedWebhook(
      new Proxy({ [s.carrier]: SANDBOX_CARRIER_WEBHOOK_SECRET }, { ownKeys: (t) => (secretsRead++, Reflect.ownKeys(t)), get: (t, p) => (secretsRead++, Reflect.get(t, p)) }),
    );
    for (const [body, headers] of [
      [big, sign(big)],
      [big, {}],
      ['x'.repeat(65 * KB), {}],
    ] as const) {
      const result = await post(body, headers);
      expect(result.statusCode).toBe(413);
      expect(jsonBody(result)).toMatchObject({ type: 'https://errors.commerce.dev/payload-too-large', status: 413 });
    }
    expect(secretsRead).toBe(0);
    expect(calls).toEqual([]);
    expect(publisher.published).toHaveLength(0);
    expect((await repository.getOrder(orderId)).shipments[0]?.status).toBe('CREATED');
    expect(await repository.getMarker('TRACKING', `${s.carrier}#${event.event.eventId}`)).toBeUndefined();

    // The same report at its normal size is applied.
    expect((await post(raw, event.api.headers as Record<string, string>)).statusCode).toBe(200);
  });
});

describe('the sandbox carrier’s public secret outside the local cloud (FUL-3, SEC-2)', () => {
  it('a deployed stage — dev included — without CARRIER_WEBHOOK_SECRETS_ID refuses a sandbox-signed report (500, nothing written); in the local cloud it is applied', async () => {
    const { orderId, shipments } = await allocatedOrder({ catalog, repository, reader }, ['WH-EAST']);
    const s = shipments[0] as ShipmentRecord;
    const saved = { ...process.env };
    try {
      process.env.STAGE = 'dev';
      delete process.env.CARRIER_WEBHOOK_SECRETS_ID;
      delete process.env.CARRIER_WEBHOOK_SECRETS;
      delete process.env.LOCAL_CLOUD; // a deployed function: the CDK template never sets the switch
      resetConfigForTests();
      fulfillmentSettings.reset();
      const publisher = capturePublisher();
      const handler = makeReceiveCarrierWebhookHandler({ repository: () => repository, publisher: publisher.factory });
      const report = carrierWebhook({ carrier: s.carrier, waybill: s.waybill, status: 'PICKED_UP' });
      const deployed = await handler(report.api, lambdaContext());
      expect(deployed.statusCode).toBe(500);
      expect(deployed.body).not.toContain(SANDBOX_CARRIER_WEBHOOK_SECRET);
      expect(publisher.published).toHaveLength(0);
      expect((await repository.getOrder(orderId)).shipments[0]?.status).toBe('CREATED');

      process.env.LOCAL_CLOUD = 'true';
      resetConfigForTests();
      expect((await handler(report.api, lambdaContext())).statusCode).toBe(200);
      expect((await repository.getOrder(orderId)).shipments[0]?.status).toBe('PICKED_UP');
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
      resetConfigForTests();
      fulfillmentSettings.reset();
    }
  });
});
