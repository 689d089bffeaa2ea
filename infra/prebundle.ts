/**
 * Fills a cloud assembly's bundle cache in ONE esbuild run for every function, before synthesis.
 *
 * NodejsFunction bundles each function in its own esbuild process, one after another (~0.4 s each,
 * mostly re-parsing the same dependencies). With dozens of functions that dominates a cold
 * `npm start` or `cdk synth`. Since every ServiceFunction has a custom asset hash, its bundle
 * directory `asset.<hash>` is known before bundling — and CDK skips bundling when it exists. So:
 *  1. synthesize once without bundling to learn each function's asset hash and entry;
 *  2. build every missing bundle with one esbuild call (shared parsing), with exactly the esbuild
 *     arguments NodejsFunction derives from the same {@link BUNDLING} options (tested: the output
 *     is byte-identical to NodejsFunction's own);
 *  3. the real synthesis finds the bundles and skips esbuild.
 * Used by the CDK CLI entry (infra/app.ts) and the local cloud alike, so deployed and local bundles
 * are the same files.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { BUNDLING, PROJECT_ROOT, ServiceFunction } from './constructs/service-function.ts';
import { createApp } from './create-app.ts';
import { assemblyInputsKey } from './source-hash.ts';

/** esbuild options equivalent to NodejsFunction's command line for {@link BUNDLING}. */
export function esbuildOptions(): BuildOptions {
  if (
    BUNDLING.format !== OutputFormat.ESM ||
    BUNDLING.externalModules?.length ||
    BUNDLING.define ||
    BUNDLING.loader ||
    BUNDLING.tsconfig ||
    BUNDLING.footer ||
    BUNDLING.inject ||
    BUNDLING.keepNames ||
    Object.keys(BUNDLING.esbuildArgs ?? {}).some((arg) => arg !== '--alias')
  ) {
    throw new Error('prebundle: BUNDLING uses an option prebundle does not mirror; extend esbuildOptions()');
  }
  return {
    bundle: true,
    target: BUNDLING.target,
    platform: 'node',
    format: 'esm',
    minify: BUNDLING.minify,
    sourcemap: BUNDLING.sourceMap,
    sourcesContent: BUNDLING.sourcesContent,
    metafile: BUNDLING.metafile,
    banner: BUNDLING.banner ? { js: BUNDLING.banner } : undefined,
    mainFields: BUNDLING.mainFields,
    logLevel: 'error',
    outExtension: { '.js': '.mjs' },
    alias: aliases(),
    absWorkingDir: PROJECT_ROOT,
  };
}

/** `esbuildArgs['--alias']` (`package=path`, one or a list) as esbuild's `alias` option. */
function aliases(): Record<string, string> | undefined {
  const value = BUNDLING.esbuildArgs?.['--alias'];
  if (value === undefined) return undefined;
  const list = Array.isArray(value) ? value : [value];
  return Object.fromEntries(
    list.map((item) => {
      const at = String(item).indexOf('=');
      return [String(item).slice(0, at), String(item).slice(at + 1)];
    }),
  );
}

/** Bundles to build: each function's entry and the asset hash its bundle directory is named by. */
export type Plan = Array<{ entry: string; assetHash: string }>;

/** What the plan depends on: the bundled sources, the CDK app's own code, the stage and context. */
const planKey = assemblyInputsKey;

/**
 * Each ServiceFunction's { entry, asset hash } in an assembly this process has just synthesized
 * (the entries are recorded as the constructs are created; the hashes are read from every template).
 */
export function bundlePlanOf(assemblyDir: string): Plan {
  const out: Plan = [];
  for (const file of fs
    .readdirSync(assemblyDir)
    .filter((name) => name.endsWith('.template.json'))
    .sort()) {
    const template = JSON.parse(fs.readFileSync(path.join(assemblyDir, file), 'utf8')) as {
      Resources?: Record<string, { Type: string; Properties?: { Code?: { S3Key?: unknown } } }>;
    };
    for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
      if (resource.Type !== 'AWS::Lambda::Function') continue;
      const entry = ServiceFunction.entries.get(logicalId);
      const key = resource.Properties?.Code?.S3Key;
      if (entry && typeof key === 'string') out.push({ entry, assetHash: key.replace(/\.zip$/, '') });
    }
  }
  return out;
}

