/**
 * `npm run build`: synthesizes the app (bundling every function with esbuild) and prints, per
 * function, the bundle size (esbuild's metafile), the largest inputs, and the time to import the
 * bundle in a fresh Node process (the init-phase cost of a cold start, without the network).
 * Fails when any bundle is over the budget (1.5 MB).
 */
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { synthesize } from '../infra/local/synth.ts';
import { readAssembly, ResourceNames } from '../infra/local/template.ts';

const BUDGET_BYTES = 1.5 * 1024 * 1024;
/** Imports timed per function (median reported); `BUILD_IMPORT_RUNS` changes it (1 for a quick check of sizes and the budget). */
const IMPORT_RUNS = Math.max(1, Math.min(15, Number(process.env.BUILD_IMPORT_RUNS ?? 3) || 3));

const { assemblyDir } = await synthesize();
const [stack] = readAssembly(assemblyDir);
if (!stack) throw new Error('no stack');
const names = new ResourceNames(stack, { api: 'http://127.0.0.1:3000', aws: 'http://127.0.0.1:4566', dynamodb: 'http://127.0.0.1:8000' });

interface Row { fn: string; bytes: number; importMs: number; top: string }
const rows: Row[] = [];
for (const { logicalId, properties } of names.ofType('AWS::Lambda::Function')) {
  const assetPath = stack.Resources[logicalId]?.Metadata?.['aws:asset:path'];
  if (typeof assetPath !== 'string') continue;
  const dir = path.join(assemblyDir, assetPath);
  const bundle = ['index.mjs', 'index.js'].map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
  if (!bundle) throw new Error(`${logicalId}: no bundle in ${dir}`);
  const bytes = fs.statSync(bundle).size;
  let top = '';
  const metaFile = path.join(dir, 'index.meta.json');
  if (fs.existsSync(metaFile)) {
    const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8')) as { outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }> };
    const byPackage = new Map<string, number>();
    for (const output of Object.values(meta.outputs)) {
      for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
        const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
        const key = m ? (m[1] as string) : '(project code)';
        byPackage.set(key, (byPackage.get(key) ?? 0) + bytesInOutput);
      }
    }
    top = [...byPackage.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([k, v]) => `${k} ${(v / 1024).toFixed(0)}K`).join(', ');
  }
  const variables = ((properties.Environment as { Variables?: Record<string, string> } | undefined)?.Variables ?? {}) as Record<string, string>;
  const times: number[] = [];
  for (let i = 0; i < IMPORT_RUNS; i++) {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', `const t = performance.now(); await import(${JSON.stringify(bundle)}); console.log(performance.now() - t);`], {
      env: { PATH: process.env.PATH, ...variables, AWS_REGION: 'us-east-1', AWS_LAMBDA_FUNCTION_NAME: logicalId },
      encoding: 'utf8',
    });
    times.push(Number(out.trim()));
  }
  times.sort((a, b) => a - b);
  rows.push({ fn: logicalId, bytes, importMs: times[Math.floor(times.length / 2)] as number, top });
}

const pad = (s: string, n: number) => s.padEnd(n);
console.log(`\n${pad('function', 28)} ${pad('bundle', 10)} ${pad('import (median of ' + IMPORT_RUNS + ')', 22)} largest inputs`);
for (const r of rows) {
  const flag = r.bytes > BUDGET_BYTES ? '  ← over the 1.5 MB budget' : '';
  console.log(`${pad(r.fn, 28)} ${pad((r.bytes / 1024).toFixed(0) + ' KB', 10)} ${pad(r.importMs.toFixed(0) + ' ms', 22)} ${r.top}${flag}`);
}
const over = rows.filter((r) => r.bytes > BUDGET_BYTES);
if (over.length > 0) {
  console.error(`\n${over.length} function(s) over the 1.5 MB bundle budget.`);
  process.exit(1);
}
console.log(`\nAll ${rows.length} bundles within the 1.5 MB budget.`);
