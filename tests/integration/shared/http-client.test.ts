/**
 * The HTTP sender of the SDK-less AWS calls (shared/http-client.ts) against a local server: the
 * request as given, the answer's status, lower-case headers and body; a server that does not
 * answer in time gives a `TimeoutError`; a refused connection rejects; connections are reused.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpFormPoster } from '../../../functions/fulfillment/carriers/kuaidi100-gateway.ts';
import { nodeHttpSend } from '../../../shared/http-client.ts';

let server: http.Server;
let base: string;
const sockets = new Set<unknown>();
let seen: { method?: string; url?: string; headers: http.IncomingHttpHeaders; body: string } | undefined;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    sockets.add(req.socket);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen = { method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      if (req.url === '/slow') return; // never answers
      res.writeHead(req.url === '/error' ? 400 : 200, { 'X-Amzn-RequestId': 'req-9', 'Content-Type': 'application/x-amz-json-1.1' });
      res.end(req.url === '/error' ? '{"__type":"ValidationException"}' : '{"ok":"好"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('nodeHttpSend', () => {
  it('sends the method, headers and body; answers with status, lower-case headers and the body as text', async () => {
    const answer = await nodeHttpSend(new URL(`${base}/`), {
      method: 'POST',
      headers: { 'x-amz-target': 'TrentService.Decrypt', 'content-length': '9' },
      body: '{"a":"b"}',
      timeoutMs: 2_000,
    });
    expect(seen).toMatchObject({ method: 'POST', url: '/', body: '{"a":"b"}', headers: { 'x-amz-target': 'TrentService.Decrypt' } });
    expect(answer).toEqual({ status: 200, headers: expect.objectContaining({ 'x-amzn-requestid': 'req-9' }), body: '{"ok":"好"}' });
    const error = await nodeHttpSend(new URL(`${base}/error`), { method: 'POST', headers: {}, body: '{}', timeoutMs: 2_000 });
    expect(error).toMatchObject({ status: 400, body: '{"__type":"ValidationException"}' });
    // keep-alive: both requests went over one connection
    expect(sockets.size).toBe(1);
  });

  it('gives up after the timeout with a TimeoutError; a refused connection rejects', async () => {
    await expect(nodeHttpSend(new URL(`${base}/slow`), { method: 'POST', headers: {}, body: '{}', timeoutMs: 200 })).rejects.toMatchObject({ name: 'TimeoutError' });
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(nodeHttpSend(new URL(`http://127.0.0.1:${port}/`), { method: 'POST', headers: {}, body: '{}', timeoutMs: 2_000 })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it("Kuaidi100's form poster sends a URL-encoded form, as a browser form would", async () => {
    const answer = await httpFormPoster(`${base}/`, { method: 'bOrderApi', param: '{"kuaidicom":"shunfeng","备注":"a&b"}' });
    expect(answer).toEqual({ status: 200, body: '{"ok":"好"}' });
    expect(seen?.headers['content-type']).toBe('application/x-www-form-urlencoded;charset=UTF-8');
    expect(Object.fromEntries(new URLSearchParams(seen?.body))).toEqual({ method: 'bOrderApi', param: '{"kuaidicom":"shunfeng","备注":"a&b"}' });
  });
});
