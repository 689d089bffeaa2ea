/**
 * `npm start`: synthesizes the CDK app and runs the cloud assembly on this machine — DynamoDB
 * Local, API Gateway on http://localhost:3000 (PORT changes it), Lambda workers, EventBridge, SQS,
 * KMS and schedules — with state under `.data/` (survives restarts; `npm start -- --reset` wipes
 * it), seeds the demo catalog once, and prints the endpoints and ready-to-use tokens.
 */
import fs from 'node:fs';
import path from 'node:path';
import { synthesize, PROJECT_ROOT } from './synth.ts';
import { startLocalCloud } from './cloud.ts';
import { seedDemoData } from './seed.ts';

const started = Date.now();
const args = new Set(process.argv.slice(2));
if (args.has('--help')) {
  console.log('usage: npm start [-- --reset]\n  --reset  wipe .data/ (tables, queues, keys, logs) before starting\n  PORT     API port (default 3000)');
  process.exit(0);
}
const dataDir = path.join(PROJECT_ROOT, '.data');
if (args.has('--reset')) {
  fs.rmSync(dataDir, { recursive: true, force: true });
  console.log('local cloud: .data/ wiped');
}

try {
  const synth = await synthesize();
  console.log(`local cloud: synthesized ${synth.stackName} in ${synth.milliseconds} ms`);
  const cloud = await startLocalCloud({
    assemblyDir: synth.assemblyDir,
    dataDir,
    apiPort: Number(process.env.PORT ?? 3000),
    awsPort: Number(process.env.LOCAL_AWS_PORT ?? 4566),
    dynamodbPort: Number(process.env.LOCAL_DYNAMODB_PORT ?? 8000),
    schedules: true,
    log: (line) => console.log(`local cloud: ${line}`),
  });
  const seeded = await seedDemoData(cloud);
  const endpoints = { api: cloud.endpoints.api.replace('127.0.0.1', 'localhost'), dynamodb: cloud.endpoints.dynamodb, sqs: cloud.endpoints.sqs, events: cloud.endpoints.events, kms: cloud.endpoints.kms, lambda: cloud.endpoints.lambda };
  fs.writeFileSync(path.join(dataDir, 'endpoints.json'), JSON.stringify(endpoints, null, 2));
  const customer = await cloud.token('demo-customer', ['customer']);
  const ops = await cloud.token('demo-ops', ['ops']);
  console.log(`
The platform is running (ready in ${((Date.now() - started) / 1000).toFixed(1)} s; demo data ${seeded ? 'seeded now' : 'already present'}).

  API          ${endpoints.api}        (try: curl ${endpoints.api}/health  ·  ${endpoints.api}/products)
  OpenAPI      ${endpoints.api}/openapi.json
  Function logs .data/logs/<function>.log

Point the AWS CLI or an SDK at the local services:
${Object.entries(cloud.sdkEnv).map(([k, v]) => `  export ${k}=${v}`).join('\n')}

Tokens (valid 1 h; mint more with: npm run token -- --sub alice --role customer):
  customer  export CUSTOMER_TOKEN=${customer}
  ops       export OPS_TOKEN=${ops}

Ctrl-C stops it; state stays in .data/ (npm start -- --reset wipes it).`);

  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nlocal cloud: stopping…');
    await cloud.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
} catch (error) {
  console.error(`local cloud: could not start: ${(error as Error).message}`);
  process.exit(1);
}
