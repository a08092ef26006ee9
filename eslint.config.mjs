/** Lint: typescript-eslint's recommended rules and every import rule of DESIGN.md; formatting is prettier's (`npm run lint` checks it). */
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import boundaries from 'eslint-plugin-boundaries';
import tseslint from 'typescript-eslint';

/**
 * The layers of src, bottom first (DESIGN.md). A folder may import its own layer and the ones below;
 * nothing imports upward. src/training sits beside the stack: it may import serving code, never the reverse.
 */
const LAYERS = [
  ['config', 'errors'],
  ['telemetry', 'db'],
  ['audit', 'access'],
  ['explain', 'features', 'inference'],
  ['prediction'],
  ['monitoring'],
  ['ingest', 'graphql', 'dashboard'],
  ['ui'],
  ['app', 'server'],
];
const below = (layer) => LAYERS.slice(0, layer + 1).flat();
const servingFolders = LAYERS.flat();
const allowFrom = (folder, folders) => ({
  from: { element: { type: folder } },
  allow: { to: { element: { types: { anyOf: folders } } } },
});

/** The folders whose code is pure (DESIGN.md): no I/O, no clock, no randomness without a seed. */
const PURE = ['explain', 'features'];
/** The only folders with Prisma queries (the client itself is built in src/db). */
const PRISMA_QUERIES = ['db', 'audit', 'access', 'monitoring'];

const PRISMA_DELEGATE_CALL =
  'CallExpression[callee.object.type="MemberExpression"][callee.property.name=/^(findMany|findFirst|findFirstOrThrow|findUnique|findUniqueOrThrow|createMany|createManyAndReturn|updateMany|upsert|deleteMany|aggregate|groupBy)$/]';
const PRISMA_RAW_CALL =
  'MemberExpression[property.name=/^[$](queryRaw|queryRawUnsafe|executeRaw|executeRawUnsafe|transaction)$/]';

/**
 * The import and code restrictions of one folder of src (`entry`: src/instrumentation.ts and src/proxy.ts),
 * in one block per folder: ESLint keeps only the last setting of a rule for a file, so restrictions that
 * overlap must be listed together.
 */
function folderImportRules(folder) {
  const patterns = [];
  const syntax = [];
  if (folder !== 'inference') {
    // The training pipeline's ONNX parity check goes through src/inference too.
    patterns.push({
      group: ['onnxruntime-node'],
      message: 'onnxruntime-node is loaded only by src/inference (the model registry).',
    });
  }
  if (!['graphql', 'server'].includes(folder)) {
    patterns.push({
      group: ['type-graphql', 'type-graphql/*', '@apollo/server', '@apollo/server/*', '@as-integrations/*'],
      message: 'GraphQL serving belongs in src/graphql (and the process in src/server).',
    });
  }
  if (!PRISMA_QUERIES.includes(folder)) {
    patterns.push({
      group: ['@prisma/*', '**/db/generated/*', '@/db/generated/*'],
      message: `Prisma is used only in ${PRISMA_QUERIES.map((f) => `src/${f}`).join(', ')}.`,
    });
    syntax.push(
      {
        selector: PRISMA_DELEGATE_CALL,
        message: `Prisma queries belong in ${PRISMA_QUERIES.map((f) => `src/${f}`).join(', ')}.`,
      },
      {
        selector: PRISMA_RAW_CALL,
        message: `Prisma queries belong in ${PRISMA_QUERIES.map((f) => `src/${f}`).join(', ')}.`,
      },
    );
  }
  const rules = {};
  if (PURE.includes(folder)) {
    patterns.push({
      regex: '^node:|^(fs|path|os|http|https|net|child_process|worker_threads|crypto)(/|$)',
      message: `src/${folder} is pure: no I/O.`,
    });
    syntax.push(
      {
        selector: 'CallExpression[callee.object.name="Date"][callee.property.name="now"]',
        message: `src/${folder} is pure: pass the time in.`,
      },
      {
        selector: 'NewExpression[callee.name="Date"][arguments.length=0]',
        message: `src/${folder} is pure: pass the time in.`,
      },
      {
        selector: 'MemberExpression[object.name="Math"][property.name="random"]',
        message: `src/${folder} is pure: take a seeded generator.`,
      },
    );
    rules['no-restricted-globals'] = [
      'error',
      ...['process', 'performance', 'fetch', 'console', 'setTimeout', 'setInterval', 'setImmediate', 'crypto'].map(
        (name) => ({
          name,
          message: `src/${folder} is pure: no I/O, clock or randomness.`,
        }),
      ),
    ];
  }
  if (folder !== 'config') {
    rules['no-restricted-properties'] = [
      'error',
      { object: 'process', property: 'env', message: 'Settings are read once, in src/config/environment.ts.' },
    ];
  }
  rules['@typescript-eslint/no-restricted-imports'] = ['error', { patterns }];
  if (syntax.length > 0) rules['no-restricted-syntax'] = ['error', ...syntax];
  const files = folder === 'entry' ? ['src/*.ts'] : [`src/${folder}/**/*.ts`, `src/${folder}/**/*.tsx`];
  return { files, ignores: ['src/db/generated/**'], rules };
}

export default tseslint.config(
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    ignores: [
      'node_modules',
      '.next',
      'next-env.d.ts',
      '.data',
      'data',
      'coverage',
      'tests/support/*.js',
      'src/db/generated',
    ],
  },
  {
    // Plain Node scripts the tests run in child processes.
    files: ['tests/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', Buffer: 'readonly' } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    plugins: { boundaries },
    settings: {
      'import/resolver': { typescript: { project: './tsconfig.json' } },
      'boundaries/elements': [
        ...[...servingFolders, 'training'].map((folder) => ({
          type: folder,
          pattern: `src/${folder}`,
          partialMatch: false,
        })),
      ],
      // Prisma's generated client; declarations for untyped packages; and the entry points Next.js looks for at the
      // top of src, above every layer.
      'boundaries/ignore': ['src/db/generated/**', 'src/types/*.d.ts', 'src/instrumentation.ts', 'src/proxy.ts'],
    },
    rules: {
      'boundaries/no-unknown-files': 'error',
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          message:
            '{{from.element.type}} may not import {{to.element.type}}: layers point down (DESIGN.md import rules)',
          policies: [
            ...LAYERS.flatMap((folders, layer) => folders.map((folder) => allowFrom(folder, below(layer)))),
            allowFrom('training', [...servingFolders, 'training']),
          ],
        },
      ],
    },
  },
  ...LAYERS.flat().concat('training', 'entry').map(folderImportRules),
  // Last: turns off the rules that would fight prettier's formatting (checked by `npm run lint`).
  prettier,
);
