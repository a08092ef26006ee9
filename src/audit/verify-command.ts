/** `npm run audit:verify`: checks every link of the audit chain in the configured database and names the first broken one (exit 1). */
import { openDatabase } from '../db/database';
import { migrate } from '../db/migrations';
import { verifyAuditChain } from './audit-log';

async function main(): Promise<void> {
  const db = await openDatabase();
  try {
    // The embedded database is migrated on the server's start; a fresh one is migrated here likewise.
    if (db.kind === 'pglite') await migrate(db);
    const report = await verifyAuditChain(db.prisma);
    const where = db.kind === 'postgres' ? 'Postgres (DATABASE_URL)' : 'the embedded database';
    console.log(`audit chain in ${where}: ${report.checked.toLocaleString('en-US')} records checked; head ${report.head}`);
    if (report.unchained > 0) console.log(`${report.unchained.toLocaleString('en-US')} records predate the chain and are not covered by it`);
    if (report.firstBroken) {
      const { sequence, id, reason } = report.firstBroken;
      console.error(`BROKEN at sequence ${sequence} (record ${id}): ${reason}`);
      process.exitCode = 1;
    } else {
      console.log('every link holds');
    }
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 2;
});
