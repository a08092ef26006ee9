/**
 * Another process opening an embedded database directory, for the directory tests (run with `node --import tsx`):
 *   hold <dir>  opens it, prints "ready", and keeps it open until SIGTERM (then closes it and exits 0);
 *   open <dir>  tries to open it and prints one JSON line: {"ok":true} or {"ok":false,"name","reason","message"}.
 */
import { openDatabase } from '../../src/db/database';

async function main(): Promise<void> {
  const [mode, dir] = process.argv.slice(2);
  if (mode === 'hold') {
    const db = await openDatabase({ dataDir: dir });
    await db.ping();
    process.once('SIGTERM', () => {
      void db.close().then(() => process.exit(0));
    });
    process.stdout.write('ready\n');
    // Kept alive by PGlite until SIGTERM.
    setInterval(() => undefined, 60_000);
    return;
  }
  if (mode === 'open') {
    try {
      const db = await openDatabase({ dataDir: dir });
      await db.close();
      process.stdout.write(`${JSON.stringify({ ok: true })}\n`);
    } catch (error) {
      const e = error as Error & { reason?: string };
      process.stdout.write(`${JSON.stringify({ ok: false, name: e.name, reason: e.reason, message: e.message })}\n`);
    }
    return;
  }
  throw new Error(`usage: embedded-database-process.ts hold|open <dir> (got ${mode})`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(2);
});
