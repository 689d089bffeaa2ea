/**
 * SEC-3: `GET/PUT /me/consents` through the HTTP handlers on DynamoDB Local — opt-in by default,
 * given and withdrawn per purpose with history, each customer sees only their own, and the consent
 * contract other capabilities use answers from the same state.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../../shared/clock.ts';
import { newId } from '../../../shared/ids.ts';
import { makeGetMyConsentsHandler } from '../../../functions/privacy/handlers/get-my-consents.ts';
import { makePutMyConsentsHandler } from '../../../functions/privacy/handlers/put-my-consents.ts';
import { consentCheckFromEnv } from '../../../functions/privacy/consent-contract.ts';
import { consentStoreFromEnv } from '../../../functions/privacy/consent-store.ts';
import { apiEvent, claimsFor, jsonBody, lambdaContext } from '../../support/http-events.ts';
import { useLocalDynamoDb } from '../../support/local-dynamodb-env.ts';

const clock = manualClock('2026-12-05T08:00:00.000Z');
let getConsents: ReturnType<typeof makeGetMyConsentsHandler>;
let putConsents: ReturnType<typeof makePutMyConsentsHandler>;

beforeAll(() => {
  useLocalDynamoDb();
  getConsents = makeGetMyConsentsHandler();
  putConsents = makePutMyConsentsHandler({ store: consentStoreFromEnv, clock });
});

const get = async (customer: string) => {
  const result = await getConsents(apiEvent({ method: 'GET', path: '/me/consents', resource: '/me/consents', claims: claimsFor(customer, 'customer') }), lambdaContext());
  return { status: result.statusCode, json: jsonBody(result) };
};
const put = async (customer: string, body: unknown, roles: string[] = ['customer']) => {
  const result = await putConsents(apiEvent({ method: 'PUT', path: '/me/consents', resource: '/me/consents', body, claims: claimsFor(customer, ...roles) }), lambdaContext());
  return { status: result.statusCode, json: jsonBody(result) };
};

describe('consents per purpose (SEC-3)', () => {
  it('a new customer has consented to nothing', async () => {
    const customer = `c-${newId()}`;
    expect(await get(customer)).toEqual({ status: 200, json: { marketing: false, analytics: false, personalisation: false, decidedAt: {}, history: [] } });
    expect(await consentCheckFromEnv()(customer, 'marketing')).toBe(false);
  });

  it('gives and withdraws, with history newest first; the contract follows at once', async () => {
    const customer = `c-${newId()}`;
    const given = await put(customer, { marketing: true });
    expect(given).toMatchObject({ status: 200, json: { marketing: true, analytics: false, decidedAt: { marketing: '2026-12-05T08:00:00.000Z' } } });
    expect(await consentCheckFromEnv()(customer, 'marketing')).toBe(true);

    clock.advance(60_000);
    const withdrawn = await put(customer, { marketing: false, personalisation: true });
    expect(withdrawn.json).toMatchObject({ marketing: false, personalisation: true });
    expect(await consentCheckFromEnv()(customer, 'marketing')).toBe(false);
    expect((withdrawn.json.history as Array<{ purpose: string; granted: boolean }>).map((h) => `${h.purpose}=${h.granted}`)).toEqual([
      'personalisation=true',
      'marketing=false',
      'marketing=true',
    ]);

    // the same answer again adds nothing
    clock.advance(60_000);
    expect(((await put(customer, { marketing: false })).json.history as unknown[]).length).toBe(3);
  });

  it('each customer sees only their own', async () => {
    const alice = `c-${newId()}`;
    const bob = `c-${newId()}`;
    await put(alice, { analytics: true });
    expect((await get(bob)).json).toMatchObject({ analytics: false, history: [] });
  });

  it('bad input is a 400 and changes nothing; staff have no consents to set (403)', async () => {
    const customer = `c-${newId()}`;
    expect((await put(customer, {})).status).toBe(400);
    expect((await put(customer, { marketing: 'yes' })).status).toBe(400);
    expect((await put(customer, { newsletter: true })).status).toBe(400);
    expect((await put(customer, { marketing: true }, ['ops'])).status).toBe(403);
    expect((await get(customer)).json).toMatchObject({ marketing: false, history: [] });
  });
});
