import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Type-aware rules need the program: a floating promise or a switch that misses a case
    // is invisible to syntax-only linting.
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test runs every top-level test() itself and reports its failures: the returned promise needs no await.
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite'] }] },
      ],
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
    },
  },
  {
    // The web view's page: plain browser modules, no build step.
    files: ['src/web/page/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: Object.fromEntries(
        ['window', 'document', 'location', 'history', 'performance', 'getComputedStyle', 'EventSource', 'Element', 'Path2D', 'HTMLInputElement', 'HTMLSelectElement', 'URLSearchParams', 'Intl', 'setTimeout', 'setInterval', 'queueMicrotask', 'fetch', 'encodeURIComponent'].map((name) => [name, 'readonly']),
      ),
    },
  },
  {
    // The dependency-cruiser config: a CommonJS file, as depcruise loads it.
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
);
