/**
 * `npm run build`: synthesizes the app (bundling every function with esbuild) and prints, per
 * function, the bundle size (esbuild's metafile), the largest inputs, and the time to import the
 * bundle in a fresh Node process (the init-phase cost of a cold start, without the network).
 *
 * Each function is compared with its *bare twin*: a handler that only constructs the AWS SDK
 * clients the function's own code imports (read from the metafile), bundled with the same esbuild
 * options. Bundle and twin are imported in fresh processes, alternating, and the medians and their
 * ratio printed — what the function's own code and libraries add to a cold start on top of the SDK
 * it cannot do without (goal ≤ 1.3×; printed, never asserted) — and how many zod schemas the
 * import builds (counted in a process of its own, with zod's construction hook).
 *
 * Fails when any bundle is over the budget (600 KB, issue 15's goal). `BUILD_IMPORT_RUNS` (default 7) sets the
 * imports per bundle; `BUILD_FUNCTIONS` (a regular expression on the logical id) times only the
 * matching functions — sizes and the budget are still checked for all of them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { build, type Metafile } from 'esbuild';
import { esbuildOptions } from '../infra/prebundle.ts';
import { PROJECT_ROOT } from '../infra/constructs/service-function.ts';
import { synthesize } from '../infra/local/synth.ts';
import { deployTimeProviders, readAssembly, ResourceNames } from '../infra/local/template.ts';
import { figure, median } from './stats.ts';

/** No bundle above 600 KB: what a function brings beyond the SDK stays small (enforced). */
const BUDGET_BYTES = 600 * 1024;
/** Imports timed per function (median reported); `BUILD_IMPORT_RUNS` changes it (1 for a quick check of sizes and the budget). */
const ONLY = new RegExp(process.env.BUILD_FUNCTIONS ?? '.');
const IMPORT_RUNS = Math.max(1, Math.min(15, Number(process.env.BUILD_IMPORT_RUNS ?? 7) || 7));

/** The AWS SDK packages that project code (not a library) imports, from a bundle's metafile. */
function sdkPackagesOf(meta: Metafile): string[] {
  const packages = new Set<string>();
  for (const [file, input] of Object.entries(meta.inputs)) {
    if (file.includes('node_modules/')) continue;
    for (const { path: imported } of input.imports) {
      const m = /node_modules\/(@aws-sdk\/(?:client-[^/]+|lib-dynamodb))\//.exec(imported);
      if (m) packages.add(m[1] as string);
    }
  }
  return [...packages].sort();
}

/** The client class a package exports (`@aws-sdk/client-kms` → `KMSClient`). */
async function clientClassOf(pkg: string): Promise<string> {
  const exported = Object.keys((await import(pkg)) as Record<string, unknown>).filter((k) => k.endsWith('Client') && k !== '__Client');
  if (exported.length !== 1) throw new Error(`${pkg}: expected one client class, found ${exported.join(', ') || 'none'}`);
  return exported[0] as string;
}

/** The source of a bare twin: a handler that only constructs the given SDK clients. */
async function bareTwinSource(packages: readonly string[]): Promise<string> {
  const lines: string[] = [];
  const constructed: string[] = [];
  const wanted = new Set(packages);
  if (wanted.has('@aws-sdk/lib-dynamodb')) wanted.add('@aws-sdk/client-dynamodb');
  for (const pkg of [...wanted].sort()) {
    const cls = await clientClassOf(pkg);
    lines.push(`import { ${cls} } from '${pkg}';`);
    if (pkg === '@aws-sdk/lib-dynamodb') constructed.push(`${cls}.from(new DynamoDBClient({}))`);
    else constructed.push(`new ${cls}({})`);
  }
  lines.push(`const clients = [${constructed.join(', ')}];`, 'export const handler = async () => ({ clients: clients.length });');
  return lines.join('\n') + '\n';
}

