// ESLint 9 flat config for the whole workspace (server, web, bench, scripts).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { defineConfig } from 'eslint/config';

export default defineConfig(
  {
    // Build output, dependencies, generated GraphQL client code and local data.
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/dist-all/**',
      '**/.next/**',
      'web/src/gql/**',
      '**/coverage/**',
      '.coffer-data/**',
      '.test-artifacts/**',
      'web/next-env.d.ts',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      // Money and tenancy code must stay typed end to end.
      '@typescript-eslint/no-explicit-any': 'error',
      // `_name` marks a parameter kept for its position (callbacks, resolvers).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  {
    // Plain Node scripts (start script, benchmarks, configs).
    files: ['**/*.mjs', '**/*.cjs', '**/*.js'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // TypeScript sources run on Node (server, bench) or in Node and the
    // browser (web); type-checking already rejects unknown globals.
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    // The request context's `em` is a lazy getter on its prototype (server/src/graphql/context.ts),
    // so a spread of `ctx` copies everything but `em`: it must say which EntityManager to use.
    files: ['server/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "ObjectExpression:has(SpreadElement[argument.name='ctx']):not(:has(Property[key.name='em']))",
          message: 'A spread of the request context does not copy its lazy `em`: write `{ ...ctx, em }` (see server/src/graphql/context.ts).',
        },
      ],
    },
  },
  {
    files: ['web/**/*.ts', 'web/**/*.tsx'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
  },
  {
    // A form submitted natively (before hydration, or with JavaScript off) must never put its
    // fields, a password among them, in the URL: see web/src/lib/form-guard.ts.
    files: ['web/src/**/*.tsx'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "JSXOpeningElement[name.name='form']:not(:has(JSXAttribute[name.name='method'][value.value='post']))",
          message: 'Give every <form> method="post": a native submit must not send its fields in the URL (see web/src/lib/form-guard.ts).',
        },
      ],
    },
  },
);
