/**
 * The local API Gateway (infra/local/api-gateway.ts) over HTTP against the fixture's RestApi: the
 * Cognito authorizer with tokens from the local issuer, the Lambda proxy event (claims, path
 * parameters, query strings, multi-value headers), a gateway response customised in the template,
 * the 10 MB payload limit, malformed Lambda responses and per-method stage throttling — answered
 * as API Gateway answers them.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalCloud, type LocalCloud } from '../../../infra/local/cloud.ts';
import { createLocalIssuer } from '../../../infra/local/local-issuer.ts';
import { fixtureAssembly } from './fixture/assembly.ts';

let cloud: LocalCloud;
const agent = new http.Agent({ keepAlive: true });

interface Response {
  status: number;
  headers: http.IncomingHttpHeaders;
  rawHeaders: string[];
  body: string;
  json: Record<string, unknown>;
}

/** One request; `headers` as [name, value] pairs so a header can repeat. */
function request(method: string, path: string, options: { headers?: Array<[string, string]>; body?: Buffer } = {}): Promise<Response> {
  // raw headers (an array) get no defaults from Node: Host is ours to send
  const headers = ['Host', new URL(cloud.endpoints.api).host, ...(options.headers ?? []).flat()];
  if (options.body) headers.push('Content-Length', String(options.body.length));
  return new Promise((resolve, reject) => {
    const req = http.request(`${cloud.endpoints.api}${path}`, { method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let json: Record<string, unknown> = {};
        try {
          json = JSON.parse(body) as Record<string, unknown>;
        } catch {
          // not JSON
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, rawHeaders: res.rawHeaders, body, json });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

beforeAll(async () => {
  cloud = await startLocalCloud({ assemblyDir: await fixtureAssembly() });
});

afterAll(async () => {
  agent.destroy();
  await cloud?.stop();
});

describe('Cognito authorizer', () => {
  it('answers 401 without a token, with the gateway response the template customises', async () => {
    const res = await request('GET', '/me');
    expect(res.status).toBe(401);
    expect(res.headers['x-fixture']).toBe('custom');
    expect(res.json).toEqual({ problem: 'unauthorized', detail: 'Unauthorized' });
  });

  it('answers 401 to a malformed token, a token of another issuer and an expired token', async () => {
    const pool = cloud.stack.Resources;
    const poolId = cloud.names.ref(Object.keys(pool).find((k) => pool[k]?.Type === 'AWS::Cognito::UserPool') as string);
    const stranger = await createLocalIssuer().mint({ sub: 'mallory', roles: ['customer'], poolId, clientId: 'x' });
    const expired = await cloud.issuer.mint({ sub: 'alice', roles: ['customer'], poolId, clientId: 'x', expiresInSeconds: 0 });
    for (const token of ['not-a-jwt', `Bearer ${stranger}`, stranger, expired]) {
      const res = await request('GET', '/me', { headers: [['Authorization', token]] });
      expect(res.status, token).toBe(401);
      expect(res.json).toEqual({ problem: 'unauthorized', detail: 'Unauthorized' });
    }
  });

  it('passes the verified token claims to the handler in requestContext.authorizer.claims', async () => {
    const token = await cloud.token('alice', ['customer']);
    const res = await request('GET', '/me', { headers: [['Authorization', token]] });
    expect(res.status).toBe(200);
    expect(res.json.claims).toMatchObject({
      sub: 'alice',
      'cognito:groups': 'customer',
      'cognito:username': 'alice',
      token_use: 'id',
      iss: expect.stringMatching(/^https:\/\/cognito-idp\.us-east-1\.amazonaws\.com\/us-east-1_/),
    });
  });
});

describe('Lambda proxy integration', () => {
  it('maps path parameters, query strings and repeated headers into the proxy event', async () => {
    const res = await request('GET', '/items/abc-123?tag=a&tag=b&q=x', {
      headers: [
        ['X-Dup', '1'],
        ['X-Dup', '2'],
        ['X-One', 'only'],
      ],
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      resource: '/items/{id}',
      path: '/items/abc-123',
      httpMethod: 'GET',
      pathParameters: { id: 'abc-123' },
      queryStringParameters: { tag: 'b', q: 'x' },
      multiValueQueryStringParameters: { tag: ['a', 'b'], q: ['x'] },
      headers: { 'X-Dup': '2', 'X-One': 'only' },
      multiValueHeaders: { 'X-Dup': ['1', '2'], 'X-One': ['only'] },
      claims: null,
      stage: 'test',
      requestPath: '/test/items/abc-123',
    });
  });

  it("returns the function's headers and multiValueHeaders", async () => {
    const res = await request('GET', '/items/x');
    expect(res.headers['x-single']).toBe('one');
    const multi = res.rawHeaders.flatMap((value, i) => (i % 2 === 1 && res.rawHeaders[i - 1]?.toLowerCase() === 'x-multi' ? [value] : []));
    expect(multi).toEqual(['a', 'b']);
  });

  it('answers 403 Missing Authentication Token for a path or method the API does not have', async () => {
    for (const [method, path] of [
      ['GET', '/nowhere'],
      ['DELETE', '/items/x'],
    ] as const) {
      const res = await request(method, path);
      expect(res.status).toBe(403);
      expect(res.json).toEqual({ message: 'Missing Authentication Token' });
    }
  });

  it('passes a body up to the limit and answers 413 over 10 MB', async () => {
    const small = await request('POST', '/upload', { body: Buffer.alloc(1024, 'a') });
    expect(small.status).toBe(200);
    expect(small.json.bodyLength).toBe(1024);
    const large = await request('POST', '/upload', { body: Buffer.alloc(10 * 1024 * 1024 + 1, 'a') });
    expect(large.status).toBe(413);
    expect(large.json).toEqual({ message: 'Request Too Long' });
  });

  it('answers 502 when the function returns a malformed proxy response', async () => {
    const res = await request('GET', '/malformed');
    expect(res.status).toBe(502);
    expect(res.json).toEqual({ message: 'Internal server error' });
  });
});

describe('stage throttling', () => {
  it("throttles a method past its MethodSettings burst with 429, leaving the other methods' buckets alone", async () => {
    // /throttled/GET: 1 request per second, burst 2; the stage default (100/s, burst 200) for the rest
    const responses = await Promise.all(Array.from({ length: 8 }, () => request('GET', '/throttled')));
    const served = responses.filter((r) => r.status === 200);
    const throttled = responses.filter((r) => r.status === 429);
    expect(served.length).toBeGreaterThanOrEqual(1);
    expect(served.length).toBeLessThanOrEqual(3);
    expect(throttled.length).toBe(8 - served.length);
    expect(throttled[0]?.json).toEqual({ message: 'Too Many Requests' });
    expect((await request('GET', '/items/still-served')).status).toBe(200);
  });
});
