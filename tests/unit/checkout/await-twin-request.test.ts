/**
 * ORD-7: a concurrent twin of an idempotent request waits for the first response instead of
 * answering 409 request-in-progress — within the invocation's time — and gets the same response.
 */
import { describe, expect, it } from 'vitest';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { awaitTwinRequests } from '../../../functions/checkout/await-twin-request.ts';
import { apiEvent, lambdaContext } from '../../support/http-events.ts';

const inProgress: APIGatewayProxyResult = { statusCode: 409, headers: {}, body: JSON.stringify({ type: 'https://errors.commerce.dev/request-in-progress', status: 409 }) };
const created: APIGatewayProxyResult = { statusCode: 201, headers: {}, body: JSON.stringify({ orderId: 'X' }) };

describe('awaitTwinRequests', () => {
  it('asks again while the twin is in progress, with a fresh copy of the event each time', async () => {
    const seen: APIGatewayProxyEvent[] = [];
    let calls = 0;
    const handler = awaitTwinRequests(
      async (event) => {
        seen.push(event);
        (event as { body: unknown }).body = { parsed: true };
        return ++calls < 3 ? inProgress : created;
      },
      { sleep: async () => {} },
    );
    const event = apiEvent({ method: 'POST', body: { a: 1 } });
    expect(await handler(event, lambdaContext())).toBe(created);
    expect(calls).toBe(3);
    expect(new Set(seen).size).toBe(3);
    for (const e of seen.slice(0, 2)) expect(e).not.toBe(event);
    expect(event.body).toBe(JSON.stringify({ a: 1 }));
  });

  it('passes any other answer (also other 409s) straight through', async () => {
    const conflict: APIGatewayProxyResult = { statusCode: 409, headers: {}, body: JSON.stringify({ type: 'https://errors.commerce.dev/out-of-stock' }) };
    let calls = 0;
    const handler = awaitTwinRequests(async () => (calls++, conflict), { sleep: async () => {} });
    expect(await handler(apiEvent(), lambdaContext())).toBe(conflict);
    expect(calls).toBe(1);
  });

  it('gives up with the 409 when the invocation has no time left to wait', async () => {
    let calls = 0;
    const handler = awaitTwinRequests(async () => (calls++, inProgress), { sleep: async () => {}, reserveMs: 3000 });
    expect(await handler(apiEvent(), lambdaContext(2000))).toBe(inProgress);
    expect(calls).toBe(1);
  });
});