/** Records `plan` as the plan of `stage` in `outdir` (what {@link plannedBundles} would compute), so a later synthesis with bundles skips its planning pass. */
export function savePlan(outdir: string, stage: string, plan: Plan): void {
  fs.mkdirSync(outdir, { recursive: true });
  fs.writeFileSync(path.join(outdir, 'prebundle-plan.json'), JSON.stringify({ key: planKey(stage, {}), plan }));
}

/**
 * Each function's { entry, asset hash }, from a synthesis without bundling (ServiceFunction ids are
 * their logical ids). Functions live in nested stacks, so every template of the assembly is read —
 * each on its own, with no interpretation: this feeds `cdk synth` for AWS, so it must never depend
 * on what the local cloud can run. The plan is cached in `outdir` under a key of everything it
 * depends on, so a warm start skips the planning synthesis.
 */
export function plannedBundles(outdir: string, stage: string, context: Record<string, unknown>): Plan {
  const key = planKey(stage, context);
  const cacheFile = path.join(outdir, 'prebundle-plan.json');
  try {
    const cached = JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as { key: string; plan: Plan };
    if (cached.key === key) return cached.plan;
  } catch {
    // no usable cache: plan below
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'prebundle-'));
  try {
    ServiceFunction.entries.clear();
    const { app } = createApp({ stage, outdir: tmp, checks: false, cloudFormationValidation: false, context: { ...context, 'aws:cdk:bundling-stacks': [] } });
    app.synth();
    const out = bundlePlanOf(tmp);
    fs.mkdirSync(outdir, { recursive: true });
    fs.writeFileSync(cacheFile, JSON.stringify({ key, plan: out }));
    return out;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Builds the missing bundles of the app into `outdir`; returns how many were built and how long it took. */
export async function prebundle(
  outdir: string,
  options: { stage?: string; context?: Record<string, unknown> } = {},
): Promise<{ built: number; cached: number; milliseconds: number }> {
  const started = Date.now();
  const planned = plannedBundles(outdir, options.stage ?? 'dev', options.context ?? {});
  const built = await buildBundles(outdir, planned);
  return { built, cached: planned.length - built, milliseconds: Date.now() - started };
}

/**
 * Builds the bundles of `planned` that `outdir` does not hold yet, in one esbuild run, into
 * `asset.<hash>` (each written to `…-building` and renamed when complete, so a reader never sees
 * half a bundle). Functions with the same code (e.g. every compliance scan runs
 * handlers/run-scan.ts) share one asset: built once. Returns how many were built.
 */
export async function buildBundles(outdir: string, planned: Plan): Promise<number> {
  const missing = [...new Map(planned.filter(({ assetHash }) => !fs.existsSync(path.join(outdir, `asset.${assetHash}`))).map((p) => [p.assetHash, p])).values()];
  if (missing.length === 0) return 0;
  fs.mkdirSync(outdir, { recursive: true });
  // A directory of its own per run: two builders (npm start's on-demand bundles, a `cdk synth`) never share one.
  const run = `${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
  const entryPoints: Record<string, string> = {};
  for (const { entry, assetHash } of missing) entryPoints[`asset.${assetHash}-building-${run}/index`] = path.join(PROJECT_ROOT, entry);
  try {
    const result = await build({ ...esbuildOptions(), entryPoints, outdir });
    for (const { assetHash } of missing) {
      const dir = path.join(outdir, `asset.${assetHash}-building-${run}`);
      if (result.metafile) fs.writeFileSync(path.join(dir, 'index.meta.json'), JSON.stringify(metafileFor(result.metafile, dir)));
      try {
        fs.renameSync(dir, path.join(outdir, `asset.${assetHash}`));
      } catch (error) {
        // another builder finished the same bundle first: same inputs, same bytes
        if (!['ENOTEMPTY', 'EEXIST'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
      }
    }
  } finally {
    for (const { assetHash } of missing) fs.rmSync(path.join(outdir, `asset.${assetHash}-building-${run}`), { recursive: true, force: true });
  }
  return missing.length;
}

/** The part of a multi-entry metafile that describes one bundle directory. */
function metafileFor(metafile: Metafile, dir: string): Metafile {
  const prefix = path.relative(PROJECT_ROOT, dir) + path.sep;
  const outputs = Object.fromEntries(Object.entries(metafile.outputs).filter(([file]) => file.startsWith(prefix) || path.resolve(PROJECT_ROOT, file).startsWith(dir + path.sep)));
  const used = new Set(Object.values(outputs).flatMap((o) => Object.keys(o.inputs)));
  return { inputs: Object.fromEntries(Object.entries(metafile.inputs).filter(([file]) => used.has(file))), outputs };
}
