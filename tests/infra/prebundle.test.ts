/**
 * The prebundler (infra/prebundle.ts) must produce exactly what NodejsFunction would: deployed and
 * local bundles are the same files whichever of the two built them.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { build, type BuildOptions } from 'esbuild';
import { afterAll, expect, it } from 'vitest';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { PROJECT_ROOT, ServiceFunction } from '../../infra/constructs/service-function.ts';
import { esbuildOptions, plannedBundles } from '../../infra/prebundle.ts';
import { stageSettings } from '../../infra/stage.ts';
import { createApp } from '../../infra/create-app.ts';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'prebundle-test-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

it('builds byte-identical bundles and source maps to NodejsFunction', async () => {
  const entry = 'functions/catalog/handlers/get-product.ts'; // a function with an SDK client (the health check has none)
  const app = new App({ outdir: path.join(work, 'cdk'), context: { 'aws:cdk:enable-asset-metadata': true } });
  const stack = new Stack(app, 'PrebundleTest');
  new ServiceFunction(stack, 'Fn', {
    entry,
    description: 'test',
    stage: stageSettings('dev'),
    logGroup: new LogGroup(stack, 'Logs'),
    asyncFailures: new SqsDestination(new Queue(stack, 'Q')),
  });
  const template = app.synth().getStackByName('PrebundleTest').template as { Resources: Record<string, { Type: string; Metadata?: Record<string, string> }> };
  const fn = Object.values(template.Resources).find((r) => r.Type === 'AWS::Lambda::Function');
  const cdkBundle = path.join(work, 'cdk', String(fn?.Metadata?.['aws:asset:path']));

  const ours = path.join(work, 'ours');
  const assetDir = `${path.basename(cdkBundle)}-building`;
  await build({ ...esbuildOptions(), entryPoints: { [`${assetDir}/index`]: path.join(PROJECT_ROOT, entry) }, outdir: ours });
  for (const file of ['index.mjs', 'index.mjs.map']) {
    expect(fs.readFileSync(path.join(ours, assetDir, file)).equals(fs.readFileSync(path.join(cdkBundle, file))), file).toBe(true);
  }
  // Issue 15: the SDK's credential chain is Lambda's environment only (shared/lambda-credentials.ts), and no X-Ray SDK.
  const inputs = Object.keys((JSON.parse(fs.readFileSync(path.join(cdkBundle, 'index.meta.json'), 'utf8')) as { inputs: Record<string, unknown> }).inputs);
  expect(inputs).toContain('shared/lambda-credentials.ts');
  expect(inputs.filter((input) => /credential-provider-(node|ini|sso|process|web-identity)|nested-clients|aws-xray-sdk/.test(input))).toEqual([]);
});

/** Bundles project entries (`{ '<name>/index': '<path from the project root>' }`) as the functions are, into `<work>/<dir>`. */
const bundle = (entries: Record<string, string>, dir: string, options: BuildOptions = {}) =>
  build({
    ...esbuildOptions(),
    entryPoints: Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, path.join(PROJECT_ROOT, v)])),
    outdir: path.join(work, dir),
    ...options,
  });

/** Runs `fn` with the context the CDK CLI hands the app in `npx cdk synth` (CDK_CONTEXT_JSON). */
function asTheCdkCli<T>(fn: () => T): T {
  const before = process.env.CDK_CONTEXT_JSON;
  process.env.CDK_CONTEXT_JSON = JSON.stringify({ 'aws:cdk:version-reporting': true, 'aws:cdk:bundling-stacks': ['**'] });
  try {
    return fn();
  } finally {
    if (before === undefined) delete process.env.CDK_CONTEXT_JSON;
    else process.env.CDK_CONTEXT_JSON = before;
  }
}

it('plans without bundling even when the CDK CLI asks for every stack to be bundled', () => {
  // The CLI's context once overrode the planning pass's "bundle nothing": `cdk synth` then bundled
  // every function one by one, twice.
  const { app } = asTheCdkCli(() => createApp({ outdir: path.join(work, 'context'), checks: false, context: { 'aws:cdk:bundling-stacks': [] } }));
  expect(app.node.tryGetContext('aws:cdk:bundling-stacks')).toEqual([]);
  expect(app.node.tryGetContext('aws:cdk:version-reporting')).toBe(true);
});

