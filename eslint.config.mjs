// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default tseslint.config(
  { ignores: ['node_modules/**', '.data/**', 'bench/results/**', 'docs/**/*.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'error',
    },
  },
  {
    // The pages' one script (the idle warning) runs in the browser, as plain JavaScript (no build step).
    files: ['web/public/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: Object.fromEntries(
        ['window', 'document', 'fetch', 'FormData', 'URLSearchParams', 'setTimeout', 'clearTimeout'].map((g) => [g, 'readonly']),
      ),
    },
  },
  {
    // Type-aware rules for every TS file: a promise nobody awaits loses its rejection (an
    // unhandled rejection kills the worker or the API process), and a promise passed where a
    // void callback is expected runs unobserved. The project service reuses tsconfig.json.
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: fileURLToPath(new URL('.', import.meta.url)) },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          // node:test's describe/it return a promise that the runner itself tracks and that
          // never rejects (a failure is reported as a failed test), so not awaiting it is the
          // documented way to declare tests.
          allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite'] }],
        },
      ],
      '@typescript-eslint/await-thenable': 'error',
      // Full checking, arguments included: `arr.forEach(async …)`, `setInterval(async …)` and
      // `process.on('SIGTERM', async …)` drop the promise and its rejection. Express 5 route
      // handlers need no `checksVoidReturn: { arguments: false }` exemption: Express 5 forwards
      // a rejected handler promise to the error handler, and @types/express 5 says so by typing
      // a handler's return as `unknown`, not `void`, so the rule has nothing to flag there.
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    // Workflow code must be deterministic: it runs in Temporal's sandbox and is replayed.
    // Only @temporalio/workflow (and @temporalio/common), type-only activity imports and pure
    // domain modules are allowed.
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({
            name,
            message: 'Workflow code must not use Node built-ins (non-deterministic).',
          })),
          patterns: [
            {
              group: ['mongoose', 'mongodb', 'express', 'handlebars', 'pino', 'zod'],
              message: 'No I/O or heavy libraries in workflow code; do it in an activity.',
            },
            {
              group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity', '@temporalio/testing'],
              message: 'Workflow code imports only @temporalio/workflow.',
            },
            {
              group: [
                '**/api',
                '**/api/**',
                '**/app',
                '**/app/**',
                '**/models',
                '**/models/**',
                '**/config',
                '**/config/**',
                '**/worker',
                '**/worker/**',
                '**/temporal',
                '**/temporal/**',
                '**/policy',
                '**/policy/**',
              ],
              message:
                'Workflow code must not import the API, the application layer, models, config, the worker, the Temporal client or the policy loaders (they read the disk): it gets policy data from activities.',
            },
            {
              group: ['**/activities', '**/activities/**'],
              allowTypeImports: true,
              message: 'Import activities as types only (import type).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'domain/ is imported by workflow code: keep it pure.' })),
          patterns: [{ group: ['mongoose', 'express', 'handlebars', 'pino', '@temporalio/*'], message: 'domain/ is pure.' }],
        },
      ],
    },
  },
  {
    files: ['scripts/**', 'bench/**', 'tools/**', 'test/**'],
    rules: { 'no-console': 'off' },
  },
  {
    // Tests feed deliberately ill-typed input to validators.
    files: ['test/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  {
    // The API process (api/ and the application layer it calls, app/) reaches the worker's side
    // only through Temporal: activities read the disk and hold the worker's dependencies. Policy
    // files are loaded from policy/, the Temporal client from temporal/.
    files: ['api/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/activities', '**/activities/**'],
              message: 'The API process must not import activities/ (worker-side code); use policy/, models/ or app/.',
            },
          ],
        },
      ],
    },
  },
  {
    // The web pages are a front end like the JSON API: they call the application layer, never
    // the worker's side, and never the JSON API's routers.
    files: ['web/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/activities', '**/activities/**'],
              message: 'The web pages must not import activities/ (worker-side code); use app/, policy/ or models/.',
            },
            {
              group: ['**/api', '**/api/**'],
              message: 'The web pages call the application layer (app/), not the JSON API.',
            },
          ],
        },
      ],
    },
  },
  {
    // The application layer serves every front end (the JSON API, the web pages): no HTTP in it,
    // and nothing of the worker's side. (A later block for these files would replace this rule's
    // options, not add to them: keep the application layer's bans in this one block.)
    files: ['app/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/activities', '**/activities/**'],
              message: 'The application layer must not import activities/ (worker-side code); use policy/ or models/.',
            },
            {
              group: ['express', 'express-*', 'supertest', '**/api', '**/api/**'],
              message: 'The application layer knows no HTTP: the API and the web pages call it, not the other way round.',
            },
          ],
        },
      ],
    },
  },
);
