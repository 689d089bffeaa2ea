/**
 * `npm run bench:checkout` — drives a local cloud of its own with N concurrent clients placing
 * orders over HTTP and prints numbers (it asserts nothing; timings belong here, not in tests):
 *
 * - orders per second and p50/p95/p99 latency of `POST /orders` (client-side, HTTP round trip);
 * - DynamoDB, KMS and EventBridge calls per order, as the local cloud counts them — during the load
 *   and after the asynchronous consumers (fraud, payments, fulfillment, checkout's own) settled;
 * - the cost per million orders at AWS list prices (scripts/cost/aws-prices.ts), by service, from
 *   what the local cloud metered until the consumers settled: Lambda invocations and billed
 *   duration × memory, API requests, DynamoDB read/write request units (consumed capacity of
 *   tables and GSIs, transactions included), SQS requests, EventBridge entries, KMS calls, log bytes;
 *   under it, the share of the dev stage's sandboxes (which production replaces with Stripe, a
 *   carrier, SES and SNS) and the figure without them, and the customer messages production would
 *   send (emails priced at SES's list price; not in the total).
 *   Lambda durations are wall-clock times on this machine, where every function shares two cores
 *   with DynamoDB Local: an upper bound of what Lambda would bill;
 * - the replay ratio: the DynamoDB requests made during the load, replayed straight against
 *   DynamoDB Local with as many concurrent clients — how close the system comes to what the
 *   database alone sustains for the same mix (system ÷ replay throughput);
 * - where the time goes during the load: the CPU the local cloud's process used (every Lambda
 *   worker thread, API, queues, buses, the DynamoDB proxy) and its main thread's share, each
 *   function's busy time per order (its threads' event loops active) and mean billed duration, the
 *   cold starts, and DynamoDB Local's mean answer time per operation.
 *
 * The warm-up's orders (`--warmup`, placed by as many clients) start every function's environments
 * before the load is measured, so cold starts stay out of its figures (the line says if any happened).
 *
 * Options: `--clients N` (default 16), `--orders N` (default 400), `--warmup N` (default 16),
 * `--payment card|bank_transfer|cod` (default card), `--price FEN` (default 5990). The product gets
 * enough stock first (through the staff API), so every order is placed.
 *
 * Usage: npm run bench:checkout -- --clients 32 --orders 1000
 */
import http from 'node:http';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { ulid } from 'ulid';
import { startLocalCloud, type LocalCloud } from '../infra/local/cloud.ts';
import { seedDemoData } from '../infra/local/seed.ts';
import { synthesize } from '../infra/local/synth.ts';
import type { RecordedRequest, RecordedWrite } from '../infra/local/dynamodb-counter.ts';
import { PRICES, PRICES_AS_OF, PRICES_REGION } from './cost/aws-prices.ts';
import { costOf, perUnit, type Consumption } from './cost/cost-model.ts';
import { breakdown, callerBreakdown, writeUnitsBreakdown } from './cost/dynamodb-breakdown.ts';
import { figure, percentile } from './stats.ts';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '16' },
    orders: { type: 'string', default: '400' },
    warmup: { type: 'string', default: '16' },
    payment: { type: 'string', default: 'card' },
    price: { type: 'string', default: '5990' },
  },
});
const clients = Math.max(1, Number(values.clients));
const orders = Math.max(1, Number(values.orders));
const warmup = Math.max(0, Number(values.warmup));
const method = String(values.payment);
const price = Math.max(1, Number(values.price));
if (!['card', 'bank_transfer', 'cod'].includes(method)) throw new Error('--payment must be card, bank_transfer or cod');

type Counts = {
  dynamodb: Record<string, number>;
  kms: Record<string, number>;
  events: Record<string, number>;
  sqs: Record<string, number>;
  capacity: Record<string, number>;
  lambda: Record<string, number>;
  /** Each function's environments' event-loop active ms (running time, waiting for a core included: an upper bound of their CPU). */
  busy: Record<string, number>;
  /** Each function's billed ms, and its invocations. */
  billedMs: Record<string, number>;
  invocations: Record<string, number>;
  /** Each function's billed GB-ms (billed ms × its memory), what Lambda charges for beside requests. */
  gbMs: Record<string, number>;
  /** The proxy's round trips to DynamoDB Local per operation: their ms, and how many. */
  dynamodbMs: Record<string, number>;
  dynamodbRequests: Record<string, number>;
  /** What the dev stage's sandboxes consumed (see {@link DEV_ONLY}): functions, tables, queues. */
  sandbox: Record<string, number>;
};

