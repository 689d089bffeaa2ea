/**
 * Synthesizes the CDK app in-process into a cloud assembly directory (what `npx cdk synth` does,
 * without the CLI's start-up cost). cdk-nag runs as part of it; its errors fail the synthesis.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createApp } from '../create-app.ts';
import { bundlePlanOf, prebundle, type Plan } from '../prebundle.ts';
import { ServiceFunction } from '../constructs/service-function.ts';

export const PROJECT_ROOT = path.resolve(import.meta.dirname, '../..');

/** Where the test suites synthesize (bundles cached across runs; separate from `npm start`'s cdk.out). */
export const TEST_ASSEMBLY_DIR = path.join(PROJECT_ROOT, '.cdk.test.out');

export interface SynthResult {
  assemblyDir: string;
  stackName: string;
  milliseconds: number;
  /** `bundle: 'on-demand'`: every function's bundle, to be built by the local cloud when the function first runs. */
  bundles?: Plan;
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

export async function synthesize(options: { outdir?: string; stage?: string; bundle?: BundleMode } = {}): Promise<SynthResult> {
  const started = Date.now();
  const outdir = options.outdir ?? path.join(PROJECT_ROOT, 'cdk.out');
  return withAssemblyLock(outdir, async () => {
    // One esbuild run for all missing bundles; the synthesis below then finds them cached.
    if (options.bundle === true || options.bundle === undefined) await prebundle(outdir, { stage: options.stage ?? 'dev' });
    const result = synthesizeUnlocked(outdir, options);
    return { ...result, ...(options.bundle === 'on-demand' ? { bundles: bundlePlanOf(outdir) } : {}), milliseconds: Date.now() - started };
  });
}

function synthesizeUnlocked(outdir: string, options: { stage?: string; bundle?: BundleMode }): SynthResult {
  const started = Date.now();
  // Without bundles esbuild is skipped (tests that read only the template; npm start, which bundles on demand).
  const context = options.bundle === false || options.bundle === 'on-demand' ? { 'aws:cdk:bundling-stacks': [] } : {};
  ServiceFunction.entries.clear();
  const { app, stack } = createApp({ stage: options.stage ?? 'dev', outdir, context });
  const assembly = app.synth();
  const errors = assembly.stacks.flatMap((s) => s.messages.filter((m) => m.level === 'error'));
  if (errors.length > 0) {
    throw new Error(`Synthesis reported ${errors.length} error(s):\n${errors.map((e) => `  ${e.id}: ${String(e.entry.data)}`).join('\n')}`);
  }
  return { assemblyDir: assembly.directory, stackName: stack.stackName, milliseconds: Date.now() - started };
}
