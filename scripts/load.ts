/**
 * `npm run load` — drives a realistic shopping mix at a fixed arrival rate (open loop: requests
 * start on schedule whether or not earlier ones have answered, as shoppers do) against the local
 * cloud or a deployed stage, and prints throughput, latency percentiles and errors by status.
 *
 *   mix: 50 % browse (GET /products, GET /products/{sku}), 20 % quote (POST /quotes),
 *        15 % place an order (POST /orders), 15 % read an order's status (GET /orders/{id})
 *
 *   npm run load -- --rate 5 --duration 30                      against `npm start` (tokens minted locally)
 *   npm run load -- --base-url https://api.example.com --token "$CUSTOMER_TOKEN" --rate 50 --duration 300
 *
 * Orders are real: against a deployed stage use a test stage or a sandbox payment provider.
 * Orders pay by bank transfer (nothing is charged), one demo customer per 5 orders so per-customer
 * payment limits and velocity rules see a crowd, not one shopper.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ulid } from 'ulid';
import { figure, percentile } from './stats.ts';

const USAGE = `usage: npm run load -- [--rate <requests/s>] [--duration <s>] [--base-url <url>] [--token <jwt>]… [--customers <n>] [--json]

  --rate        arrival rate, requests per second (default 5)
  --duration    seconds of load (default 30)
  --base-url    API base URL (default: the running local cloud, .data/endpoints.json)
  --token       a customer token; repeat for several customers (default: minted by the local issuer)
  --customers   customers to mint locally (default: one per 5 expected orders, at least 5)
  --json        print the result as JSON`;

const PROJECT_ROOT = path.resolve(import.meta.dirname, '..');
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

type Op = 'browse' | 'product' | 'quote' | 'order' | 'status';

interface Sample {
  op: Op;
  status: number;
  ms: number;
}

async function mintLocalTokens(count: number): Promise<string[]> {
  const [{ readAssembly, ResourceNames }, { readPools }, { createLocalIssuer }, { synthesize }] = await Promise.all([
    import('../infra/local/template.ts'),
    import('../infra/local/cloud.ts'),
    import('../infra/local/local-issuer.ts'),
    import('../infra/local/synth.ts'),
  ]);
  const assemblyDir = path.join(PROJECT_ROOT, 'cdk.out');
  if (!fs.existsSync(path.join(assemblyDir, 'manifest.json'))) await synthesize({ outdir: assemblyDir, bundle: false });
  const [stack] = readAssembly(assemblyDir);
  if (!stack) throw new Error('no stack in cdk.out');
  const { pools } = readPools(new ResourceNames(stack, { api: '', aws: '', dynamodb: '' }));
  const pool = [...pools.values()].find((p) => p.groups.has('customer'));
  if (!pool) throw new Error('no user pool with the customer group');
  const issuer = createLocalIssuer({ dataDir: path.join(PROJECT_ROOT, '.data') });
  const run = ulid().slice(-6).toLowerCase();
  return Promise.all(
    Array.from({ length: count }, (_, i) => issuer.mint({ sub: `load-${run}-${i}`, roles: ['customer'], poolId: pool.poolId, clientId: pool.clientId, expiresInSeconds: 3600 })),
  );
}

async function main(): Promise<void> {
  let values;
  try {
    values = parseArgs({
      options: {
        rate: { type: 'string', default: '5' },
        duration: { type: 'string', default: '30' },
        'base-url': { type: 'string' },
        token: { type: 'string', multiple: true },
        customers: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const rate = Number(values.rate);
  const duration = Number(values.duration);
  if (!(rate > 0 && rate <= 10_000) || !(duration > 0 && duration <= 86_400)) {
    console.error(`--rate must be in (0, 10000] and --duration in (0, 86400]\n\n${USAGE}`);
    process.exit(2);
  }
  let baseUrl = values['base-url'];
  if (!baseUrl) {
    const file = path.join(PROJECT_ROOT, '.data', 'endpoints.json');
    if (!fs.existsSync(file)) {
      console.error('No --base-url and the local cloud is not running (start it with `npm start`).');
      process.exit(1);
    }
    baseUrl = (JSON.parse(fs.readFileSync(file, 'utf8')) as { api: string }).api;
  }
  baseUrl = baseUrl.replace(/\/$/, '');
  const expectedOrders = rate * duration * 0.15;
  const tokens = values.token?.length ? values.token : await mintLocalTokens(Number(values.customers ?? Math.max(5, Math.ceil(expectedOrders / 5))));

  // the catalogue to shop from: what GET /products lists with stock
  const listing = await fetch(`${baseUrl}/products`);
  if (!listing.ok) throw new Error(`GET /products → ${listing.status}`);
  const products = ((await listing.json()) as { items?: Array<{ sku: string; available?: number }> }).items ?? [];
  const skus = products.filter((p) => p.available === undefined || p.available > 0).map((p) => p.sku);
  if (skus.length === 0) throw new Error('GET /products lists no product with stock');

  const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)] as T;
  const orders: Array<{ id: string; token: string }> = [];
  const samples: Sample[] = [];
  const timed = async (op: Op, url: string, init: RequestInit = {}): Promise<Response | undefined> => {
    const started = performance.now();
    try {
      const res = await fetch(`${baseUrl}${url}`, { ...init, signal: AbortSignal.timeout(30_000) });
      const body = await res.arrayBuffer();
      samples.push({ op, status: res.status, ms: performance.now() - started });
      return new Response(body, { status: res.status });
    } catch {
      samples.push({ op, status: 0, ms: performance.now() - started });
      return undefined;
    }
  };
  const json = (token: string, body: unknown, extra: Record<string, string> = {}): RequestInit => ({
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...extra },
    body: JSON.stringify(body),
  });

  const one = async (): Promise<void> => {
    const r = Math.random();
    const token = pick(tokens);
    const items = [{ sku: pick(skus), quantity: 1 }];
    if (r < 0.3) await timed('browse', '/products');
    else if (r < 0.5) await timed('product', `/products/${encodeURIComponent(pick(skus))}`);
    else if (r < 0.7) await timed('quote', '/quotes', json(token, { items, shippingAddress: { province: '浙江' } }));
    else if (r < 0.85 || orders.length === 0) {
      const n = ulid();
      const res = await timed(
        'order',
        '/orders',
        json(
          token,
          {
            items,
            shippingAddress: { name: '压测用户', phone: '+86 138 0013 8000', line1: `滨江区网商路${n}号`, city: '杭州', region: 'east', postalCode: '310052', country: 'CN' },
            contactEmail: `load.${n.toLowerCase()}@example.cn`,
            payment: { method: 'bank_transfer' },
          },
          { 'Idempotency-Key': n, 'x-device-id': `load-${n}` },
        ),
      );
      if (res?.status === 201) orders.push({ id: String(((await res.json()) as { orderId?: string }).orderId), token });
    } else {
      const order = pick(orders);
      await timed('status', `/orders/${order.id}`, { headers: { authorization: `Bearer ${order.token}` } });
    }
  };

  const total = Math.round(rate * duration);
  const inFlight = new Set<Promise<void>>();
  const started = performance.now();
  if (!values.json) console.error(`load: ${total} requests at ${rate}/s for ${duration} s against ${baseUrl} (${tokens.length} customers, ${skus.length} products)`);
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const p = one().finally(() => inFlight.delete(p));
    inFlight.add(p);
  }
  await Promise.all(inFlight);
  const elapsed = (performance.now() - started) / 1000;

  const summary = (list: Sample[]) => {
    const ms = list.map((s) => s.ms).sort((a, b) => a - b);
    // No samples (an operation that never ran): null in JSON, "—" in the table — never NaN.
    const rounded = (v: number | undefined) => (v === undefined ? null : Math.round(v));
    return {
      requests: list.length,
      p50: rounded(percentile(ms, 50)),
      p90: rounded(percentile(ms, 90)),
      p99: rounded(percentile(ms, 99)),
      max: rounded(ms.at(-1)),
    };
  };
  const byStatus: Record<string, number> = {};
  for (const s of samples) byStatus[s.status === 0 ? 'network error' : String(s.status)] = (byStatus[s.status === 0 ? 'network error' : String(s.status)] ?? 0) + 1;
  const ops: Op[] = ['browse', 'product', 'quote', 'order', 'status'];
  const result = {
    baseUrl,
    rate,
    durationSeconds: duration,
    elapsedSeconds: Number(elapsed.toFixed(1)),
    throughput: Number((samples.length / elapsed).toFixed(2)),
    all: summary(samples),
    byOperation: Object.fromEntries(ops.map((op) => [op, summary(samples.filter((s) => s.op === op))])),
    byStatus,
    errors: samples.filter((s) => s.status === 0 || s.status >= 500).length,
  };
  if (values.json) {
    console.log(JSON.stringify(result, null, 2));
    return;
  }
  const row = (name: string, s: ReturnType<typeof summary>) =>
    `  ${name.padEnd(9)} ${String(s.requests).padStart(6)} ${figure(s.p50).padStart(7)} ${figure(s.p90).padStart(7)} ${figure(s.p99).padStart(7)} ${figure(s.max).padStart(7)}`;
  console.log(`${samples.length} requests in ${result.elapsedSeconds} s: ${result.throughput} req/s (target ${rate}/s)
  ${'operation'.padEnd(9)} ${'count'.padStart(6)} ${'p50 ms'.padStart(7)} ${'p90 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'max ms'.padStart(7)}
${ops.map((op) => row(op, result.byOperation[op] as ReturnType<typeof summary>)).join('\n')}
${row('all', result.all)}
status: ${Object.entries(byStatus)
    .sort()
    .map(([k, v]) => `${k}×${v}`)
    .join('  ')}   server errors (5xx, network): ${result.errors}`);
}

await main().catch((error: unknown) => {
  console.error(`load: ${(error as Error).message}`);
  process.exit(1);
});
