/**
 * Builds the staff console (a static single-page app) into `outdir`: `index.html`, `app-<hash>.js`,
 * `app-<hash>.css`. The CDK app deploys the output under `console/`; the local cloud serves it at
 * `/console/`. `config.json` (stage, API URL, OAuth endpoints) is NOT built here: each deployment
 * writes its own next to index.html.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { build } from 'esbuild';

const SOURCE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'src');

export interface ConsoleBuildResult {
  /** Files written, relative to outdir, with their sizes in bytes (raw and gzipped). */
  files: Record<string, { bytes: number; gzipBytes: number }>;
  /** Sum of the gzipped sizes: what a browser downloads. */
  gzipBytes: number;
}

/** The directory of a cloud assembly the console is built into (before its synthesis: infra/app.ts, infra/local/synth.ts). */
export const CONSOLE_BUILD_DIR = 'console-build';

/** Builds the console into `outdir` (created, emptied of previous builds' assets). */
export async function buildConsole(outdir: string): Promise<void> {
  await buildConsoleWithReport(outdir);
}

export async function buildConsoleWithReport(outdir: string): Promise<ConsoleBuildResult> {
  await fs.mkdir(outdir, { recursive: true });
  for (const old of await fs.readdir(outdir)) {
    if (/^app-[A-Z0-9]+\.(js|css)$/i.test(old) || old === 'index.html') await fs.rm(path.join(outdir, old));
  }
  const result = await build({
    entryPoints: { app: path.join(SOURCE, 'main.tsx') },
    outdir,
    entryNames: '[name]-[hash]',
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['es2022', 'chrome111', 'firefox115', 'safari16'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    legalComments: 'none',
    metafile: true,
    write: true,
    logLevel: 'silent',
  });
  const outputs = Object.keys(result.metafile.outputs).map((file) => path.basename(file));
  const js = outputs.find((f) => f.endsWith('.js'));
  const css = outputs.find((f) => f.endsWith('.css'));
  if (!js) throw new Error('console build: no JavaScript output');
  const html = (await fs.readFile(path.join(SOURCE, 'index.html'), 'utf8'))
    .replace('%CSS%', css ? `<link rel="stylesheet" href="./${css}">` : '')
    .replace('%JS%', `<script type="module" src="./${js}"></script>`);
  await fs.writeFile(path.join(outdir, 'index.html'), html);
  const files: ConsoleBuildResult['files'] = {};
  for (const file of ['index.html', js, ...(css ? [css] : [])]) {
    const content = await fs.readFile(path.join(outdir, file));
    files[file] = { bytes: content.length, gzipBytes: zlib.gzipSync(content, { level: 9 }).length };
  }
  return { files, gzipBytes: Object.values(files).reduce((sum, f) => sum + f.gzipBytes, 0) };
}

/** The console's source files' newest modification time (the local cloud rebuilds when a source is newer than its build). */
export async function consoleSourcesModifiedAt(): Promise<number> {
  let newest = (await fs.stat(fileURLToPath(import.meta.url))).mtimeMs;
  for (const entry of await fs.readdir(SOURCE, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) newest = Math.max(newest, (await fs.stat(path.join(entry.parentPath, entry.name))).mtimeMs);
  }
  return newest;
}
