// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Syntax refused everywhere (the functions' code adds its own to it, below). */
const NO_EVAL = { selector: "CallExpression[callee.name='eval']", message: 'eval is never allowed.' };

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', '.cdk.test.out/', '**/*.lock/', '.data/', 'dist/', 'coverage/', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        console: 'readonly',
        process: 'readonly',
        URL: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        crypto: 'readonly',
        fetch: 'readonly',
        AbortController: 'readonly',
        structuredClone: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', NO_EVAL],
      'no-new-func': 'error',
      // zod comes from shared/zod.ts: zod/mini with English messages. The classic API ('zod') puts ≈ 90 KB
      // and some forty bound methods per schema into every cold start (issue 15; docs/performance.md).
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['zod', 'zod/*'], message: 'Import zod from shared/zod.ts (zod/mini with English error messages), not from the package.' },
            {
              group: ['@middy/core'],
              allowTypeImports: true,
              message: "Handlers run their middlewares with shared/middleware.ts; @middy/core's module loads web streams into every cold start.",
            },
          ],
        },
      ],
    },
  },
  { files: ['shared/zod.ts'], rules: { 'no-restricted-imports': 'off' } },
  {
    // Code bundled into the functions: esbuild inlines an import() into the same bundle, wrapping the
    // imported module and everything it imports and keeping all of their exports — it once put the
    // aggregated DynamoDB clients and zod's JSON Schema modules into 15 functions (docs/performance.md).
    files: ['functions/**/*.ts', 'shared/**/*.ts', 'events/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        NO_EVAL,
        { selector: 'ImportExpression', message: 'Import statically: in a function bundle, import() keeps every export of the imported modules.' },
      ],
    },
  },
);
