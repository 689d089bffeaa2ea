/**
 * A pass-through HTTP proxy in front of DynamoDB Local that counts calls per operation
 * (`X-Amz-Target: DynamoDB_20120810.<Operation>`), so benchmarks can report DynamoDB calls per
 * order. Functions and SDK clients use the proxy's URL; it adds well under a millisecond.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export class DynamoDbCallCounter {
  private server?: http.Server;
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  private readonly counts = new Map<string, number>();
  url = '';

  constructor(private readonly target: string) {}

  async listen(port = 0): Promise<void> {
    const target = new URL(this.target);
    this.server = http.createServer((req, res) => {
      const op = String(req.headers['x-amz-target'] ?? '').split('.').pop() || 'unknown';
      this.counts.set(op, (this.counts.get(op) ?? 0) + 1);
      const upstream = http.request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent: this.agent },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      upstream.on('error', () => {
        if (!res.headersSent) res.writeHead(503, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#ServiceUnavailable', message: 'DynamoDB Local is not reachable' }));
      });
      req.pipe(upstream);
    });
    this.server.keepAliveTimeout = 65_000;
    await new Promise<void>((resolve, reject) => {
      this.server?.once('error', reject);
      this.server?.listen(port, '127.0.0.1', () => resolve());
    });
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Calls per operation since start (or since the last reset). */
  stats(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  reset(): void {
    this.counts.clear();
  }

  async close(): Promise<void> {
    this.agent.destroy();
    await new Promise<void>((resolve) => {
      if (!this.server) return resolve();
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }
}
