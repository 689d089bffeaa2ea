/**
 * `npm start` synthesizes without bundling and the local cloud builds each function's bundle the
 * first time the function runs (issue 15: a fresh clone is ready without bundling ~100 functions
 * first). Here on the real app: concurrent first invocations share one build, the bundle lands in
 * the assembly under its asset hash (the next start finds it), untouched functions stay unbuilt.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startLocalCloud, type LocalCloud } from '../../../infra/local/cloud.ts';

// the bundler, watched: a bundle already in the assembly must not load it (it brings the whole CDK app)
const bundler = vi.hoisted(() => ({ builds: 0 }));
vi.mock('../../../infra/prebundle.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../../infra/prebundle.ts')>();
  return {
    ...actual,
    buildBundles: (...args: Parameters<typeof actual.buildBundles>) => {
      bundler.builds++;
      return actual.buildBundles(...args);
    },
  };
});
import { assemblyKey, reusable, synthesize, type SynthResult } from '../../../infra/local/synth.ts';

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'on-demand-'));
let synth: SynthResult;
let cloud: LocalCloud;
const log: string[] = [];

beforeAll(async () => {
  synth = await synthesize({ outdir, bundle: 'on-demand' });
  cloud = await startLocalCloud({ assemblyDir: synth.assemblyDir, bundles: synth.bundles, log: (line) => log.push(line) });
}, 180_000);
afterAll(async () => {
  await cloud?.stop();
  fs.rmSync(outdir, { recursive: true, force: true });
});

const assetOf = (logicalId: string) => {
  const fn = cloud.lambda.functions.find((f) => f.logicalId === logicalId);
  if (!fn) throw new Error(`no function ${logicalId}`);
  return fn.codeDir;
};

describe('bundles built on demand (npm start)', () => {
  it('synthesizes with no bundle built and a plan for every function', () => {
    expect(synth.bundles?.length).toBeGreaterThan(50);
    expect(fs.readdirSync(outdir).filter((name) => /^asset\.[0-9a-f]{64}$/.test(name) && fs.existsSync(path.join(outdir, name, 'index.mjs')))).toEqual([]);
  });

  it('builds a function’s bundle at its first invocation, once for concurrent callers, and keeps it', async () => {
    const health = assetOf('GetHealthFunction');
    expect(fs.existsSync(health)).toBe(false);
    const event = { httpMethod: 'GET', path: '/health', resource: '/health', headers: {}, requestContext: { requestId: 'r', identity: { sourceIp: '127.0.0.1' } } };
    const results = await Promise.all([1, 2, 3].map(() => cloud.lambda.invoke('GetHealthFunction', event)));
    for (const result of results) expect(result).toMatchObject({ status: 'ok', payload: { statusCode: 200 } });
    expect(fs.existsSync(path.join(health, 'index.mjs'))).toBe(true);
    expect(log.filter((line) => line.includes('functions/platform/handlers/get-health.ts'))).toHaveLength(1);
    // a function nobody ran has no bundle
    expect(fs.existsSync(assetOf('PlaceOrderFunction'))).toBe(false);
    expect(fs.readdirSync(outdir).filter((name) => name.includes('-building'))).toEqual([]);
  }, 120_000);

  it('a function whose bundle the assembly holds (built by an earlier start) starts without the bundler', async () => {
    const before = bundler.builds;
    const second = await startLocalCloud({ assemblyDir: synth.assemblyDir, bundles: synth.bundles, dynamodbInMemory: true });
    try {
      const event = { httpMethod: 'GET', path: '/health', resource: '/health', headers: {}, requestContext: { requestId: 'r', identity: { sourceIp: '127.0.0.1' } } };
      expect(await second.lambda.invoke('GetHealthFunction', event)).toMatchObject({ status: 'ok', payload: { statusCode: 200 } });
      expect(bundler.builds).toBe(before);
    } finally {
      await second.stop();
    }
  }, 120_000);

  it('reuses the assembly when nothing it was made from changed, and not once something wrote over it or an input changed', async () => {
    const again = await synthesize({ outdir, bundle: 'on-demand' });
    expect(again.reused).toBe(true);
    expect(again.bundles).toEqual(synth.bundles);
    expect(again.stackName).toBe(synth.stackName);
    const inputs = assemblyKey('dev', 'on-demand');
    expect(reusable(outdir, inputs)).toBeDefined();
    // any other input (a source, the CDK app, the lock file) makes another key
    expect(reusable(outdir, `${inputs}x`)).toBeUndefined();
    // another synthesis into the same directory (e.g. `npx cdk synth -c stage=prod`) changes a template or the manifest
    const template = fs.readdirSync(outdir).find((name) => name.endsWith('.nested.template.json')) as string;
    const before = fs.readFileSync(path.join(outdir, template), 'utf8');
    fs.writeFileSync(path.join(outdir, template), `${before}\n`);
    expect(reusable(outdir, inputs)).toBeUndefined();
    fs.writeFileSync(path.join(outdir, template), before);
    expect(reusable(outdir, inputs)).toBeDefined();
  });
});
