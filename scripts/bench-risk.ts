/**
 * `npm run bench:risk` — how fast one risk assessment is on the local cloud (RISK-1; RISK-5 asks for
 * the false-positive rate "at peak load", which needs assessments to keep up with peak orders).
 *
 * Synthesizes the app, starts a local cloud (in-memory state, free ports) with its demo data,
 * warms the assessment function, then invokes it directly — an SQS-shaped event carrying one
 * `OrderPlaced` EventBridge event per record, as the event source mapping delivers it — and prints:
 *  - warm latency of one assessment (one record per invocation, sequential): p50 / p90 / p99;
 *  - throughput: assessments per second with several invocations in flight, one record each, and
 *    with batches of 10 records (the event source mapping's batch size).
 * Every order is new (unique ids and signals) and ordinary (approved, no warning), so each
 * assessment does the full work: velocity transaction, signal/blocklist/profile reads, rule
 * evaluation, the assessment transaction and the decision event. Numbers are for this machine and
 * DynamoDB Local; they are printed, never asserted.
 *
 * Options (environment): BENCH_WARMUP (default 30), BENCH_SAMPLES (300), BENCH_THROUGHPUT (600),
 * BENCH_CONCURRENCY (4: invocations in flight; a 10-record batch runs its records concurrently).
 */
import os from 'node:os';
import { ulid } from 'ulid';
import { OrderPlaced } from '../events/order-placed.ts';
import { startLocalCloud } from '../infra/local/cloud.ts';
import { seedDemoData } from '../infra/local/seed.ts';
import { synthesize } from '../infra/local/synth.ts';
import { figure, percentile } from './stats.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const int = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
};
const WARMUP = int('BENCH_WARMUP', 30);
const SAMPLES = int('BENCH_SAMPLES', 300);
const THROUGHPUT = int('BENCH_THROUGHPUT', 600);
const CONCURRENCY = int('BENCH_CONCURRENCY', 4);
const FUNCTION = 'AssessOrderFunction';

const hex = (seed: string) => Buffer.from(seed).toString('hex').padEnd(64, '0').slice(0, 64);

/** An SQS record carrying a fresh, ordinary OrderPlaced event. */
function record() {
  const orderId = ulid();
  const now = new Date();
  const money = { amount: 12_800, currency: 'CNY' };
  const detail = {
    version: 1,
    ...OrderPlaced.example,
    orderId,
    customerId: `bench-${orderId}`,
    paymentMethod: 'bank_transfer',
    lines: [{ sku: 'TEA-LONGJING-250G', quantity: 1, category: 'tea', unitPrice: money, lineTotal: money }],
    subtotal: money,
    discountTotal: { amount: 0, currency: 'CNY' },
    shippingFee: { amount: 0, currency: 'CNY' },
    total: money,
    amountDue: money,
    couponCode: undefined,
    placedAt: now.toISOString(),
    paymentDueBy: new Date(now.getTime() + 1_800_000).toISOString(),
    riskSignals: {
      emailDomain: 'example.cn',
      emailHash: hex(`e${orderId}`),
      phoneHash: hex(`p${orderId}`),
      addressHash: hex(`a${orderId}`),
      deviceId: `dev-${orderId}`,
      ipHash: hex(`i${orderId}`),
      paymentFingerprint: hex(`f${orderId}`),
    },
    meta: { correlationId: `bench-${orderId}`, occurredAt: now.toISOString(), eventId: ulid() },
  };
  const body = JSON.stringify({
    version: '0',
    id: ulid(),
    'detail-type': OrderPlaced.name,
    source: OrderPlaced.source,
    account: '000000000000',
    time: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: 'us-east-1',
    resources: [],
    detail,
  });
  return {
    messageId: ulid(),
    receiptHandle: 'bench',
    body,
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(now.getTime()), SenderId: 'bench', ApproximateFirstReceiveTimestamp: String(now.getTime()) },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:bench',
    awsRegion: 'us-east-1',
  };
}

const ms = (x: number | undefined) => figure(x, 1, ' ms');

console.log(`bench:risk — ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), Node ${process.version}`);
const synthStarted = Date.now();
// cdk.out, as npm run build and bench:checkout use it: an assembly they left is reused as it is.
const { assemblyDir } = await synthesize();
console.log(`synthesized in ${((Date.now() - synthStarted) / 1000).toFixed(1)} s; starting the local cloud…`);
const cloud = await startLocalCloud({ assemblyDir, defaultConcurrency: Math.max(CONCURRENCY, 8) });
try {
  await seedDemoData(cloud);
  const fn = cloud.lambda.functions.find((f) => f.logicalId === FUNCTION);
  if (!fn) throw new Error(`${FUNCTION} is not in the stack`);
  const invoke = async (records: number) => {
    const started = performance.now();
    const result = await cloud.lambda.invoke(fn.name, { Records: Array.from({ length: records }, record) });
    const elapsed = performance.now() - started;
    if (result.status !== 'ok') throw new Error(`${FUNCTION} failed: ${JSON.stringify(result)}`);
    const failures = (result.payload as { batchItemFailures?: unknown[] } | null)?.batchItemFailures ?? [];
    if (failures.length > 0) throw new Error(`${FUNCTION} reported ${failures.length} failed record(s)`);
    return elapsed;
  };

  // Warm-up: start execution environments, load the bundle, fill connection pools and the rule cache.
  await Promise.all(Array.from({ length: Math.max(CONCURRENCY, 1) }, () => invoke(1)));
  for (let i = 0; i < WARMUP; i++) await invoke(1);

  // Warm latency of one assessment: sequential invocations, one record each.
  const latencies: number[] = [];
  for (let i = 0; i < SAMPLES; i++) latencies.push(await invoke(1));
  latencies.sort((a, b) => a - b);
  console.log('');
  console.log(`one assessment, warm (${SAMPLES} sequential invocations of 1 record, after ${WARMUP} warm-up):`);
  console.log(`  p50 ${ms(percentile(latencies, 50))}   p90 ${ms(percentile(latencies, 90))}   p99 ${ms(percentile(latencies, 99))}   max ${ms(latencies.at(-1))}`);

  // Throughput: CONCURRENCY invocations in flight; one record each, then batches of 10.
  const throughput = async (recordsPerInvocation: number) => {
    const invocations = Math.ceil(THROUGHPUT / recordsPerInvocation);
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < invocations) {
          next++;
          await invoke(recordsPerInvocation);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    return (invocations * recordsPerInvocation) / seconds;
  };
  console.log(`throughput (${THROUGHPUT} orders, ${CONCURRENCY} invocations in flight):`);
  console.log(`  1 record per invocation:    ${(await throughput(1)).toFixed(0)} assessments/s`);
  console.log(`  10 records per invocation:  ${(await throughput(10)).toFixed(0)} assessments/s`);
  console.log('(DynamoDB Local and the local Lambda runtime on this machine; on AWS, DynamoDB latency and Lambda scaling differ.)');
} finally {
  await cloud.stop();
}
