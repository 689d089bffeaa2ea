/**
 * Module-level definitions a bundle may not use (a capability's route contracts, events, settings,
 * lazily built schemas, outbox catalogs) are annotated `@__PURE__`, so esbuild drops the ones a
 * function does not reference. esbuild ignores `@__NO_SIDE_EFFECTS__` on a function imported from
 * another module (evanw/esbuild#4369), so the annotation has to be on each call (docs/performance.md).
 * The calls are found in the syntax tree (TypeScript's parser), whatever their shape or layout.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const DEFINERS = new Set(['defineRoute', 'defineEvent', 'defineSettings', 'lazily', 'outboxCatalog']);

interface DefinerCall {
  readonly where: string;
  readonly pure: boolean;
  /** Inside a function: evaluated only when the function runs, so the annotation would do nothing. */
  readonly inFunction: boolean;
}

/** Every call of a definer in `text` (by its callee's name, also `x.lazily(…)`). */
function definerCalls(file: string, text: string): DefinerCall[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const calls: DefinerCall[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
      if (name && DEFINERS.has(name)) {
        let inFunction = false;
        for (let parent = node.parent; parent; parent = parent.parent) if (ts.isFunctionLike(parent)) inFunction = true;
        const line = source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
        calls.push({ where: `${file}:${line} ${name}`, pure: /[@#]__PURE__/.test(text.slice(node.getFullStart(), node.getStart())), inFunction });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return calls;
}

/** The root of a chain of calls and property reads: `z` in `z.string().check(z.minLength(1))`. */
const rootOf = (expression: ts.Expression): ts.Expression =>
  ts.isCallExpression(expression) || ts.isPropertyAccessExpression(expression) ? rootOf(expression.expression) : expression;

/** Every zod schema `text` builds when the module loads: a call on the project's `z` outside any function. */
function schemasBuiltAtLoad(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node)) return;
    if (ts.isCallExpression(node)) {
      const root = rootOf(node.expression);
      if (ts.isIdentifier(root) && root.text === 'z') {
        found.push(`${file}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`);
        return;
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(relative);
    return /\.[cm]?tsx?$/.test(entry.name) ? [relative] : [];
  });
}

describe('definitions a bundle can drop', () => {
  const calls = ['functions', 'shared', 'events'].flatMap(sources).flatMap((file) => definerCalls(file, fs.readFileSync(path.join(ROOT, file), 'utf8')));

  it('every module-level call of a definer is annotated pure', () => {
    expect(calls.length).toBeGreaterThan(300);
    expect(calls.filter((call) => !call.inFunction && !call.pure).map((call) => call.where)).toEqual([]);
  });

  it('no call inside a function is annotated (it would never be dropped)', () => {
    expect(calls.filter((call) => call.inFunction && call.pure).map((call) => call.where)).toEqual([]);
  });

  it('finds a call whatever its shape, and skips strings and comments', () => {
    const found = (text: string) => definerCalls('probe.ts', text).map(({ pure, inFunction }) => ({ pure, inFunction }));
    expect(found('export const a =\n  defineRoute({});')).toEqual([{ pure: false, inFunction: false }]);
    expect(found('const b = lazily<Map<string, () => number>>(() => new Map());')).toEqual([{ pure: false, inFunction: false }]);
    expect(found('export const routes = [defineRoute({}), /* @__PURE__ */ defineRoute({})];')).toEqual([
      { pure: false, inFunction: false },
      { pure: true, inFunction: false },
    ]);
    expect(found("const url = 'https://x'; const c = /* @__PURE__ */ lazily(() => 1);")).toEqual([{ pure: true, inFunction: false }]);
    expect(found('export default r.defineEvent({});')).toEqual([{ pure: false, inFunction: false }]);
    expect(found('function f() { return lazily(() => 1); }')).toEqual([{ pure: false, inFunction: true }]);
    expect(found("// const d = lazily(() => 1);\nconst s = 'lazily(';")).toEqual([]);
  });
});

/**
 * A schema built when its module loads is built by every function bundling the module, used or not:
 * each costs a cold start ≈ 20 µs and more for the first of its kind (docs/performance.md). So a
 * module-level schema is `lazily(() => …)` and its users call it; a function builds only the
 * schemas it reads. The one call allowed at load is zod's configuration in `shared/zod.ts`.
 */
describe('schemas built on first use', () => {
  const files = ['functions', 'shared', 'events'].flatMap(sources);

  it('no module builds a zod schema when it loads', () => {
    const atLoad = files.flatMap((file) => schemasBuiltAtLoad(file, fs.readFileSync(path.join(ROOT, file), 'utf8')));
    expect(atLoad).toEqual([path.join('shared', 'zod.ts') + ':15']);
  });

  it('finds a schema at load whatever its layout, and not one inside a function', () => {
    const found = (text: string) => schemasBuiltAtLoad('probe.ts', text).length;
    expect(found('export const A = z.string();')).toBe(1);
    expect(found('const B = z\n  .strictObject({ a: z.string() })\n  .check(z.refine(() => true));')).toBe(1);
    expect(found('export const routes = { c: z.number() };')).toBe(1);
    expect(found('const D = /* @__PURE__ */ lazily(() => z.string());')).toBe(0);
    expect(found('function e() { return z.string(); }')).toBe(0);
    expect(found('type F = z.infer<typeof G>;')).toBe(0);
  });
});
