// npm run lint: typescript-eslint's recommended rules, with type information for the promise rules, and
// prettier for the layout (eslint-config-prettier turns off every rule that prettier decides).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.build/', '.cache/', '.data/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // Deliberate: input validation rejects NUL bytes and other control characters by matching them.
      'no-control-regex': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // An unhandled promise loses its error: the bus and the shutdown rely on every one being awaited or handled.
      '@typescript-eslint/no-floating-promises': 'error',
      // TypeScript's noUnusedLocals covers it, and ESLint does not see uses inside parameter decorators.
      'no-useless-assignment': 'off',
      // kafkajs publishes no types for its internals (src/events/transport/kafka/kafkajs-idle-timer.ts).
      '@typescript-eslint/no-require-imports': ['error', { allow: ['^kafkajs/src/'] }],
    },
  },
  {
    // Tests (and specs) read JSON and logs whose shape they check: `any` there is the point.
    files: ['test/**/*.ts', 'bench/**/*.ts', '**/*.spec.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  { files: ['**/*.mjs'], languageOptions: { globals: globals.node } },
  prettier,
);
