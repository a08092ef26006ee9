import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { ignores: ['node_modules', '.next', 'next-env.d.ts', '.data', 'data', 'coverage', 'tests/support/*.js', 'src/db/generated'] },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // Serving code never imports the training pipeline (DESIGN.md import rules).
    files: ['src/**/*.ts'],
    ignores: ['src/training/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['**/training/**', '@/training/*'] }],
    },
  },
  {
    // onnxruntime-node is loaded only by the model registry and by the training pipeline's parity checks.
    files: ['src/**/*.ts'],
    ignores: ['src/inference/**', 'src/training/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: ['onnxruntime-node'], patterns: ['**/training/**', '@/training/*'] }],
    },
  },
  {
    // type-graphql and Apollo stay in the API layer and the route that mounts it (DESIGN.md import rules).
    // typescript-eslint's copy of the rule, so that these restrictions add to the ones above instead of replacing them.
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    ignores: ['src/graphql/**', 'src/app/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['type-graphql', 'type-graphql/*', '@apollo/server', '@apollo/server/*', '@as-integrations/*'],
              message: 'GraphQL serving belongs in src/graphql (and the route in src/app).',
            },
          ],
        },
      ],
    },
  },
);