/**
 * The dev stage's stand-ins for third parties, which a production stage does not deploy: the
 * payment provider sandbox (its table, queue and worker; Stripe in production) and the sandbox
 * carrier. Matched on function, table and queue names. The notification sandbox's records of
 * what it "sent" (SANDBOX# items of the notifications table; SES and SNS in production) are
 * counted from the recorded writes.
 */
const DEV_ONLY = /Sandbox/;

function snapshot(cloud: LocalCloud): Counts {
  const lambda = { invocations: 0, coldStarts: 0, gbSeconds: 0, logBytes: 0 };
  const sandbox = { invocations: 0, gbSeconds: 0, logBytes: 0, readUnits: 0, writeUnits: 0, sqsRequests: 0 };
  const busy: Record<string, number> = {};
  const billedMs: Record<string, number> = {};
  const invocations: Record<string, number> = {};
  const gbMs: Record<string, number> = {};
  for (const [name, fn] of Object.entries(cloud.lambda.stats())) {
    busy[name] = fn.busyMs;
    billedMs[name] = fn.billedMs;
    invocations[name] = fn.invocations;
    gbMs[name] = fn.billedMs * (fn.memorySize / 1024);
    lambda.coldStarts += fn.coldStarts;
    // the whole system's, and the dev sandboxes' share of it
    for (const totals of DEV_ONLY.test(name) ? [lambda, sandbox] : [lambda]) {
      totals.invocations += fn.invocations;
      totals.gbSeconds += (fn.billedMs / 1000) * (fn.memorySize / 1024);
      totals.logBytes += fn.logBytes;
    }
  }
  const upstream = cloud.dynamodbCalls.upstreamTimes();
  const devOnly = <T>(entries: Record<string, T>) =>
    Object.entries(entries)
      .filter(([name]) => DEV_ONLY.test(name))
      .map(([, value]) => value);
  for (const units of devOnly(cloud.dynamodbCalls.consumedCapacityByTable())) {
    sandbox.readUnits += units.readUnits;
    sandbox.writeUnits += units.writeUnits;
  }
  for (const requests of devOnly(cloud.sqs.requestsByQueue())) sandbox.sqsRequests += requests;
  return {
    dynamodb: cloud.dynamodbCalls.stats(),
    kms: { ...cloud.kms.stats() },
    events: { ...cloud.events.stats() },
    sqs: cloud.sqs.requests(),
    capacity: { ...cloud.dynamodbCalls.consumedCapacity() },
    lambda,
    busy,
    billedMs,
    invocations,
    gbMs,
    dynamodbMs: upstream.ms,
    dynamodbRequests: upstream.requests,
    sandbox,
  };
}

/** What the dev stage's sandboxes consumed between two snapshots, the notification sandbox's records (`sandboxMessageUnits`, from the recorded writes) included. */
function sandboxConsumption(after: Counts, before: Counts, sandboxMessageUnits: number): Consumption {
  const d = diff(after.sandbox, before.sandbox);
  return {
    lambda: { invocations: d.invocations ?? 0, gbSeconds: d.gbSeconds ?? 0 },
    apiRequests: 0,
    dynamodb: { readUnits: d.readUnits ?? 0, writeUnits: (d.writeUnits ?? 0) + sandboxMessageUnits, refusedWrites: 0 },
    sqsRequests: d.sqsRequests ?? 0,
    eventBridgeEntries: 0,
    kmsRequests: 0,
    logBytes: d.logBytes ?? 0,
  };
}

/** The notification sandbox's records among `writes`: their write units, and the messages by channel (what SES and SNS would send). */
function sandboxMessages(writes: readonly RecordedWrite[]): { units: number; byChannel: Record<string, number> } {
  let units = 0;
  const byChannel: Record<string, number> = {};
  for (const write of writes) {
    const item = write.key as { pk?: { S?: string }; channel?: { S?: string } } | undefined;
    if (!/Notifications/.test(write.table) || !item?.pk?.S?.startsWith('SANDBOX#')) continue;
    units += write.units;
    const channel = item.channel?.S ?? 'unknown';
    byChannel[channel] = (byChannel[channel] ?? 0) + 1;
  }
  return { units, byChannel };
}