const { assemblyDir } = await synthesize();
const [stack] = readAssembly(assemblyDir);
if (!stack) throw new Error('no stack');
const names = new ResourceNames(stack, { api: 'http://127.0.0.1:3000', aws: 'http://127.0.0.1:4566', dynamodb: 'http://127.0.0.1:8000' });

interface Fn {
  fn: string;
  bundle: string;
  bytes: number;
  top: string;
  sdk: string[];
  variables: Record<string, string>;
}
const fns: Fn[] = [];
// the app's own functions: not the deploy-time providers CloudFormation runs (the console's BucketDeployment, in Python)
const providers = deployTimeProviders(stack);
for (const { logicalId, properties } of names.ofType('AWS::Lambda::Function')) {
  if (providers.has(logicalId)) continue;
  const assetPath = stack.Resources[logicalId]?.Metadata?.['aws:asset:path'];
  if (typeof assetPath !== 'string') continue;
  const dir = path.join(assemblyDir, assetPath);
  const bundle = ['index.mjs', 'index.js'].map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
  if (!bundle) throw new Error(`${logicalId}: no bundle in ${dir}`);
  const bytes = fs.statSync(bundle).size;
  let top = '';
  let sdk: string[] = [];
  const metaFile = path.join(dir, 'index.meta.json');
  if (fs.existsSync(metaFile)) {
    const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8')) as Metafile;
    const byPackage = new Map<string, number>();
    for (const output of Object.values(meta.outputs)) {
      for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
        const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
        const key = m ? (m[1] as string) : '(project code)';
        byPackage.set(key, (byPackage.get(key) ?? 0) + bytesInOutput);
      }
    }
    top = [...byPackage.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([k, v]) => `${k} ${(v / 1024).toFixed(0)}K`)
      .join(', ');
    sdk = sdkPackagesOf(meta);
  }
  const variables = ((properties.Environment as { Variables?: Record<string, string> } | undefined)?.Variables ?? {}) as Record<string, string>;
  fns.push({ fn: logicalId, bundle, bytes, top, sdk, variables });
}

// The bare twins: one esbuild run for every distinct set of SDK clients, same options as the functions.
const twinDir = path.join(assemblyDir, '.bare-twins');
fs.rmSync(twinDir, { recursive: true, force: true });
fs.mkdirSync(path.join(twinDir, 'src'), { recursive: true });
const twinOf = new Map<string, string>();
const entryPoints: Record<string, string> = {};
for (const f of fns) {
  const key = f.sdk.join(',');
  if (twinOf.has(key)) continue;
  const name = `twin-${twinOf.size}`;
  const source = path.join(twinDir, 'src', `${name}.mjs`);
  fs.writeFileSync(source, await bareTwinSource(f.sdk));
  entryPoints[`${name}/index`] = source;
  twinOf.set(key, path.join(twinDir, 'out', name, 'index.mjs'));
}
await build({ ...esbuildOptions(), metafile: false, sourcemap: false, entryPoints, outdir: path.join(twinDir, 'out'), absWorkingDir: PROJECT_ROOT });

/** Runs `script` (an ES module; `FILE` in it is the bundle's path) in a fresh Node process with the function's environment; what it printed, as a number. */
function inFreshProcess(script: string, file: string, variables: Record<string, string>, fn: string): number {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script.replace('FILE', () => JSON.stringify(file))], {
    env: { PATH: process.env.PATH, ...variables, AWS_REGION: 'us-east-1', AWS_LAMBDA_FUNCTION_NAME: fn, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    encoding: 'utf8',
  });
  return Number(out.trim());
}

/** Milliseconds to import `file` in a fresh Node process. */
const importMs = (file: string, variables: Record<string, string>, fn: string) =>
  inFreshProcess('const t = performance.now(); await import(FILE); console.log(performance.now() - t);', file, variables, fn);

/**
 * How many zod schemas importing `file` builds, counted with zod's construction hook (set before the
 * import, in a process of its own, never in a timed one). Every schema built at import lengthens
 * the cold start; a function should build only those of what it serves (docs/performance.md).
 */
