/**
 * SEC-3 through the local cloud: a customer gives and withdraws consent per purpose over HTTP;
 * the state is theirs only, staff cannot set it, and nothing is assumed before they decide.
 */
import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { api, tokenFor } from '../../support/e2e.ts';

describe('consents over HTTP (SEC-3)', () => {
  it('opt-in by default, given and withdrawn per purpose, each customer their own', async () => {
    const alice = await tokenFor(`e2e-consent-${ulid()}`, ['customer']);
    const bob = await tokenFor(`e2e-consent-${ulid()}`, ['customer']);
    expect((await api('/me/consents', { token: alice })).json).toMatchObject({ marketing: false, analytics: false, personalisation: false, history: [] });

    const given = await api('/me/consents', { method: 'PUT', token: alice, json: { marketing: true, analytics: true } });
    expect(given.status, given.text).toBe(200);
    expect(given.json).toMatchObject({ marketing: true, analytics: true, personalisation: false });
    const withdrawn = await api('/me/consents', { method: 'PUT', token: alice, json: { marketing: false } });
    expect(withdrawn.json).toMatchObject({ marketing: false, analytics: true });
    expect((withdrawn.json.history as unknown[]).length).toBe(3);

    expect((await api('/me/consents', { token: bob })).json).toMatchObject({ marketing: false, analytics: false, history: [] });
    const staff = await tokenFor(`e2e-ops-${ulid()}`, ['ops']);
    expect((await api('/me/consents', { method: 'PUT', token: staff, json: { marketing: true } })).status).toBe(403);
    expect((await api('/me/consents', { method: 'PUT', token: alice, json: { marketing: 'yes' } })).status).toBe(400);
  });
});