/** What the system consumed between two snapshots, `apiRequests` being the requests the benchmark sent. */
function consumption(after: Counts, before: Counts, apiRequests: number): Consumption {
  const sum = (r: Record<string, number>) => Object.values(r).reduce((s, v) => s + v, 0);
  const d = (k: keyof Counts) => diff(after[k], before[k]);
  const capacity = d('capacity');
  const lambda = d('lambda');
  return {
    lambda: { invocations: lambda.invocations ?? 0, gbSeconds: lambda.gbSeconds ?? 0 },
    apiRequests,
    dynamodb: { readUnits: capacity.readUnits ?? 0, writeUnits: capacity.writeUnits ?? 0, refusedWrites: capacity.refusedWrites ?? 0 },
    sqsRequests: sum(d('sqs')),
    eventBridgeEntries: d('events').entries ?? 0,
    kmsRequests: sum(d('kms')),
    logBytes: lambda.logBytes ?? 0,
  };
}

/** Replays `requests` against DynamoDB Local with `concurrency` clients; resolves with the seconds it took. */
async function replay(endpoint: string, requests: readonly RecordedRequest[], concurrency: number): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const target = new URL(endpoint);
  const send = (r: RecordedRequest) =>
    new Promise<void>((resolve, reject) => {
      const req = http.request(
        { host: target.hostname, port: target.port, method: 'POST', path: '/', agent, headers: { ...r.headers, 'content-length': String(r.body.length) } },
        (res) => {
          res.resume();
          res.on('end', () => resolve());
        },
      );
      req.on('error', reject);
      req.end(r.body);
    });
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (;;) {
        const i = next++;
        if (i >= requests.length) return;
        await send(requests[i] as RecordedRequest);
      }
    }),
  );
  agent.destroy();
  return (performance.now() - started) / 1000;
}

function diff(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of new Set([...Object.keys(after), ...Object.keys(before)])) {
    const d = (after[key] ?? 0) - (before[key] ?? 0);
    if (d !== 0) out[key] = d;
  }
  return out;
}

function perOrder(counts: Record<string, number>, n: number): string {
  const total = Object.values(counts).reduce((s, v) => s + v, 0);
  const parts = Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .map(([op, v]) => `${op} ${(v / n).toFixed(2)}`);
  return `${(total / n).toFixed(2)}  (${parts.join(', ') || '—'})`;
}

/** A snapshot without its busy times, which move while environments idle (their event loops tick): equal ones mean no call, invocation or request more. */
const countsOnly = ({ busy: _busy, ...counts }: Counts) => JSON.stringify(counts);

/** `name ms, …` for the functions busy at least 5 ms per order, busiest first, with the total. */
function busiest(busy: Record<string, number>, n: number): string {
  const total = Object.values(busy).reduce((s, v) => s + v, 0);
  const parts = Object.entries(busy)
    .filter(([, ms]) => ms / n >= 5)
    .sort((a, b) => b[1] - a[1])
    .map(([name, ms]) => `${short(name)} ${(ms / n).toFixed(0)}`);
  return `${(total / n).toFixed(0)} ms in all — ${parts.join(', ') || '—'}`;
}

/** A function's name without the stack's prefix. */
const short = (name: string) => name.replace(/^[A-Za-z]+-[a-z0-9]+-/, '').replace(/Function$/, '');

/** `name GB-ms, …` per order, largest first (a function's share of Lambda's duration charge), with the total. */
function billedPerOrder(gbMs: Record<string, number>, invocations: Record<string, number>, n: number): string {
  const total = Object.values(gbMs).reduce((s, v) => s + v, 0);
  const parts = Object.entries(gbMs)
    .filter(([, v]) => v / n >= 1)
    .sort((a, b) => b[1] - a[1])
    .map(([name, v]) => `${short(name)} ${(v / n).toFixed(0)} (${((invocations[name] ?? 0) / n).toFixed(2)} invocations)`);
  return `${(total / n).toFixed(0)} GB-ms in all — ${parts.join(', ') || '—'}`;
}

/** A function's short name for the access key its requests are signed with (its role's; several functions of one role are named together). */
function callerNames(cloud: LocalCloud): (accessKey: string | undefined) => string {
  const byKey = new Map<string, string[]>();
  for (const fn of cloud.lambda.functions) if (fn.accessKeyId) byKey.set(fn.accessKeyId, [...(byKey.get(fn.accessKeyId) ?? []), short(fn.name)]);
  return (accessKey) => byKey.get(accessKey ?? '')?.join(' + ') ?? '(not a function: the local cloud or the benchmark)';
}

