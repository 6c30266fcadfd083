// ESLint (flat config) with typed linting: typescript-eslint reads the types through the
// tsconfig.json that holds each file (projectService), so the rules see what is a promise and
// what is a union. TypeScript files only (src/, webview/, test/); the .mjs scripts and benchmarks
// are in no tsconfig.
//
// A deliberately small rule set: typescript-eslint's recommendedTypeChecked set reports ~210
// findings today (mostly no-unsafe-* on JSON.parse / any in tests, and no-unnecessary-type-assertion),
// so only the rules that catch real bugs are on.
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    ignores: [
      'dist/',
      'out/',
      'media/',
      'node_modules/',
      'test/fixtures/',
      'examples/',
      'bench/',
      'scripts/',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
    ],
  },
  {
    files: ['src/**/*.ts', 'webview/**/*.ts', 'test/**/*.ts'],
    extends: [tseslint.configs.base],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    // The code keeps eslint-disable comments for rules of the recommended set that are not on here.
    linterOptions: { reportUnusedDisableDirectives: 'off' },
    rules: {
      // A promise (or VS Code Thenable) that is neither awaited, returned, caught nor marked `void`.
      '@typescript-eslint/no-floating-promises': 'error',
      // A promise where a boolean or a void-returning callback is expected (if (promise), forEach(async …)).
      '@typescript-eslint/no-misused-promises': 'error',
      // `await` on a value that is not a promise.
      '@typescript-eslint/await-thenable': 'error',
      // A switch over a union that misses members: a `default:` does not count, so a new member
      // (a strategy, a message type) is a lint error until every switch has decided about it.
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
    },
  },
);
