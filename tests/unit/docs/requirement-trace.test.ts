/**
 * Requirement traceability (`npm run trace`): the requirements table parses, every id a test cites
 * is a documented requirement (a typo in an id fails here), and the trace fails exactly for built
 * requirements no test cites. Ids in this file are built from parts, so it cites none itself.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { citations, requirementRows, uncitedBuilt } from '../../../scripts/trace.ts';

const root = path.resolve(import.meta.dirname, '../../..');
/** An id such as the ones tests cite, assembled so that this file does not cite it. */
const id = (area: string, n: number) => [area, n].join('-');
const rows = requirementRows(fs.readFileSync(path.join(root, 'docs/requirements.md'), 'utf8'));

describe('requirement traceability', () => {
  it('docs/requirements.md lists each id once, with a state', () => {
    expect(rows.length).toBeGreaterThanOrEqual(39);
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
    for (const row of rows) expect(row.state, row.id).toMatch(/^(built|partly built|not built yet)/);
  });

  it('every requirement id cited by a test is documented', () => {
    const files = fs
      .readdirSync(path.join(root, 'tests'), { withFileTypes: true, recursive: true })
      .filter((e) => e.isFile() && e.name.endsWith('.ts'))
      .map((e) => ({ path: path.join(e.parentPath, e.name), text: fs.readFileSync(path.join(e.parentPath, e.name), 'utf8') }));
    const documented = new Set(rows.map((r) => r.id));
    const unknown = [...citations(files).keys()].filter((id) => !documented.has(id));
    expect(unknown).toEqual([]);
  });

  it('fails on a built requirement that no test cites, not on one that is not built yet', () => {
    const sample = [
      { id: id('ORD', 1), text: 'a', state: 'built' },
      { id: id('ORD', 6), text: 'b', state: 'partly built (x)' },
      { id: id('KPI', 1), text: 'c', state: 'not built yet' },
    ];
    const cited = citations([{ path: 'tests/a.test.ts', text: `it('${id('ORD', 1)}: places an order')` }]);
    expect(uncitedBuilt(sample, cited)).toEqual([id('ORD', 6)]);
    expect(cited.get(id('ORD', 1))).toEqual(['tests/a.test.ts']);
    expect(citations([{ path: 'x', text: `X${id('ORD', 1)} and ${id('ORD', 12)}` }]).has(id('ORD', 1))).toBe(false);
  });
});
