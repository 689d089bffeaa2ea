/**
 * KPI-3: the staff console's build — the contract the CDK app deploys (console/build.ts): an
 * index.html that loads its hashed, minified assets, within the size budget (60 KB gzipped).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildConsole, buildConsoleWithReport } from '../../../console/build.ts';

describe('KPI-3 staff console build', () => {
  it('writes index.html with its hashed script and stylesheet, under 60 KB gzipped in all', async () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'console-build-'));
    const report = await buildConsoleWithReport(outdir);
    const files = fs.readdirSync(outdir).sort();
    const js = files.find((f) => /^app-[A-Z0-9]+\.js$/.test(f));
    const css = files.find((f) => /^app-[A-Z0-9]+\.css$/.test(f));
    expect(js && css).toBeTruthy();
    const html = fs.readFileSync(path.join(outdir, 'index.html'), 'utf8');
    expect(html).toContain(`<script type="module" src="./${js}"></script>`);
    expect(html).toContain(`<link rel="stylesheet" href="./${css}">`);
    expect(html).not.toMatch(/<script>|style=/);
    expect(Object.keys(report.files).sort()).toEqual([css, 'index.html', js].sort());
    expect(report.gzipBytes).toBeLessThan(60 * 1024);
    // Building again into the same directory replaces the previous assets.
    await buildConsole(outdir);
    expect(fs.readdirSync(outdir).filter((f) => f.startsWith('app-'))).toHaveLength(2);
  });
});