/** `name ms`, longest first: each name's mean, `totalMs` over `counts` (a function's billed duration per invocation, an operation's round trip). */
function durations(totalMs: Record<string, number>, counts: Record<string, number>): string {
  return Object.entries(totalMs)
    .filter(([name]) => (counts[name] ?? 0) > 0)
    .map(([name, ms]) => [name, ms / (counts[name] ?? 1)] as const)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 12)
    .map(([name, ms]) => `${short(name)} ${ms.toFixed(0)}`)
    .join(', ');
}

async function main(): Promise<void> {
  // The same cloud assembly as `npm start` (cdk.out): bundles are reused when sources are unchanged.
  console.log('synthesizing …');
  const { assemblyDir } = await synthesize();
  // In-memory state, free ports, schedules off: the same local cloud the e2e tests run.
  const cloud = await startLocalCloud({ assemblyDir, meterCapacity: true });
  try {
    await seedDemoData(cloud);
    const api = cloud.endpoints.api;
    const call = async (pathname: string, init: { method?: string; token: string; body?: unknown; headers?: Record<string, string> }) => {
      const response = await fetch(`${api}${pathname}`, {
        method: init.method ?? 'GET',
        headers: { authorization: `Bearer ${init.token}`, ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
      const text = await response.text();
      return { status: response.status, text };
    };

    // A product with enough stock for every order, through the staff API.
    const ops = await cloud.token('bench-ops', ['ops']);
    const sku = `BENCH-${ulid()}`;
    const put = await call(`/admin/products/${sku}`, {
      method: 'PUT',
      token: ops,
      body: { name: 'Benchmark tea', category: 'groceries', price: { amount: price, currency: 'CNY' }, attributes: { weightGrams: 300, valueClass: 'low' }, reason: 'benchmark' },
    });
    if (put.status !== 201) throw new Error(`PUT /admin/products → ${put.status} ${put.text}`);
    for (const warehouseId of ['WH-EAST', 'WH-NORTH', 'WH-SOUTH']) {
      const counted = await call(`/admin/stock/${sku}/${warehouseId}`, { method: 'PUT', token: ops, body: { onHand: (orders + warmup) * 2, reason: 'benchmark' } });
      if (counted.status !== 200) throw new Error(`PUT /admin/stock → ${counted.status} ${counted.text}`);
    }

    // One customer (and device) per order, as in a real shop: a customer may hold only a few unpaid orders at once (SEC-5), and
    // fraud's velocity rules would send a device's sixth order of the day to review, so that no order would take the full path.
    const run = ulid();
    const tokenOf = (i: number) => cloud.token(`bench-customer-${run}-${i}`, ['customer']);
    const body = (i: number) => ({
      items: [{ sku, quantity: 1 }],
      shippingAddress: {
        name: '压测',
        phone: '13800138000',
        line1: `基准路${i}号`,
        city: '上海',
        region: ['east', 'north', 'south'][((i % 3) + 3) % 3],
        postalCode: '200000',
        country: 'CN',
      },
      contactEmail: `bench-${i}@example.cn`,
      payment: method === 'bank_transfer' || method === 'cod' ? { method } : { method, token: 'tok_visa' },
    });

    const place = async (i: number) => {
      const token = await tokenOf(i);
      const started = performance.now();
      const response = await call('/orders', { method: 'POST', token, body: body(i), headers: { 'idempotency-key': ulid(), 'x-device-id': `bench-device-${run}-${i}` } });
      return { status: response.status, ms: performance.now() - started, text: response.text };
    };

    // Warm-up: cold starts of every function on the path (not measured).
    if (warmup > 0) {
      console.log(`warming up (${warmup} orders) …`);
      let w = 0;
      const refused: string[] = [];
      await Promise.all(
        Array.from({ length: Math.min(warmup, clients) }, async () => {
          while (w < warmup) {
            const result = await place(-1 - w++);
            if (result.status !== 201) refused.push(`${result.status} ${result.text.slice(0, 300)}`);
          }
        }),
      );
      // a warm-up order that is not placed warms nothing downstream: the figures would include cold starts
      if (refused.length > 0) throw new Error(`${refused.length} of ${warmup} warm-up orders were not placed; the first: ${refused[0]}`);
      await new Promise((r) => setTimeout(r, 2000));
    }

    console.log(`placing ${orders} orders with ${clients} concurrent clients (payment: ${method}) …`);
    await cloud.dynamodbCalls.meteringSettled();
    const before = snapshot(cloud);
    cloud.dynamodbCalls.startRecording();
    const latencies: number[] = [];
    const statuses = new Map<number, number>();
    let next = 0;
    let firstError: string | undefined;
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const eluBefore = performance.eventLoopUtilization();
    await Promise.all(
      Array.from({ length: clients }, async () => {
        for (;;) {
          const i = next++;
          if (i >= orders) return;
          const result = await place(i);
          latencies.push(result.ms);
          statuses.set(result.status, (statuses.get(result.status) ?? 0) + 1);
          if (result.status !== 201) firstError ??= `${result.status} ${result.text.slice(0, 300)}`;
        }
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const mainBusy = performance.eventLoopUtilization(eluBefore).utilization;
    await cloud.dynamodbCalls.meteringSettled();
    const duringLoad = snapshot(cloud);
    const recorded = cloud.dynamodbCalls.stopRecording();
    cloud.dynamodbCalls.startRecording(); // what the consumers call after the load, for the breakdown

    // Let the asynchronous consumers finish (queues drain), then count again.
    let settled = snapshot(cloud);
    for (let quiet = 0, waited = 0; quiet < 3 && waited < 120; waited++) {
      await new Promise((r) => setTimeout(r, 1000));
      const now = snapshot(cloud);
      quiet = countsOnly(now) === countsOnly(settled) ? quiet + 1 : 0;
      settled = now;
    }
    await cloud.dynamodbCalls.meteringSettled();
    settled = snapshot(cloud);
    if ((settled.capacity.unmeteredTransactions ?? 0) > 0)
      console.log(`  (${settled.capacity.unmeteredTransactions} transactions could not be priced: their write units are missing)`);

    const afterLoad = cloud.dynamodbCalls.stopRecording();
    const writes = cloud.dynamodbCalls.takeRecordedWrites();
    const placed = statuses.get(201) ?? 0;
    const sorted = [...latencies].sort((a, b) => a - b);
    const n = Math.max(1, placed);

    // The cost of what the whole system consumed for these orders (until the consumers settled).
    const used = perUnit(consumption(settled, before, orders), n);
    const cost = costOf(used);
    const perMillion = (dollars: number) => `$${(dollars * 1e6).toFixed(2)}`;
    const services = (c: ReturnType<typeof costOf>) =>
      Object.entries(c)
        .filter(([k, v]) => k !== 'total' && v > 0)
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => `${k} ${perMillion(v)}`)
        .join(', ');
    const costLine = services(cost);
    // The dev stage's sandboxes, which production replaces with Stripe, a carrier, SES and SNS; and the messages SES and SNS would send.
    const messages = sandboxMessages(writes);
    const sandboxCost = costOf(perUnit(sandboxConsumption(settled, before, messages.units), n));
    // The sandbox provider invokes the payment webhook's function directly; Stripe's webhooks arrive through API Gateway, one request each.
    const webhooks = Object.entries(diff(settled.invocations, before.invocations))
      .filter(([name]) => /ReceivePaymentWebhook/.test(name))
      .reduce((sum, [, count]) => sum + count, 0);
    const webhookRequests = (webhooks / n) * PRICES.apiGatewayRestRequest;
    const emails = (messages.byChannel.email ?? 0) / n;
    const texts = (messages.byChannel.sms ?? 0) / n;

    // The same DynamoDB mix straight against DynamoDB Local (no Lambda, no HTTP API, no consumers).
    console.log(`replaying ${recorded.length} DynamoDB requests against DynamoDB Local …`);
    const replaySeconds = await replay(cloud.dynamodbCalls.upstream, recorded, clients);
    const systemRate = placed / elapsed;
    const replayRate = placed / replaySeconds;
    const lines = [
      '',
      `checkout benchmark — ${os.cpus().length} CPUs, Node ${process.version}, ${clients} clients, ${orders} orders, payment ${method}`,
      `  responses:          ${[...statuses].map(([s, c]) => `${s} × ${c}`).join(', ')}`,
      `  throughput:         ${(placed / elapsed).toFixed(1)} orders/s (${elapsed.toFixed(1)} s)`,
      `  CPU during the load: this process (the local cloud — API, queues, buses, every Lambda worker thread, the DynamoDB proxy — and the benchmark's clients) ${((cpu.user + cpu.system) / 1e6 / elapsed).toFixed(2)} cores; its main thread busy ${(100 * mainBusy).toFixed(0)} %`,
      `  POST /orders:       p50 ${figure(percentile(sorted, 50), 0, ' ms')}, p95 ${figure(percentile(sorted, 95), 0, ' ms')}, p99 ${figure(percentile(sorted, 99), 0, ' ms')}, max ${figure(sorted.at(-1), 0, ' ms')}`,
      '  calls per placed order, during the load (all capabilities; counted by the local cloud):',
      `    DynamoDB          ${perOrder(diff(duringLoad.dynamodb, before.dynamodb), n)}`,
      `    KMS               ${perOrder(diff(duringLoad.kms, before.kms), n)}`,
      `    EventBridge       ${perOrder(diff(duringLoad.events, before.events), n)}`,
      '  calls per placed order, after the asynchronous consumers settled:',
      `    DynamoDB          ${perOrder(diff(settled.dynamodb, before.dynamodb), n)}`,
      `    KMS               ${perOrder(diff(settled.kms, before.kms), n)}`,
      `    EventBridge       ${perOrder(diff(settled.events, before.events), n)}`,
      `  consumed per placed order (until settled): Lambda ${used.lambda.invocations.toFixed(2)} invocations, ${(used.lambda.gbSeconds * 1000).toFixed(1)} GB-ms; API ${used.apiRequests.toFixed(2)} requests;`,
      `    DynamoDB ${used.dynamodb.readUnits.toFixed(1)} RRU, ${used.dynamodb.writeUnits.toFixed(1)} WRU (+ ${used.dynamodb.refusedWrites.toFixed(2)} refused writes); SQS ${used.sqsRequests.toFixed(2)} requests; EventBridge ${used.eventBridgeEntries.toFixed(2)} entries; KMS ${used.kmsRequests.toFixed(3)} requests; logs ${(used.logBytes / 1024).toFixed(1)} KB`,
      `  cost (${PRICES_REGION} list prices of ${PRICES_AS_OF}): ${costLine}`,
      `  cost: ${perMillion(cost.total)} per million orders`,
      `    of which the dev stage's sandboxes (payment provider: table, queue, worker; the notification sandbox's records), which production does not run: ${perMillion(sandboxCost.total)} (${services(sandboxCost) || '—'}); without them, and with an API Gateway request per provider webhook (${perMillion(webhookRequests)}), ${perMillion(cost.total - sandboxCost.total + webhookRequests)} per million orders`,
      `    not in the figure: the customer messages production sends instead — ${emails.toFixed(2)} emails per order (SES, ${perMillion(emails * PRICES.sesEmail)} per million orders) and ${texts.toFixed(2)} SMS (SNS, priced by destination country)`,
      `  replay:             DynamoDB Local alone runs the same ${recorded.length} requests in ${replaySeconds.toFixed(1)} s = ${replayRate.toFixed(1)} orders/s; system ÷ replay = ${((100 * systemRate) / replayRate).toFixed(0)} %`,
      `  Lambda workers' time per placed order during the load (event loop active, ms, which includes waiting for a core; ≥ 5): ${busiest(diff(duringLoad.busy, before.busy), n)}`,
      `    mean billed duration during the load (ms per invocation): ${durations(diff(duringLoad.billedMs, before.billedMs), diff(duringLoad.invocations, before.invocations))}`,
      `    billed per placed order, until settled (≥ 1 GB-ms): ${billedPerOrder(diff(settled.gbMs, before.gbMs), diff(settled.invocations, before.invocations), n)}`,
      `    cold starts during the load: ${(duringLoad.lambda.coldStarts ?? 0) - (before.lambda.coldStarts ?? 0)}`,
      `  DynamoDB round trip from the proxy during the load (ms; DynamoDB Local's answer, queueing in the proxy included): ${durations(diff(duringLoad.dynamodbMs, before.dynamodbMs), diff(duringLoad.dynamodbRequests, before.dynamodbRequests))}`,
      '  DynamoDB calls and write units per placed order by calling function (until settled; the access key each request was signed with):',
      ...callerBreakdown([...recorded, ...afterLoad], writes, n, callerNames(cloud)).map((line) => `    ${line}`),
      '  DynamoDB calls per placed order by operation, table and item kind (until settled; transactions list their items):',
      ...breakdown([...recorded, ...afterLoad], n).map((line) => `    ${line}`),
      '  DynamoDB write units per placed order by operation, table and item kind (until settled; ≥ 0.5 per order):',
      ...writeUnitsBreakdown(writes, n).map((line) => `    ${line}`),
      ...(firstError ? [`  first non-201:      ${firstError}`] : []),
      '',
    ];
    console.log(lines.join('\n'));
  } finally {
    await cloud.stop();
  }
}

await main();
