/**
 * The reference pages in docs/ are generated from the code (`npm run docs`): this fails when a
 * route or an event changed and its page was not regenerated, so the pages cannot drift.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { apiRoutes } from '../../../functions/platform/api-routes.ts';
import { docPages } from '../../../scripts/docs.ts';

const root = path.resolve(import.meta.dirname, '../../..');

describe('generated docs', () => {
  it('docs/api.md and docs/events.md are what `npm run docs` generates now', () => {
    for (const [file, text] of Object.entries(docPages())) expect(fs.readFileSync(path.join(root, file), 'utf8'), `${file} is stale: run npm run docs`).toBe(text);
  });

  it('the API page lists every route once', () => {
    const page = docPages()['docs/api.md'] as string;
    for (const route of apiRoutes) expect(page.split(`\n| \`${route.method.toUpperCase()} ${route.pathTemplate}\``).length - 1, route.operation).toBe(1);
  });
});
