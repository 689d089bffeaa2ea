/**
 * Synthesizes the CDK app in-process into a cloud assembly directory (what `npx cdk synth` does,
 * without the CLI's start-up cost). cdk-nag runs as part of it (except for `npm start`'s on-demand
 * assembly); its errors fail the synthesis.
 *
 * An assembly synthesized from the very same inputs in the same mode is reused as it is:
 * `local-synthesis.json` in the assembly records the hash of everything it was made from
 * (infra/source-hash.ts) and of its manifest and templates, so a warm `npm start` loads no CDK at all,
 * and any change — a source, the CDK app, the lock file, or another synthesis (e.g. `npx cdk synth -c
 * stage=prod`) into the same directory — synthesizes again.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Plan } from '../prebundle.ts';
import { assemblyInputsKey } from '../source-hash.ts';

export const PROJECT_ROOT = path.resolve(import.meta.dirname, '../..');

/** Where the test suites synthesize (bundles cached across runs; separate from `npm start`'s cdk.out). */
export const TEST_ASSEMBLY_DIR = path.join(PROJECT_ROOT, '.cdk.test.out');

export interface SynthResult {
  assemblyDir: string;
  stackName: string;
  milliseconds: number;
  /** `bundle: 'on-demand'`: every function's bundle, to be built by the local cloud when the function first runs. */
  bundles?: Plan;
  /** `bundle: 'on-demand'`: the assembly already in the directory was made from the same inputs and is used as it is. */
  reused?: boolean;
}

/**
 * `true` (default): every function bundled before the synthesis (one esbuild run for all missing
 * bundles); `false`: no bundles (the template only); `'on-demand'`: no bundles now, but the plan of
 * them in the result — the local cloud builds each one the first time its function runs
 * (`npm start`: ready in seconds on a fresh clone instead of bundling ~100 functions first).
 */
export type BundleMode = boolean | 'on-demand';

/**
 * Holds an exclusive lock on `outdir` while `fn` runs, so concurrent synthesizers (two test runs,
 * `npm start` and a test run) never write one assembly at the same time. A lock older than two
 * minutes is taken as stale (its holder died).
 */
async function withAssemblyLock<T>(outdir: string, fn: () => Promise<T>): Promise<T> {
  const lock = `${outdir}.lock`;
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 120_000) fs.rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`Timed out waiting for the synthesis lock ${lock}`);
      else await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

const REUSE_FILE = 'local-synthesis.json';

export interface ReuseRecord {
  inputs: string;
  manifest: string;
  stackName: string;
  bundles: Plan;
}

/** A hash of the assembly's manifest and templates (another synthesis into the directory changes it). */
const manifestHash = (outdir: string): string | undefined => {
  if (!fs.existsSync(path.join(outdir, 'manifest.json'))) return undefined;
  const hash = crypto.createHash('sha256');
  for (const file of fs
    .readdirSync(outdir)
    .filter((name) => name === 'manifest.json' || name.endsWith('.template.json'))
    .sort())
    hash.update(file).update(fs.readFileSync(path.join(outdir, file)));
  return hash.digest('hex');
};

/** The key of an assembly's inputs: sources, CDK app, stage, bundle mode, and the context the CDK CLI hands an app through the environment. */
export function assemblyKey(stage: string, mode: BundleMode): string {
  return assemblyInputsKey(stage, { bundle: mode, cliContext: process.env.CDK_CONTEXT_JSON ?? null, contextFile: process.env.CONTEXT_OVERFLOW_LOCATION_ENV ?? null });
}

