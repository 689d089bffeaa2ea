/**
 * One HTTP request over `node:http`/`node:https`, for the AWS calls made without an SDK client
 * (shared/aws-json.ts). Not `fetch`: Node loads its fetch implementation (undici) on the first call,
 * ≈ 50 ms of a cold start measured here, where `node:https` is already part of the runtime — the
 * SDK's own request handler uses it too. Connections are kept alive between invocations.
 */
import http from 'node:http';
import https from 'node:https';

/** What a request sends. */
export interface HttpRequest {
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
  /** The whole exchange, connection to last byte, is given up after this long (an error named `TimeoutError`). */
  readonly timeoutMs: number;
}

/** An answer: status, headers (names in lower case) and the body as text. */
export interface HttpAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string;
}

/** Sends one request; rejects on a connection failure or the timeout. */
export type HttpSend = (url: URL, request: HttpRequest) => Promise<HttpAnswer>;

const agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };

/** {@link HttpSend} over `node:http`/`node:https`, with keep-alive agents. */
export const nodeHttpSend: HttpSend = (url, request) =>
  new Promise<HttpAnswer>((resolve, reject) => {
    const secure = url.protocol === 'https:';
    const send = secure ? https.request : http.request;
    const req = send(url, { method: request.method, headers: request.headers, agent: secure ? agents['https:'] : agents['http:'] }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      res.on('end', () => {
        clearTimeout(timer);
        const headers: Record<string, string | undefined> = {};
        for (const [name, value] of Object.entries(res.headers)) headers[name] = Array.isArray(value) ? value.join(', ') : value;
        resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    const timer = setTimeout(() => {
      const error = new Error(`${request.method} ${url.host}: no answer within ${request.timeoutMs} ms`);
      error.name = 'TimeoutError';
      req.destroy(error);
    }, request.timeoutMs);
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.end(request.body);
  });
