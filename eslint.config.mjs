import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { ignores: ['node_modules', '.data', 'data', 'coverage', 'tests/support/*.js'] },
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
);
