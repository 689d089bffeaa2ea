/**
 * Requirement traceability: `npm run trace`. Reads the ids of docs/requirements.md, finds the test
 * files that cite each (the id as a word anywhere in `tests/`), prints one line per id and exits 1
 * when an id that is built or partly built is cited by no test (ids whose state is "not built yet"
 * are listed as such and do not fail the run).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** A requirement row of docs/requirements.md. */
export interface RequirementRow {
  readonly id: string;
  readonly text: string;
  readonly state: string;
}

const ID = /\b(?:ORD|PAY|RISK|FUL|AFT|SEC|CMP|KPI|SUP|OPS)-\d+\b/g;

/** The rows of the requirements table (`| id | requirement | state |`). */
export function requirementRows(markdown: string): RequirementRow[] {
  return markdown.split('\n').flatMap((line) => {
    const cells = line.split('|').map((c) => c.trim());
    const id = cells[1];
    if (cells.length < 5 || !id || !/^[A-Z]+-\d+$/.test(id)) return [];
    return [{ id, text: cells[2] ?? '', state: cells[3] ?? '' }];
  });
}

/** Requirement id → the files (relative paths) whose text cites it. */
export function citations(files: ReadonlyArray<{ path: string; text: string }>): Map<string, string[]> {
  const cited = new Map<string, string[]>();
  for (const file of files) for (const id of new Set(file.text.match(ID) ?? [])) cited.set(id, [...(cited.get(id) ?? []), file.path]);
  return cited;
}

/** The ids that fail the trace: built (or partly) and cited by no test. */
export function uncitedBuilt(rows: readonly RequirementRow[], cited: ReadonlyMap<string, readonly string[]>): string[] {
  return rows.filter((r) => !r.state.startsWith('not built') && !cited.get(r.id)?.length).map((r) => r.id);
}

function testFiles(dir: string): Array<{ path: string; text: string }> {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).flatMap((entry) => {
    if (!entry.isFile() || !/\.(ts|mjs|js)$/.test(entry.name)) return [];
    const full = path.join(entry.parentPath, entry.name);
    return [{ path: path.relative(path.dirname(dir), full), text: fs.readFileSync(full, 'utf8') }];
  });
}

function main(): void {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const rows = requirementRows(fs.readFileSync(path.join(root, 'docs/requirements.md'), 'utf8'));
  const cited = citations(testFiles(path.join(root, 'tests')));
  for (const row of rows) {
    const files = cited.get(row.id) ?? [];
    const where = files.length === 0 ? '—' : `${files.length} test file(s): ${files.slice(0, 4).join(', ')}${files.length > 4 ? ', …' : ''}`;
    console.log(`${row.id.padEnd(7)} ${row.state.startsWith('not built') ? 'not built yet' : row.state.startsWith('partly') ? 'partly built ' : 'built        '} ${where}`);
  }
  const failing = uncitedBuilt(rows, cited);
  const planned = rows.filter((r) => r.state.startsWith('not built')).length;
  console.log(`\n${rows.length} requirements: ${rows.length - planned} built or partly built, ${planned} not built yet; ${failing.length} built without a citing test`);
  if (failing.length > 0) {
    console.error(`trace: no test cites ${failing.join(', ')}`);
    process.exitCode = 1;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
