import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // The web view's page: plain browser modules, no build step.
    files: ['src/web/page/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: Object.fromEntries(
        ['window', 'document', 'location', 'history', 'performance', 'getComputedStyle', 'EventSource', 'Element', 'Path2D', 'HTMLInputElement', 'HTMLSelectElement', 'URLSearchParams', 'Intl', 'setTimeout', 'setInterval', 'queueMicrotask'].map((name) => [name, 'readonly']),
      ),
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
);