it('plans every function of an assembly as the CDK CLI synthesizes it (version reporting adds template Conditions)', () => {
  // `npx cdk synth` turns on version reporting: each stack gets a CDKMetadata resource under a
  // Condition. Planning once refused such templates, so `cdk synth` failed on every clean clone.
  for (const stage of ['dev', 'prod']) {
    const outdir = path.join(work, `plan-${stage}`);
    const plan = asTheCdkCli(() => plannedBundles(outdir, stage, {}));
    const functions = new Set(ServiceFunction.entries.values());
    expect(plan.length).toBeGreaterThan(40);
    expect(new Set(plan.map((p) => p.entry))).toEqual(functions);
    expect(plan.every((p) => /^[0-9a-f]{64}$/.test(p.assetHash))).toBe(true);
  }
});

it('bundles no Stripe SDK: the payments functions that call Stripe have its client over fetch, the others no provider at all (issue 15)', async () => {
  const entries = {
    'reads/index': 'functions/payments/handlers/get-order-payment.ts',
    'cod/index': 'functions/payments/handlers/record-cod-remittance.ts',
    'authorize/index': 'functions/payments/handlers/authorize-payment.ts',
  };
  const result = await bundle(entries, 'stripe-check', { write: false });
  const inputsOf = (name: string) => {
    const output = Object.entries(result.metafile?.outputs ?? {}).find(([file]) => file.endsWith(`${name}/index.mjs`))?.[1];
    expect(output, name).toBeDefined();
    return Object.keys(output?.inputs ?? {});
  };
  for (const name of ['reads', 'cod', 'authorize']) expect(inputsOf(name).filter((input) => input.includes('node_modules/stripe/'))).toEqual([]);
  expect(inputsOf('authorize')).toContain('functions/payments/provider/stripe/stripe-http-client.ts');
  expect(inputsOf('reads')).not.toContain('functions/payments/provider/stripe/stripe-http-client.ts');
  expect(inputsOf('cod')).not.toContain('functions/payments/provider/from-env.ts');
});

it("issue 15: a one-route function's bundle builds its route's schemas at init; a dispatcher's builds none until a route's first request", async () => {
  // What the unit tests cannot see: vitest evaluates modules one import at a time, a bundle at once
  // (shared/http/handler.ts: the stack's microtask runs after the dispatcher has deferred it).
  const entries = {
    'one/index': 'functions/returns/handlers/get-return.ts',
    'dispatcher/index': 'functions/fraud/handlers/serve-risk-commands.ts',
    'returns-dispatcher/index': 'functions/returns/handlers/return-queries.ts',
  };
  const out = path.join(work, 'route-stacks');
  await bundle(entries, 'route-stacks', { sourcemap: false });
  /** Zod schemas built by importing the bundle in a fresh process (zod's construction hook), and after a first request to `resource` if given. */
  const schemas = (name: string, request?: { method: string; resource: string }) => {
    const file = JSON.stringify(path.join(out, name, 'index.mjs'));
    const call = request
      ? `await handler({ httpMethod: ${JSON.stringify(request.method)}, resource: ${JSON.stringify(request.resource)}, path: '/', headers: {}, body: null, pathParameters: null, queryStringParameters: null, requestContext: {} }, { functionName: 'f', awsRequestId: 'r', getRemainingTimeInMillis: () => 10000 });`
      : '';
    const script = `let n = 0; globalThis.__zod_globalConfig = { postProcessor() { n++; } }; const { handler } = await import(${file}); const atInit = n; ${call} console.log(JSON.stringify([atInit, n]));`;
    const env = {
      PATH: process.env.PATH,
      STAGE: 'dev',
      AWS_REGION: 'us-east-1',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8' })) as [number, number];
  };
  expect(schemas('one')[0]).toBeGreaterThan(0); // its path schema, before any request
  expect(schemas('dispatcher')[0]).toBe(0); // was 140: twelve routes' schemas
  expect(schemas('returns-dispatcher')[0]).toBe(0);
  // A route's first request builds that route's stack (the request itself is refused: no token).
  const [atInit, afterRequest] = schemas('dispatcher', { method: 'POST', resource: '/admin/reviews/{orderId}' });
  expect(atInit).toBe(0);
  expect(afterRequest).toBeGreaterThan(0);
}, 120_000);
