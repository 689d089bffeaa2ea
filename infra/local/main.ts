/**
 * `npm start`: synthesizes the CDK app and runs the cloud assembly on this machine — DynamoDB
 * Local, API Gateway on http://localhost:3000 (PORT changes it), Lambda workers, EventBridge, SQS,
 * KMS and schedules — with state under `.data/` (survives restarts; `npm start -- --reset` wipes
 * it), seeds the demo catalog once, and prints the endpoints and ready-to-use tokens.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { DynamoDbLocal } from './dynamodb-local.ts';

const started = Date.now();
// The SDK's own switch for just its "NodeVersionSupportWarning" (it asks for Node 22; the local cloud
// runs on Node 20 and the functions' runtime is nodejs22.x anyway). Other warnings still print.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const USAGE = `usage: npm start [-- --reset]

Runs the whole app on this machine (DynamoDB Local, API Gateway, Lambda, EventBridge, SQS, KMS,
schedules) with its state in .data/, and prints the endpoints and tokens when it is ready.

options:
  --reset    wipe .data/ (tables, queues, keys, function logs) before starting
  -h, --help print this help

environment:
  PORT                  API Gateway port (default 3000)
  LOCAL_AWS_PORT        SQS, EventBridge, KMS and Lambda endpoint port (default 4566)
  LOCAL_DYNAMODB_PORT   DynamoDB endpoint port (default 8000)`;

let args: { reset?: boolean; help?: boolean };
try {
  args = parseArgs({ options: { reset: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, strict: true }).values;
} catch (error) {
  console.error(`local cloud: ${(error as Error).message}\n\n${USAGE}`);
  process.exit(2);
}
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
const port = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 0 || value > 65_535) {
    console.error(`local cloud: ${name}=${process.env[name]} is not a port number`);
    process.exit(2);
  }
  return value;
};
const ports = { apiPort: port('PORT', 3000), awsPort: port('LOCAL_AWS_PORT', 4566), dynamodbPort: port('LOCAL_DYNAMODB_PORT', 8000) };
const dataDir = path.resolve(import.meta.dirname, '../../.data');
if (args.reset) {
  fs.rmSync(dataDir, { recursive: true, force: true });
  console.log('local cloud: .data/ wiped');
}
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

// DynamoDB Local's JVM starts while the app synthesizes (it is the slowest service to start).
let dynamoDbLocal: Promise<DynamoDbLocal> | undefined;
try {
  // loaded after the arguments are checked: the CDK app takes a moment to load
  const { startDynamoDbLocal } = await import('./dynamodb-local.ts');
  fs.mkdirSync(dataDir, { recursive: true });
  dynamoDbLocal = startDynamoDbLocal({ dataDir: path.join(dataDir, 'dynamodb') });
  dynamoDbLocal.catch(() => undefined); // its failure is reported where the cloud awaits it
  const [{ synthesize }, { startLocalCloud }, { seedDemoData, buildSeederBundles }] = await Promise.all([import('./synth.ts'), import('./cloud.ts'), import('./seed.ts')]);
  const synthStarted = Date.now();
  // Each function's bundle is built the first time it runs (kept in cdk.out for the next start).
  const synth = await synthesize({ bundle: 'on-demand' });
  const synthMs = Date.now() - synthStarted;
  console.log(
    synth.reused
      ? `local cloud: ${synth.stackName} unchanged since its last synthesis: reused cdk.out (${seconds(synthMs)})`
      : `local cloud: synthesized ${synth.stackName} in ${seconds(synthMs)}`,
  );
  const cloudStarted = Date.now();
  // the seeders' bundles are built while the services start (a failure here is reported when a seeder runs)
  const seederBundles = synth.bundles ? buildSeederBundles(synth.assemblyDir, synth.bundles).catch(() => undefined) : undefined;
  const cloud = await startLocalCloud({
    assemblyDir: synth.assemblyDir,
    dataDir,
    ...ports,
    schedules: true,
    bundles: synth.bundles,
    dynamoDbLocal,
    log: (line) => console.log(`local cloud: ${line}`),
  });
  const cloudMs = Date.now() - cloudStarted;
  const seedStarted = Date.now();
  await seederBundles;
  const seeded = await seedDemoData(cloud);
  const seedMs = Date.now() - seedStarted;
  const endpoints = {
    api: cloud.endpoints.api.replace('127.0.0.1', 'localhost'),
    dynamodb: cloud.endpoints.dynamodb,
    sqs: cloud.endpoints.sqs,
    events: cloud.endpoints.events,
    kms: cloud.endpoints.kms,
    lambda: cloud.endpoints.lambda,
  };
  fs.writeFileSync(path.join(dataDir, 'endpoints.json'), JSON.stringify(endpoints, null, 2));
  const customer = await cloud.token('demo-customer', ['customer']);
  const ops = await cloud.token('demo-ops', ['ops']);
  console.log(`local cloud: ready in ${seconds(Date.now() - started)} (synth ${seconds(synthMs)}, services ${seconds(cloudMs)}, demo data ${seconds(seedMs)}: ${seeded ? 'seeded now' : 'already present'})

  API          ${endpoints.api}        (try: curl ${endpoints.api}/health  ·  ${endpoints.api}/products)
  OpenAPI      ${endpoints.api}/openapi.json
  Console      ${endpoints.api}/console/     (staff console; the local sign-in asks for a user name and staff roles)
  Function logs .data/logs/<function>.log

Point the AWS CLI or an SDK at the local services:
${Object.entries(cloud.sdkEnv)
  .map(([k, v]) => `  export ${k}=${v}`)
  .join('\n')}

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
  const e = error as NodeJS.ErrnoException & { port?: number };
  const hint = e.code === 'EADDRINUSE' ? ` (another local cloud? choose free ports with PORT, LOCAL_AWS_PORT and LOCAL_DYNAMODB_PORT; see npm start -- --help)` : '';
  console.error(`local cloud: could not start: ${e.message}${hint}`);
  await dynamoDbLocal?.then((d) => d.stop()).catch(() => undefined);
  process.exit(1);
}
