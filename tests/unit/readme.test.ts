/**
 * README.md's commands are real: every command in its ```sh blocks exists (npm scripts in package.json)
 * and is run by a test or by .ci/run, as COVERAGE below records. A command added to the README without
 * an entry there fails this test, naming the command and what to do.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadEnvironment } from '@/config/environment';
import { parseStartArgs } from '@/server/start-command';
import { README, readmeCommands, type ReadmeCommand } from '../support/readme';

const ROOT = resolve(__dirname, '..', '..');
const scripts: Record<string, string> = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts;

interface Coverage {
  /**
   * The files (tests, or .ci/run) that run the command, each with the text in it that shows so (by default the command
   * itself or its entry module).
   */
  runBy: (string | { file: string; shows: string })[];
  /**
   * When the files run a shortened or related form rather than the command as written: how, and why the full command is
   * not in CI.
   */
  because?: string;
}

/** README command (see commandKey) → what runs it. */
const COVERAGE: Record<string, Coverage> = {
  'npm install': { runBy: ['.ci/run'] },
  'npm start': {
    runBy: [
      { file: 'tests/support/next-server.ts', shows: "'--import', 'tsx', START_COMMAND, '--port'" },
      { file: 'tests/integration/http/graphql-http.test.ts', shows: 'buildApp' },
      { file: 'tests/integration/server/http-server.test.ts', shows: 'buildApp' },
    ],
    because:
      'the HTTP tests run the start script’s two steps, `next build` then the server (src/server/start-command.ts), on a free port',
  },
  'PORT=… npm start': {
    runBy: [
      { file: 'tests/unit/readme.test.ts', shows: 'PORT: 8080' },
      { file: 'tests/support/next-server.ts', shows: "'--import', 'tsx', START_COMMAND, '--port'" },
    ],
    because:
      'this test checks that the start script ends in the server and that the server takes its port from PORT; the HTTP tests start it on a chosen port',
  },
  'DATABASE_URL=… npm start': {
    runBy: [
      { file: 'tests/integration/server/cluster.test.ts', shows: "['--workers', '2']" },
      { file: 'tests/support/next-server.ts', shows: "'--import', 'tsx', START_COMMAND, '--port'" },
    ],
    because:
      'the cluster test runs the start script’s server with --workers 2 on a fresh Postgres database (DATABASE_URL) after the build',
  },
  'npm test': { runBy: ['.ci/run'] },
  'export CRC_KEY': { runBy: [{ file: 'tests/integration/http/graphql-http.test.ts', shows: 'CRC_KEY' }] },
  'curl /api/graphql': {
    runBy: [{ file: 'tests/integration/http/graphql-http.test.ts', shows: "README's curl example" }],
  },
  'curl /api/audit/checkpoint': {
    runBy: [{ file: 'tests/integration/http/hardening-http.test.ts', shows: '/api/audit/checkpoint' }],
    because: 'the same GET with a bearer key, sent by fetch to the test’s server (console.example is an example host)',
  },
  'npm run audit:verify': { runBy: ['tests/integration/audit/verify-command.test.ts'] },
  'npm run score': {
    runBy: [
      'tests/integration/training/cli.test.ts',
      'tests/integration/training/score-command.test.ts',
      'tests/integration/training/score-records.test.ts',
    ],
  },
  'export DATABASE_URL': { runBy: [{ file: 'tests/integration/db/migrate-command.test.ts', shows: 'DATABASE_URL' }] },
  'npm run db:migrate': {
    runBy: ['tests/integration/db/migrate-command.test.ts', 'tests/integration/db/studio-command.test.ts'],
  },
  'npm run studio': { runBy: ['tests/integration/db/studio-command.test.ts'] },
  'npm run keys': {
    runBy: ['tests/integration/access/keys-command.test.ts', 'tests/integration/access/access-stores.test.ts'],
  },
  'npm run audit:key': { runBy: ['tests/integration/audit/signing-key-command.test.ts'] },
  'npm run train': {
    runBy: [
      'tests/integration/training/cli.test.ts',
      'tests/integration/training/committed-models.test.ts',
      { file: 'tests/integration/training/reference-command.test.ts', shows: 'referenceCommand' },
    ],
    because:
      'all three models take 11–13 minutes on 2 cores: CI runs the command for its usage, and retrains heart-failure and diabetes with --check through the same trainCommand; --reference regenerates their reference.json through the same referenceCommand',
  },
  'npm run test:unit': {
    runBy: [{ file: '.ci/run', shows: 'npm test' }],
    because: '`jest tests/unit` is part of `npm test`, which CI runs',
  },
  'npm run test:exhaustive': {
    runBy: [{ file: 'tests/integration/explain/shipped-models.test.ts', shows: 'CRC_EXHAUSTIVE' }],
    because: 'every sepsis row takes over four minutes: CI runs the same test on 100,000 evenly spaced sepsis rows',
  },
  'npm run typecheck': { runBy: ['.ci/run'] },
  'npm run lint': { runBy: ['.ci/run'] },
  'npm run graphql:schema': {
    runBy: ['tests/unit/graphql/schema-file.test.ts'],
    because:
      'the test builds and prints the schema as the command does and compares it with the committed file; running the command would rewrite the file and hide the drift',
  },
  'npm run bench': {
    runBy: [
      { file: 'tests/integration/inference/model-registry.test.ts', shows: 'loadModel' },
      { file: 'tests/integration/explain/shipped-models.test.ts', shows: 'prepareExplainer' },
      { file: '.ci/run', shows: 'typecheck' },
    ],
    because:
      'about 30 s of timed loops whose figures mean nothing beside a parallel test run: CI loads every shipped model and its explainer (the bench’s code path) and typechecks tests/bench',
  },
  'npm run bench:api': {
    runBy: [
      { file: 'tests/integration/http/soak.test.ts', shows: 'soakOnFreshDatabase' },
      { file: '.ci/run', shows: 'typecheck' },
    ],
    because:
      'a build and 15 s of load per phase on a quiet machine: CI’s shortened soak drives the same path (autocannon → the app’s server → predict → a fresh Postgres) and typechecks tests/bench',
  },
  'npm run bench:pages': {
    runBy: [
      { file: 'tests/e2e/dashboard.test.ts', shows: '/predictions/export.csv' },
      { file: '.ci/run', shows: 'typecheck' },
    ],
    because:
      'it seeds 10,000 records and times every page: CI’s e2e test renders the pages and the CSV export through the app’s server, and typechecks tests/bench',
  },
  'npm run bench:score': {
    runBy: [
      {
        file: 'tests/integration/training/score-command.test.ts',
        shows: 'more than one batch of the streaming scorer',
      },
      { file: '.ci/run', shows: 'typecheck' },
    ],
    because:
      'three processes scoring 872k rows take minutes, and their rows/s and peak RSS mean nothing beside a parallel test run: CI runs the same streaming path (scoreCommand on 6,000 hours, more than one batch, plain and gzip, and refusals after rows were written) and typechecks tests/bench',
  },
  'npm run soak': {
    runBy: ['tests/integration/http/soak.test.ts'],
    because: 'a minute of load: CI runs the same soak (tests/load/predict-soak.ts) for 8 seconds',
  },
  'bash .ci/run': { runBy: [{ file: '.ci/run', shows: 'npm test' }], because: 'it is what CI runs' },
  'DATABASE_URL=… npm run worker': {
    runBy: [
      { file: 'tests/integration/server/worker-command.test.ts', shows: "npmStart(\n      'worker'" },
      { file: 'tests/integration/faults/worker-faults.test.ts', shows: 'DATABASE_URL: databaseUrl' },
    ],
    because:
      'the tests start `npm run worker` with DATABASE_URL set to a database of their own (the fault test a private cluster) and a stream of their own, not the machine’s CRC_OBSERVATIONS',
  },
  'npm run replay': {
    runBy: [
      { file: 'tests/unit/server/replay-command.test.ts', shows: '@/server/replay-command' },
      { file: 'tests/integration/ingest/ways-in.test.ts', shows: 'await replay(' },
      { file: 'tests/integration/ingest/replay-direct.test.ts', shows: 'directTransport' },
    ],
    because:
      'at speed 600 forty stays take minutes of wall time: the tests parse the command’s options and run the same replay at full speed through every transport (graphql, fhir and nats into one database, direct into the embedded one)',
  },
  'npm run bench:pool': {
    runBy: [
      { file: 'tests/integration/prediction/explain-pool.test.ts', shows: 'scoreVectors gives every varied valid row' },
      { file: '.ci/run', shows: 'typecheck' },
    ],
    because:
      'timed rounds that mean nothing beside a parallel test run: CI’s explain-pool test scores the same batches through scoreVectors with the pool and without, and typechecks tests/bench',
  },
  'npm run bench:audit': {
    runBy: [
      { file: 'tests/integration/audit/chain-writer.test.ts', shows: 'extends one chain whichever route appends' },
      { file: '.ci/run', shows: 'typecheck' },
    ],
    because:
      'timed rounds of 1,000-row batches that mean nothing beside a parallel test run: CI’s chain-writer test appends through every route the bench times (Prisma, the database connection) on Postgres and PGlite and checks the chain, and typechecks tests/bench',
  },
  'npm run bench:ingest': {
    runBy: [
      { file: 'tests/integration/ingest/ways-in.test.ts', shows: 'runWorker' },
      { file: '.ci/run', shows: 'typecheck' },
    ],
    because:
      'its rates mean nothing beside a parallel test run: CI’s ways-in test drives every way in the bench times, on a fresh Postgres, and typechecks tests/bench',
  },
};