const schemasAtImport = (file: string, variables: Record<string, string>, fn: string) =>
  inFreshProcess('let n = 0; globalThis.__zod_globalConfig = { postProcessor() { n++; } }; await import(FILE); console.log(n);', file, variables, fn);

interface Row extends Fn {
  importMs: number;
  twinMs: number;
  twinBytes: number;
  schemas: number;
}
const rows: Row[] = [];
for (const f of fns) {
  const twin = twinOf.get(f.sdk.join(',')) as string;
  if (!ONLY.test(f.fn)) {
    rows.push({ ...f, importMs: Number.NaN, twinMs: Number.NaN, twinBytes: fs.statSync(twin).size, schemas: Number.NaN });
    continue;
  }
  const own: number[] = [];
  const bare: number[] = [];
  // Alternating, so a busy moment of the machine weighs on both alike.
  for (let i = 0; i < IMPORT_RUNS; i++) {
    bare.push(importMs(twin, f.variables, f.fn));
    own.push(importMs(f.bundle, f.variables, f.fn));
  }
  rows.push({
    ...f,
    importMs: median(own) ?? Number.NaN,
    twinMs: median(bare) ?? Number.NaN,
    twinBytes: fs.statSync(twin).size,
    schemas: schemasAtImport(f.bundle, f.variables, f.fn),
  });
}

const pad = (s: string, n: number) => s.padEnd(n);
const short = (pkgs: string[]) => pkgs.map((p) => p.replace('@aws-sdk/client-', '').replace('@aws-sdk/', '')).join('+') || '(none)';
console.log(`\nimports: median of ${IMPORT_RUNS} fresh processes each, bundle and bare twin alternating`);
console.log(
  `${pad('function', 30)} ${pad('bundle', 8)} ${pad('twin', 8)} ${pad('import', 8)} ${pad('twin', 8)} ${pad('ratio', 6)} ${pad('schemas', 8)} ${pad('SDK clients', 26)} largest inputs`,
);
for (const r of rows) {
  const flag = r.bytes > BUDGET_BYTES ? '  ← over the 600 KB budget' : '';
  console.log(
    `${pad(r.fn, 30)} ${pad(figure(r.bytes / 1024, 0, ' KB'), 8)} ${pad(figure(r.twinBytes / 1024, 0, ' KB'), 8)} ${pad(figure(r.importMs, 0, ' ms'), 8)} ${pad(figure(r.twinMs, 0, ' ms'), 8)} ${pad(figure(r.importMs / r.twinMs, 2, '×'), 6)} ${pad(figure(r.schemas), 8)} ${pad(short(r.sdk), 26)} ${r.top}${flag}`,
  );
}
const ratios = rows
  .map((r) => r.importMs / r.twinMs)
  .filter((ratio) => Number.isFinite(ratio))
  .sort((a, b) => a - b);
const sizes = rows.map((r) => r.bytes / 1024).sort((a, b) => a - b);
const schemas = rows
  .map((r) => r.schemas)
  .filter((n) => Number.isFinite(n))
  .sort((a, b) => a - b);
console.log(
  `\nbundles ${figure(sizes[0])}–${figure(sizes.at(-1))} KB (median ${figure(median(sizes))} KB; budget 600 KB); import ÷ bare twin ${figure(ratios[0], 2)}–${figure(ratios.at(-1), 2)}× (median ${figure(median(ratios), 2)}×; goal ≤ 1.3×); zod schemas built at import ${figure(schemas[0])}–${figure(schemas.at(-1))} (median ${figure(median(schemas))})`,
);
const over = rows.filter((r) => r.bytes > BUDGET_BYTES);
if (over.length > 0) {
  console.error(`\n${over.length} function(s) over the 600 KB bundle budget.`);
  process.exit(1);
}
console.log(`All ${rows.length} bundles within the 600 KB budget.`);
