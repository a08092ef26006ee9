/**
 * `npm run audit:verify` as an auditor runs it: the real command in a child process, on Postgres and on
 * the embedded PGlite database, against chains an attacker with database access has tampered with in
 * SQL. Its exit code (0 all holds, 1 tampering, 2 the check could not run) and what it names on stderr.
 */
import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GENESIS_HASH, linkHash } from '@/audit/audit-chain';
import type { AuditCheckpoint } from '@/audit/audit-checkpoint';
import { prismaAuditLog } from '@/audit/audit-log';
import { readChainHead } from '@/audit/chain-writer';
import { auditCheckpoints } from '@/audit/checkpoints';
import { createSigningKey, EMBEDDED_SIGNING_KEY_FILE, type SigningKey } from '@/audit/signing-key';
import { openDatabase, type Database, type DatabaseKind } from '@/db/database';
import { migrate } from '@/db/migrations';
import { createMigratedPostgresDatabase } from '../../support/test-databases';
import { numberedRecord } from '../../support/audit-records';

const REPO = resolve(__dirname, '..', '..', '..');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npm run audit:verify -- ...args` (tsx on src/audit/verify-command.ts), with only the given settings. */
function verify(settings: Record<string, string>, ...args: string[]): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '' };
  // Whatever the shell running jest has set must not pick the database or the key.
  delete env.DATABASE_URL;
  delete env.DATA_DIR;
  delete env.AUDIT_SIGNING_KEY_FILE;
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', join('src', 'audit', 'verify-command.ts'), ...args],
      { cwd: REPO, env: { ...env, ...settings }, timeout: 90_000 },
      (error, stdout, stderr) =>
        done({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
    );
  });
}

const record = (i: number) => numberedRecord(i, 'verify');

/** Raw SQL past the app with the append-only trigger off, as an attacker with database access would write it. */
async function tamper(db: Database, script: string): Promise<void> {
  await db.transaction((tx) =>
    tx.exec(`ALTER TABLE prediction DISABLE TRIGGER prediction_append_only;
             ${script}
             ALTER TABLE prediction ENABLE TRIGGER prediction_append_only;`),
  );
}

/** Changes record 1 and recomputes every link after it in order: a chain that holds, and is not the one signed. */
async function rewriteConsistently(db: Database): Promise<void> {
  await tamper(db, 'UPDATE prediction SET probability = 0.99 WHERE sequence = 1;');
  const log = prismaAuditLog(db.prisma);
  const rows = await db.prisma.prediction.findMany({
    select: { id: true, sequence: true },
    orderBy: { sequence: 'asc' },
  });
  let previous = GENESIS_HASH;
  const updates: string[] = [];
  for (const row of rows) {
    const stored = await log.get(row.id);
    if (!stored) throw new Error(`record ${row.id} cannot be read back`);
    const hash = linkHash(previous, { ...stored, sequence: Number(row.sequence) });
    updates.push(`UPDATE prediction SET previous_hash = '${previous}', hash = '${hash}' WHERE id = '${row.id}';`);
    previous = hash;
  }
  await tamper(db, updates.join('\n'));
}

const COLUMNS =
  'model_id, model_version, onnx_sha256, inputs, vector, probability, positive, risk_band, base_value, contributions, patient_ref, request_id, latency_ms, requester, created_at';

let dir: string;
let key: SigningKey;
let keyFile: string;
let publicKeyFile: string;
let otherPublicKeyFile: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crc-audit-verify-'));
  keyFile = join(dir, 'signing-key.pem');
  key = await createSigningKey(keyFile);
  publicKeyFile = join(dir, 'signing-key.pub.pem');
  await writeFile(publicKeyFile, key.publicKeyPem);
  const other = await createSigningKey(join(dir, 'other-key.pem'));
  otherPublicKeyFile = join(dir, 'other-key.pub.pem');
  await writeFile(otherPublicKeyFile, other.publicKeyPem);
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/**
 * A database of the kind with migrations applied, open in this process, and the settings that point the command at it.
 */
async function freshDatabase(
  kind: DatabaseKind,
): Promise<{ db: Database; settings: Record<string, string>; dataDir?: string; drop(): Promise<void> }> {
  if (kind === 'postgres') {
    const database = await createMigratedPostgresDatabase('crc_verify_cmd');
    const db = await openDatabase({ databaseUrl: database.url });
    return { db, settings: { DATABASE_URL: database.url }, drop: () => database.drop() };
  }
  const home = await mkdtemp(join(tmpdir(), 'crc-verify-pglite-'));
  const dataDir = join(home, 'pglite');
  const db = await openDatabase({ dataDir });
  await migrate(db);
  return { db, settings: { DATA_DIR: dataDir }, dataDir, drop: () => rm(home, { recursive: true, force: true }) };
}

interface Chain {
  settings: Record<string, string>;
  dataDir?: string;
  /** Checkpoints taken after records 3 and 6, as JSON Lines. */
  checkpointFile: string;
  checkpoints: AuditCheckpoint[];
}

/**
 * Six records with a checkpoint after the third and after the sixth, then `attack` in SQL; the database
 * is closed before the command runs (an open embedded database locks its directory).
 */
async function chain(kind: DatabaseKind, attack?: (db: Database) => Promise<void>): Promise<Chain> {
  const { db, settings, dataDir, drop } = await freshDatabase(kind);
  cleanups.push(drop);
  try {
    const log = prismaAuditLog(db.prisma);
    const signer = auditCheckpoints(() => readChainHead(db.prisma), key);
    await log.append([record(1), record(2), record(3)]);
    const first = await signer.latest();
    await log.append([record(4), record(5), record(6)]);
    const second = await signer.latest();
    expect([first.sequence, second.sequence]).toEqual([3, 6]);
    if (attack) await attack(db);
    const checkpointFile = join(dir, `checkpoints-${randomUUID()}.jsonl`);
    await writeFile(checkpointFile, `${JSON.stringify(first)}\n${JSON.stringify(second)}\n`);
    return { settings, dataDir, checkpointFile, checkpoints: [first, second] };
  } finally {
    await db.close();
  }
}

let cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  const pending = cleanups;
  cleanups = [];
  for (const cleanup of pending) await cleanup();
});

const lines = (text: string, pattern: RegExp) => text.split('\n').filter((line) => pattern.test(line));

describe.each<[DatabaseKind]>([['postgres'], ['pglite']])('npm run audit:verify on %s', (kind) => {
  // A PGlite case creates a database and starts it again in each child: ~50 s on a loaded machine.
  const timeout = kind === 'pglite' ? 240_000 : 120_000;

  it(
    'exits 0 on an untouched chain: every link holds and every checkpoint holds',
    async () => {
      const { settings, checkpointFile, dataDir } = await chain(kind);
      const run = await verify(settings, '--checkpoint', checkpointFile, '--public-key', publicKeyFile);
      expect(run.stderr).toBe('');
      // The database the settings name, not the repository's default one.
      expect(run.stdout).toContain(
        kind === 'postgres'
          ? 'audit chain in Postgres (DATABASE_URL): 6 records checked'
          : 'audit chain in the embedded database: 6 records checked',
      );
      expect(run.stdout).toMatch(/: 6 records checked; head: sequence 6, hash [0-9a-f]{64}/);
      expect(run.stdout).toContain('every link holds');
      expect(run.stdout).toMatch(
        /2 checkpoints hold \(key [0-9a-f]{16}…\); the newest, of .*, vouches for the first 6 records/,
      );
      expect(run.code).toBe(0);

      if (kind === 'pglite') {
        // The embedded default: the key the database signs with, in its own directory, is the one trusted.
        await writeFile(
          join(dataDir as string, EMBEDDED_SIGNING_KEY_FILE),
          key.privateKey.export({ type: 'pkcs8', format: 'pem' }),
          { mode: 0o600 },
        );
        const byDefault = await verify(settings, '--checkpoint', checkpointFile);
        expect(byDefault.stderr).toBe('');
        expect(byDefault.stdout).toContain('2 checkpoints hold');
        expect(byDefault.code).toBe(0);
      } else {
        // The private key's PEM is accepted as the public key, named or from AUDIT_SIGNING_KEY_FILE.
        const [named, fromEnvironment, none, without] = await Promise.all([
          verify(settings, '--checkpoint', checkpointFile, '--public-key', keyFile),
          verify({ ...settings, AUDIT_SIGNING_KEY_FILE: keyFile }, '--checkpoint', checkpointFile),
          verify(settings, '--checkpoint', checkpointFile),
          verify(settings),
        ]);
        for (const run of [named, fromEnvironment]) {
          expect(run.stdout).toContain('2 checkpoints hold');
          expect(run.code).toBe(0);
        }
        // Postgres has no key of its own to fall back on.
        expect(none.stderr).toContain('no public key to check checkpoints with: name it with --public-key FILE');
        expect(none.code).toBe(2);
        expect(without.stdout).toContain('every link holds');
        expect(without.stdout).toContain('no checkpoint given');
        expect(without.code).toBe(0);
      }
    },
    timeout,
  );

  it(
    'exits 1 naming the record whose probability was changed in SQL (altered)',
    async () => {
      const { settings, checkpointFile } = await chain(kind, (db) =>
        tamper(db, 'UPDATE prediction SET probability = 0.01 WHERE sequence = 2;'),
      );
      const run = await verify(settings, '--checkpoint', checkpointFile, '--public-key', publicKeyFile);
      expect(lines(run.stderr, /^BROKEN/)).toEqual([
        expect.stringMatching(
          /^BROKEN \(altered\) at sequence 2, record [0-9a-f-]{36}: its content does not match its hash/,
        ),
      ]);
      expect(run.stdout).toContain('1 broken links');
      expect(run.code).toBe(1);
    },
    timeout,
  );

  it(
    'exits 1 on records deleted from the end only with a checkpoint (truncated); without one the cut chain passes',
    async () => {
      const { settings, checkpointFile } = await chain(kind, (db) =>
        tamper(db, 'DELETE FROM prediction WHERE sequence > 4;'),
      );
      const checked = await verify(settings, '--checkpoint', checkpointFile, '--public-key', publicKeyFile);
      expect(lines(checked.stderr, /^BROKEN/)).toEqual([]);
      expect(lines(checked.stderr, /^CHECKPOINT FAILED/)).toEqual([
        expect.stringMatching(
          /^CHECKPOINT FAILED \(truncated\): the checkpoint of .* vouches for 6 records, but the chain now ends at 4 \(records removed from its end\)/,
        ),
      ]);
      expect(checked.stdout).toContain('every link holds');
      expect(checked.stdout).toContain('1 of 2 checkpoints fail');
      expect(checked.code).toBe(1);

      // What checkpoints add: the walk alone sees a shorter chain whose every link holds.
      const unchecked = await verify(settings);
      expect(unchecked.stderr).toBe('');
      expect(unchecked.stdout).toMatch(/4 records checked; head: sequence 4/);
      expect(unchecked.stdout).toContain('every link holds');
      expect(unchecked.code).toBe(0);
    },
    timeout,
  );

  it(
    'exits 1 on a chain rewritten consistently after the checkpoint (rewritten), though every link holds; without checkpoints it passes',
    async () => {
      const { settings, checkpointFile, checkpoints } = await chain(kind, rewriteConsistently);
      const checked = await verify(settings, '--checkpoint', checkpointFile, '--public-key', publicKeyFile);
      expect(lines(checked.stderr, /^BROKEN/)).toEqual([]);
      expect(checked.stdout).toContain('every link holds');
      const failed = lines(checked.stderr, /^CHECKPOINT FAILED/);
      expect(failed).toEqual([
        expect.stringMatching(
          new RegExp(
            `^CHECKPOINT FAILED \\(rewritten\\): the checkpoint of .* says sequence 3 has hash ${checkpoints[0].hash}, but the chain holds [0-9a-f]{64} \\(the chain was rewritten\\)`,
          ),
        ),
        expect.stringMatching(
          new RegExp(
            `^CHECKPOINT FAILED \\(rewritten\\): the checkpoint of .* says sequence 6 has hash ${checkpoints[1].hash}, but the chain holds [0-9a-f]{64}`,
          ),
        ),
      ]);
      expect(checked.code).toBe(1);

      const unchecked = await verify(settings);
      expect(unchecked.stderr).toBe('');
      expect(unchecked.stdout).toContain('6 records checked');
      expect(unchecked.stdout).toContain('every link holds');
      expect(unchecked.code).toBe(0);
    },
    timeout,
  );

  // The embedded database is slow to create: the cases below run on Postgres only (the command's code path is the
  // same).
  if (kind !== 'postgres') return;

  it('exits 1 naming the gap a middle record deleted in SQL leaves (missing)', async () => {
    const { settings, checkpointFile } = await chain(kind, (db) =>
      tamper(db, 'DELETE FROM prediction WHERE sequence = 2;'),
    );
    const run = await verify(settings, '--checkpoint', checkpointFile, '--public-key', publicKeyFile);
    expect(lines(run.stderr, /^BROKEN/)).toEqual([
      expect.stringMatching(
        /^BROKEN \(missing\) at sequence 2, record [0-9a-f-]{36}: sequence 2 is missing \(records deleted\)/,
      ),
    ]);
    expect(run.stdout).toContain('5 records checked');
    expect(run.code).toBe(1);
  });

  it('exits 1 on a forged row: a copy of the newest with a new id and the next sequence, linked to it but its hash not recomputed', async () => {
    // Hashes are unique in the table, so the forger cannot reuse the copied row's; any other than the link's own fails.
    const FORGED_HASH = createHash('sha256').update('forged').digest('hex');
    const { settings, checkpointFile } = await chain(kind, (db) =>
      tamper(
        db,
        `INSERT INTO prediction (id, ${COLUMNS}, sequence, previous_hash, hash)
         SELECT '${randomUUID()}', ${COLUMNS}, 7, hash, '${FORGED_HASH}' FROM prediction WHERE sequence = 6;`,
      ),
    );
    const run = await verify(settings, '--checkpoint', checkpointFile, '--public-key', publicKeyFile);
    expect(run.stdout).toContain('7 records checked');
    expect(lines(run.stderr, /^BROKEN/)).toEqual([expect.stringMatching(/^BROKEN \(altered\) at sequence 7, /)]);
    expect(run.code).toBe(1);
  });

  it('exits 1 on two records whose sequence numbers were swapped', async () => {
    const { settings, checkpointFile } = await chain(kind, (db) =>
      tamper(
        db,
        `UPDATE prediction SET sequence = 1000 WHERE sequence = 4;
         UPDATE prediction SET sequence = 4 WHERE sequence = 5;
         UPDATE prediction SET sequence = 5 WHERE sequence = 1000;`,
      ),
    );
    const run = await verify(settings, '--checkpoint', checkpointFile, '--public-key', publicKeyFile);
    const broken = lines(run.stderr, /^BROKEN/).map((line) =>
      /^BROKEN \((\w+)\) at sequence (\d+)/.exec(line)?.slice(1).join(' '),
    );
    expect(broken).toEqual(['relinked 4', 'altered 4', 'relinked 5', 'altered 5', 'relinked 6']);
    expect(run.code).toBe(1);
  });

  it('exits 1 on a checkpoint edited by hand, or checked against another key (signature)', async () => {
    const { settings, checkpoints } = await chain(kind);
    const edited = join(dir, `edited-${randomUUID()}.json`);
    await writeFile(edited, JSON.stringify({ ...checkpoints[1], sequence: 5 }, null, 2));
    const byHand = await verify(settings, '--checkpoint', edited, '--public-key', publicKeyFile);
    expect(lines(byHand.stderr, /^CHECKPOINT FAILED/)).toEqual([
      expect.stringMatching(
        /^CHECKPOINT FAILED \(signature\): the checkpoint of .* \(sequence 5\) does not verify: its signature does not hold under the trusted key .* \(it was edited\)/,
      ),
    ]);
    expect(byHand.stdout).toContain('every link holds');
    expect(byHand.code).toBe(1);

    const kept = join(dir, `kept-${randomUUID()}.jsonl`);
    await writeFile(kept, checkpoints.map((c) => JSON.stringify(c)).join('\n'));
    const otherKey = await verify(settings, '--checkpoint', kept, '--public-key', otherPublicKeyFile);
    expect(lines(otherKey.stderr, /^CHECKPOINT FAILED/)).toEqual([
      expect.stringMatching(/^CHECKPOINT FAILED \(signature\): .*\(sequence 3\)/),
      expect.stringMatching(/^CHECKPOINT FAILED \(signature\): .*\(sequence 6\)/),
    ]);
    expect(otherKey.stdout).toContain('2 of 2 checkpoints fail');
    expect(otherKey.code).toBe(1);

    // After a key rotation both keys are trusted, and each checkpoint is checked with the key it names.
    const rotated = await verify(
      settings,
      '--checkpoint',
      kept,
      '--public-key',
      otherPublicKeyFile,
      '--public-key',
      publicKeyFile,
    );
    expect(rotated.stdout).toContain('2 checkpoints hold');
    expect(rotated.code).toBe(0);
  });

  it('exits 2 when the check cannot run: an unknown flag, a stray argument, an unreadable checkpoint file', async () => {
    const { settings, checkpointFile } = await chain(kind);
    const missing = join(dir, 'no-such-checkpoints.jsonl');
    const notCheckpoints = join(dir, `not-checkpoints-${randomUUID()}.jsonl`);
    await writeFile(notCheckpoints, '{"sequence": 3}\n');
    const [unknown, stray, unreadable, invalid, help] = await Promise.all([
      verify(settings, '--bogus'),
      verify(settings, checkpointFile),
      verify(settings, '--checkpoint', missing, '--public-key', publicKeyFile),
      verify(settings, '--checkpoint', notCheckpoints, '--public-key', publicKeyFile),
      verify(settings, '--help'),
    ]);
    expect(unknown.stderr).toMatch(/unknown option '--bogus'/i);
    expect(unknown.stderr).toContain('usage: npm run audit:verify');
    expect(unknown.code).toBe(2);
    expect(stray.stderr).toContain(`unexpected argument ${checkpointFile}`);
    expect(stray.stderr).toContain('usage: npm run audit:verify');
    expect(stray.code).toBe(2);
    expect(unreadable.stderr).toContain(`${missing}: cannot be read`);
    expect(unreadable.stdout).toBe('');
    expect(unreadable.code).toBe(2);
    expect(invalid.stderr).toContain(`${notCheckpoints}: its JSON is not a checkpoint`);
    expect(invalid.code).toBe(2);
    expect(help.stdout).toMatch(/^usage: npm run audit:verify/);
    expect(help.code).toBe(0);
    for (const run of [unknown, stray, unreadable, invalid]) expect(run.stderr).not.toMatch(/TypeError|\n {4}at /);
  });
});
