/**
 * `npm run audit:verify [-- --checkpoint FILE... --public-key FILE]`: walks every link of the audit
 * chain in the configured database and names every broken one; with kept checkpoints, also checks each
 * one's signature and that the chain still holds its hash at its sequence. Exit 0: all holds; 1: a
 * break or a failed checkpoint (tampering); 2: the check itself could not run.
 */
import { CodedError } from '@/errors/coded-error';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { KeyObject } from 'node:crypto';
import { loadEnvironment } from '@/config/environment';
import { openDatabase } from '@/db/database';
import { migrate } from '@/db/migrations';
import { checkCheckpoints, keyIdOf, type AuditCheckpoint } from './audit-checkpoint';
import { verifyAuditChain } from './audit-log';
import { readCheckpointFile } from './checkpoint-file';
import { EMBEDDED_SIGNING_KEY_FILE, publicKeyFromPem } from './signing-key';

const USAGE = `usage: npm run audit:verify [-- [--checkpoint FILE...] [--public-key FILE]]
  --checkpoint FILE...  checkpoints kept from GET /api/audit/checkpoint, GraphQL auditCheckpoint or the
                        server's log (JSON, or JSON Lines of them); each file may hold many
  --public-key FILE     a signing key's public key (PEM); repeat it for every key the server has
                        signed with (after a rotation); default: the public half of
                        AUDIT_SIGNING_KEY_FILE, or of the embedded database's own key`;

class UsageError extends CodedError {
  readonly code = 'USAGE';
}

const count = (n: number) => n.toLocaleString('en-US');

function options(args: string[]) {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        checkpoint: { type: 'string', multiple: true },
        'public-key': { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length > 0 && !values.checkpoint) throw new UsageError(`unexpected argument ${positionals[0]}`);
  if (values['public-key'] && !values.checkpoint)
    throw new UsageError('--public-key checks checkpoints: give them with --checkpoint FILE...');
  // `--checkpoint a.jsonl b.jsonl`: the files after the flag are checkpoint files too.
  return {
    help: values.help === true,
    checkpointFiles: [...(values.checkpoint ?? []), ...positionals],
    publicKeyFiles: values['public-key'] ?? [],
  };
}

/** The keys checkpoints may be signed with: those named, or the one this installation signs with. */
function trustedPublicKeys(named: readonly string[]): KeyObject[] {
  const environment = loadEnvironment();
  const embedded = environment.DATABASE_URL ? undefined : join(environment.DATA_DIR, EMBEDDED_SIGNING_KEY_FILE);
  const installed = environment.AUDIT_SIGNING_KEY_FILE ?? (embedded && existsSync(embedded) ? embedded : undefined);
  const files = named.length > 0 ? named : installed ? [installed] : [];
  if (files.length === 0)
    throw new UsageError('no public key to check checkpoints with: name it with --public-key FILE');
  return files.map((file) => {
    let pem: string;
    try {
      pem = readFileSync(file, 'utf8');
    } catch (error) {
      throw new UsageError(`the public key ${file} cannot be read: ${(error as Error).message}`);
    }
    return publicKeyFromPem(pem, file);
  });
}

async function main(): Promise<void> {
  const { help, checkpointFiles, publicKeyFiles } = options(process.argv.slice(2));
  if (help) {
    console.log(USAGE);
    return;
  }
  const checkpoints: AuditCheckpoint[] = [];
  for (const file of checkpointFiles) checkpoints.push(...(await readCheckpointFile(file)));
  const trustedKeys = checkpoints.length > 0 ? trustedPublicKeys(publicKeyFiles) : [];

  const db = await openDatabase();
  try {
    // The embedded database is migrated on the server's start; a fresh one is migrated here likewise.
    if (db.kind === 'pglite') await migrate(db);
    const report = await verifyAuditChain(db.prisma, new Set(checkpoints.map((c) => c.sequence)));
    const where = db.kind === 'postgres' ? 'Postgres (DATABASE_URL)' : 'the embedded database';
    console.log(
      `audit chain in ${where}: ${count(report.checked)} records checked; head: sequence ${report.head.sequence}, hash ${report.head.hash}`,
    );
    for (const { kind, sequence, id, reason } of report.breaks)
      console.error(`BROKEN (${kind}) at sequence ${sequence}, record ${id}: ${reason}`);
    console.log(report.breaks.length === 0 ? 'every link holds' : `${count(report.breaks.length)} broken links`);

    if (checkpoints.length > 0) {
      const findings = checkCheckpoints(checkpoints, report, trustedKeys);
      for (const { kind, reason } of findings) console.error(`CHECKPOINT FAILED (${kind}): ${reason}`);
      const newest = checkpoints.reduce((a, b) => (b.sequence > a.sequence ? b : a));
      console.log(
        findings.length === 0
          ? `${count(checkpoints.length)} ${checkpoints.length === 1 ? 'checkpoint holds' : 'checkpoints hold'} (${trustedKeys.map((key) => `key ${keyIdOf(key).slice(0, 16)}…`).join(', ')}); the newest, of ${newest.time}, vouches for the first ${count(newest.sequence)} records`
          : `${count(findings.length)} of ${count(checkpoints.length)} checkpoints fail`,
      );
      if (findings.length > 0) process.exitCode = 1;
    } else {
      console.log(
        'no checkpoint given: records removed from the end, or a chain rewritten from the start, would not show (see the README, "Keeping the audit trail honest")',
      );
    }
    if (report.breaks.length > 0) process.exitCode = 1;
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  if (error instanceof UsageError) console.error(USAGE);
  process.exitCode = 2;
});