/**
 * The name a command has in COVERAGE: `npm run <script>`, `npm <command>`, `export NAME`, `curl <path>`, `bash <file>`,
 * settings first (`PORT=… npm start`).
 */
function commandKey(command: ReadmeCommand): string {
  const [program, ...args] = command.words;
  let key: string;
  if (program === 'npm') key = args[0] === 'run' ? `npm run ${args[1]}` : `npm ${args[0]}`;
  else if (program === 'export') key = `export ${args[0].split('=')[0]}`;
  else if (program === 'curl')
    key = `curl ${new URL(args.find((a) => /^https?:\/\//.test(a)) ?? 'http://missing/').pathname}`;
  else key = `${program} ${args[0] ?? ''}`.trim();
  return command.settings.map((name) => `${name}=… `).join('') + key;
}

/** The npm script a command runs, if it runs one. */
function scriptOf(command: ReadmeCommand): string | undefined {
  const [program, verb, name] = command.words;
  if (program !== 'npm') return undefined;
  if (verb === 'run') return name;
  return verb === 'install' || verb === 'ci' ? undefined : verb;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * How a file shows that it runs `key` when COVERAGE does not say: the command, or the entry module its npm script runs.
 */
function defaultEvidence(key: string): RegExp {
  const script = /^npm run (\S+)$/.exec(key)?.[1];
  if (!script) return new RegExp(`${escape(key)}(?![\\w:-])`);
  const entry = /(?:src|tests)\/([\w/.-]+)\.[cm]?[tj]s\b/.exec(scripts[script] ?? '')?.[1];
  const alternatives = [
    `npm run (?:--silent )?${escape(script)}(?![\\w:-])`,
    `npmRun\\('${escape(script)}'`,
    `npmStart\\('${escape(script)}'`,
  ];
  if (entry)
    alternatives.push(
      escape(entry),
      entry
        .split('/')
        .map((part) => `'${escape(part)}(?:\\.ts)?'`)
        .join(',\\s*'),
    );
  return new RegExp(alternatives.join('|'));
}

const commands = readmeCommands();

describe('the commands in README.md', () => {
  it('are found in its ```sh blocks', () => {
    expect(commands.length).toBeGreaterThan(20);
    expect(commands.map(commandKey)).toEqual(
      expect.arrayContaining(['npm install', 'npm start', 'npm test', 'npm run keys', 'curl /api/graphql']),
    );
  });

  it.each(commands.map((c) => [c.line.split('\n')[0], c] as const))(
    '`%s` names an npm script that exists',
    (_line, command) => {
      const script = scriptOf(command);
      if (script === undefined) return;
      if (!(script in scripts))
        throw new Error(
          `README runs \`${command.line}\`, but package.json has no script "${script}": add it, or fix the README.`,
        );
    },
  );

  it.each(commands.map((c) => [c.line.split('\n')[0], c] as const))(
    '`%s` is run by a test or by .ci/run',
    (_line, command) => {
      const key = commandKey(command);
      const coverage = COVERAGE[key];
      if (!coverage) {
        throw new Error(
          `README command \`${command.line}\` (as "${key}") is run by no test this file knows: write a test that runs it ` +
            `(or find the one that does, or .ci/run) and add "${key}" with that file to COVERAGE in tests/unit/readme.test.ts.`,
        );
      }
      expect(coverage.runBy.length).toBeGreaterThan(0);
      for (const entry of coverage.runBy) {
        const { file, shows } = typeof entry === 'string' ? { file: entry, shows: undefined } : entry;
        const path = join(ROOT, file);
        if (!existsSync(path))
          throw new Error(
            `COVERAGE says ${file} runs \`${key}\`, but ${file} does not exist: update COVERAGE in tests/unit/readme.test.ts.`,
          );
        const evidence = shows === undefined ? defaultEvidence(key) : new RegExp(escape(shows));
        if (!evidence.test(readFileSync(path, 'utf8'))) {
          throw new Error(
            `COVERAGE says ${file} runs \`${key}\`, but ${file} does not mention ${evidence}: name the file that runs it in COVERAGE.`,
          );
        }
      }
    },
  );

  it('has no entry in COVERAGE for a command the README no longer shows', () => {
    const shown = new Set(commands.map(commandKey));
    expect(Object.keys(COVERAGE).filter((key) => !shown.has(key))).toEqual([]);
  });

  it('names only npm scripts that exist, in the prose too', () => {
    const named = [...readFileSync(README, 'utf8').matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]);
    expect(named.filter((script) => !(script in scripts))).toEqual([]);
  });
});

describe("the README's claims about those commands", () => {
  it('`npm test` runs every test under tests/ (unit, integration, HTTP and e2e alike)', async () => {
    const config = (await import(join(ROOT, 'jest.config.js'))) as {
      testMatch: string[];
      testPathIgnorePatterns?: string[];
    };
    expect(scripts.test).toBe('jest');
    expect(config.testMatch).toEqual(['<rootDir>/tests/**/*.test.ts']);
    expect(config.testPathIgnorePatterns).toBeUndefined();
  });

  it('`PORT=8080 npm start` serves on 8080: the start script ends in the server, which takes its port from PORT', () => {
    expect(scripts.start).toMatch(
      /^next build && NODE_ENV=production node --import tsx src\/server\/start-command\.ts$/,
    );
    expect(parseStartArgs([], loadEnvironment({ PORT: '8080' })).port).toBe(8080);
    expect(parseStartArgs([], loadEnvironment({})).port).toBe(3000);
  });

  it('`npm start` needs tsx at run time, so tsx is a dependency, not only a devDependency', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(manifest.dependencies.tsx).toBeDefined();
  });
});
