/**
 * The project's zod: `zod/mini`, the functional form of zod 4 (schemas are built with functions and
 * `.check(…)`, not method chains), with English error messages — what a client reads in a
 * `validation-failed` problem's `errors`.
 *
 * Every module imports zod from here, never from `zod` (a lint rule says so): the classic API
 * builds some forty bound methods on every schema and brings ≈ 90 KB that each function's cold start
 * compiles; mini brings ≈ 15 KB and builds plain objects (docs/performance.md, "Cold starts").
 * The English locale is configured once, on import, so no parse can report the locale-less default
 * ("Invalid input") where a client expects the reason.
 */
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

z.config(en());

export * from 'zod/mini';