/** The assembly in `outdir` if it was synthesized from exactly these inputs and nothing wrote over it since. */
export function reusable(outdir: string, inputs: string): ReuseRecord | undefined {
  try {
    const record = JSON.parse(fs.readFileSync(path.join(outdir, REUSE_FILE), 'utf8')) as ReuseRecord;
    return record.inputs === inputs && record.manifest === manifestHash(outdir) ? record : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Synthesizes the app into `outdir` (default `cdk.out`) — unless the assembly there was made from the
 * very same inputs in the same mode and nothing wrote over it (and, with bundles, every bundle is
 * there): then it is used as it is (`reused`), and no CDK code is even loaded.
 */
export async function synthesize(options: { outdir?: string; stage?: string; bundle?: BundleMode } = {}): Promise<SynthResult> {
  const started = Date.now();
  const outdir = options.outdir ?? path.join(PROJECT_ROOT, 'cdk.out');
  const stage = options.stage ?? 'dev';
  const mode: BundleMode = options.bundle ?? true;
  return withAssemblyLock(outdir, async () => {
    const inputs = assemblyKey(stage, mode);
    const cached = reusable(outdir, inputs);
    const bundlesThere = (plan: Plan) => plan.every((b) => fs.existsSync(path.join(outdir, `asset.${b.assetHash}`, 'index.mjs')));
    if (cached && (mode !== true || bundlesThere(cached.bundles))) {
      return { assemblyDir: outdir, stackName: cached.stackName, ...(mode === 'on-demand' ? { bundles: cached.bundles } : {}), milliseconds: Date.now() - started, reused: true };
    }
    fs.rmSync(path.join(outdir, REUSE_FILE), { force: true });
    const { bundlePlanOf, prebundle, savePlan } = await import('../prebundle.ts');
    // One esbuild run for all missing bundles; the synthesis below then finds them cached.
    if (mode === true) await prebundle(outdir, { stage });
    const result = await synthesizeUnlocked(outdir, options);
    const bundles = bundlePlanOf(outdir);
    // the plan a later synthesis with bundles needs (npm run build after npm start): no planning pass then
    if (mode !== true) savePlan(outdir, stage, bundles);
    const record: ReuseRecord = { inputs, manifest: manifestHash(outdir) ?? '', stackName: result.stackName, bundles };
    fs.writeFileSync(path.join(outdir, REUSE_FILE), JSON.stringify(record));
    return { ...result, ...(mode === 'on-demand' ? { bundles } : {}), milliseconds: Date.now() - started };
  });
}

async function synthesizeUnlocked(outdir: string, options: { stage?: string; bundle?: BundleMode }): Promise<SynthResult> {
  const started = Date.now();
  // the CDK app is loaded only when there is something to synthesize
  const [{ createApp }, { ServiceFunction }] = await Promise.all([
    import('../create-app.ts'),
    import('../constructs/service-function.ts'),
    // The staff console, built fresh (as infra/app.ts does) while the CDK app loads — esbuild works in
    // its own process — so the synthesis finds it instead of building it in a child process.
    import('../../console/build.ts').then(({ buildConsole, CONSOLE_BUILD_DIR }) => buildConsole(path.join(outdir, CONSOLE_BUILD_DIR))),
  ]);
  // Without bundles esbuild is skipped (tests that read only the template; npm start, which bundles on demand).
  const context = options.bundle === false || options.bundle === 'on-demand' ? { 'aws:cdk:bundling-stacks': [] } : {};
  ServiceFunction.entries.clear();
  // No CloudFormation schema validation here (warnings only, ≈ 4 s): this assembly is run locally, not deployed.
  // `npm start` (bundles on demand) skips cdk-nag too (≈ 1 s): the checks are about deploying, and
  // `npx cdk synth`, the infra tests and every other synthesis here still run them.
  const { app, stack } = createApp({ stage: options.stage ?? 'dev', outdir, context, cloudFormationValidation: false, checks: options.bundle !== 'on-demand' });
  const assembly = app.synth();
  const errors = assembly.stacks.flatMap((s) => s.messages.filter((m) => m.level === 'error'));
  if (errors.length > 0) {
    throw new Error(`Synthesis reported ${errors.length} error(s):\n${errors.map((e) => `  ${e.id}: ${String(e.entry.data)}`).join('\n')}`);
  }
  return { assemblyDir: assembly.directory, stackName: stack.stackName, milliseconds: Date.now() - started };
}
