/**
 * `npm run db:migrate`: migrates the configured database (DATABASE_URL, or the embedded one in DATA_DIR) and says what
 * it applied.
 */
import { openDatabase } from './database';
import { migrate } from './migrations';

async function main(): Promise<void> {
  const db = await openDatabase();
  try {
    const { applied } = await migrate(db);
    const where = db.kind === 'postgres' ? 'Postgres (DATABASE_URL)' : 'the embedded PGlite database';
    process.stdout.write(
      applied.length === 0
        ? `${where} is up to date: no migration to apply\n`
        : `applied to ${where}:\n${applied.map((name) => `  ${name}\n`).join('')}`,
    );
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  const code = typeof error === 'object' && error !== null && 'code' in error ? ` [${String(error.code)}]` : '';
  process.stderr.write(`db:migrate failed${code}: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
