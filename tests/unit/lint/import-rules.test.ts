import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '../../..');

interface Message {
  ruleId: string | null;
  message: string;
}

/** ESLint's messages for each text, linted as the file it names (which need not exist). */
function lint(files: { filePath: string; code: string }[]): Message[][] {
  const output = execFileSync(process.execPath, [join(ROOT, 'tests/support/lint-text.mjs')], {
    cwd: ROOT,
    input: JSON.stringify(files.map((f) => ({ ...f, filePath: join(ROOT, f.filePath) }))),
    encoding: 'utf8',
  });
  return JSON.parse(output);
}

const rulesOf = (messages: Message[]) => messages.map((m) => `${m.ruleId}: ${m.message}`);

describe("lint enforces DESIGN.md's import rules", () => {
  // One ESLint start for every case: it is the slow part.
  const cases = {
    upwardImport: {
      filePath: 'src/config/upward.ts',
      code: "import { services } from '@/server/service-container';\nexport const s = services;\n",
    },
    upwardRelative: {
      filePath: 'src/db/upward.ts',
      code: "import { ModelRegistry } from '../inference/model-registry';\nexport const r = ModelRegistry;\n",
    },
    downwardImport: {
      filePath: 'src/prediction/downward.ts',
      code: "import { ModelRegistry } from '@/inference/model-registry';\nexport const r = ModelRegistry;\n",
    },
    servingImportsTraining: {
      filePath: 'src/graphql/training.ts',
      code: "import { trainCommand } from '@/training/train-command';\nexport const t = trainCommand;\n",
    },
    onnxOutsideInference: {
      filePath: 'src/prediction/onnx.ts',
      code: "import { InferenceSession } from 'onnxruntime-node';\nexport const s = InferenceSession;\n",
    },
    apolloOutsideGraphql: {
      filePath: 'src/ui/apollo.ts',
      code: "import { ApolloServer } from '@apollo/server';\nexport const a = ApolloServer;\n",
    },
    prismaOutsideStores: {
      filePath: 'src/graphql/prisma.ts',
      code: "import type { PrismaClient } from '@/db/generated/client';\nexport const q = (prisma: PrismaClient) => [prisma.prediction.findMany({}), prisma.$queryRawUnsafe('SELECT 1')];\n",
    },
    prismaInAudit: {
      filePath: 'src/audit/prisma.ts',
      code: "import type { PrismaClient } from '@/db/generated/client';\nexport const q = (prisma: PrismaClient) => prisma.prediction.findMany({});\n",
    },
    environmentOutsideConfig: {
      filePath: 'src/telemetry/env.ts',
      code: 'export const level = process.env.LOG_LEVEL;\n',
    },
    impureExplain: {
      filePath: 'src/explain/impure.ts',
      code: "import { readFileSync } from 'node:fs';\nexport const x = [readFileSync, Date.now(), new Date(), Math.random(), console];\n",
    },
    pureFeatures: {
      filePath: 'src/features/pure.ts',
      code: 'export const at = (iso: string) => new Date(iso).getTime();\n',
    },
  };
  let results: Record<keyof typeof cases, string[]>;

  beforeAll(() => {
    const names = Object.keys(cases) as (keyof typeof cases)[];
    const messages = lint(names.map((name) => cases[name]));
    results = Object.fromEntries(names.map((name, i) => [name, rulesOf(messages[i])])) as typeof results;
  });

  it('refuses an import that points up the layers, by alias or relative path', () => {
    expect(results.upwardImport).toEqual([
      'boundaries/dependencies: config may not import server: layers point down (DESIGN.md import rules)',
    ]);
    expect(results.upwardRelative).toEqual([
      'boundaries/dependencies: db may not import inference: layers point down (DESIGN.md import rules)',
    ]);
  });

  it('lets a layer import the ones below it', () => {
    expect(results.downwardImport).toEqual([]);
  });

  it('keeps the training pipeline out of serving code', () => {
    expect(results.servingImportsTraining).toEqual([
      'boundaries/dependencies: graphql may not import training: layers point down (DESIGN.md import rules)',
    ]);
  });

  it('keeps onnxruntime-node in src/inference and Apollo in src/graphql', () => {
    expect(results.onnxOutsideInference).toEqual([
      expect.stringContaining('onnxruntime-node is loaded only by src/inference'),
    ]);
    expect(results.apolloOutsideGraphql).toEqual([expect.stringContaining('GraphQL serving belongs in src/graphql')]);
  });

  it('keeps Prisma queries in the stores', () => {
    expect(results.prismaOutsideStores).toEqual([
      expect.stringContaining("'@/db/generated/client' import is restricted"),
      expect.stringContaining(
        'no-restricted-syntax: Prisma queries belong in src/db, src/audit, src/access, src/monitoring',
      ),
      expect.stringContaining('no-restricted-syntax: Prisma queries belong in'),
    ]);
    expect(results.prismaInAudit).toEqual([]);
  });

  it('reads the environment only in src/config', () => {
    expect(results.environmentOutsideConfig).toEqual([expect.stringContaining("'process.env' is restricted")]);
  });

  it('keeps src/explain and src/features pure: no I/O, no clock, no unseeded randomness', () => {
    expect(results.impureExplain).toEqual([
      expect.stringContaining("'node:fs' import is restricted"),
      'no-restricted-syntax: src/explain is pure: pass the time in.',
      'no-restricted-syntax: src/explain is pure: pass the time in.',
      'no-restricted-syntax: src/explain is pure: take a seeded generator.',
      expect.stringContaining("Unexpected use of 'console'"),
    ]);
    // Reading a time it is given is pure.
    expect(results.pureFeatures).toEqual([]);
  });
});
