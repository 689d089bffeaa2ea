/**
 * Module-level definitions a bundle may not use (a capability's route contracts, events, settings,
 * lazily built schemas) are annotated `/* @__PURE__ *\/`, so esbuild drops the ones a function does
 * not reference. esbuild ignores `@__NO_SIDE_EFFECTS__` on a function imported from another module
 * (evanw/esbuild#4369), so the annotation has to be on each call (docs/performance.md).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const DEFINERS = ['defineRoute', 'defineEvent', 'defineSettings', 'lazily', 'outboxCatalog'];
const UNANNOTATED = new RegExp(`=\\s*(${DEFINERS.join('|')})\\s*(<[^>]*>)?\\(`, 'g');

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(relative);
    return entry.name.endsWith('.ts') ? [relative] : [];
  });
}

describe('definitions a bundle can drop', () => {
  it('every module-level call of a definer is annotated pure', () => {
    const files = ['functions', 'shared', 'events'].flatMap(sources);
    expect(files.length).toBeGreaterThan(100);
    const missing = files.flatMap((file) => {
      // comments (a documentation example) are not code
      const code = fs.readFileSync(path.join(ROOT, file), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, (comment) => (comment.includes('@__PURE__') ? comment : ''));
      return [...code.matchAll(UNANNOTATED)].map((match) => `${file}: ${match[0]}`);
    });
    expect(missing).toEqual([]);
  });

  it('would find an unannotated one', () => {
    expect('export const fooRoute = defineRoute({'.match(UNANNOTATED)).not.toBeNull();
    expect('const Sku = lazily(() => z.string());'.match(UNANNOTATED)).not.toBeNull();
    expect('const Sku = /* @__PURE__ */ lazily(() => z.string());'.match(UNANNOTATED)).toBeNull();
  });
});
