/**
 * Starting the process's services when the server starts (Next.js's `register`), and stopping it on failures that will
 * not mend.
 */
import { processWide } from '@/config/process-wide';
import { services, signingKey } from './service-container';

/**
 * Builds the services at start rather than on the first request, so the embedded database's first
 * admin key is printed at start and a database that cannot be opened is reported at once. Next.js's `register`
 * (src/instrumentation.ts) and the start command (start-command.ts, which waits for it) both call it: the one start,
 * and its report, are shared.
 */
export function startServices(): Promise<void> {
  return processWide('services-started', startServicesNow);
}

async function startServicesNow(): Promise<void> {
  try {
    // The signing key first and alone: an unusable key file must stop the start even while the
    // database is unreachable, which would otherwise be the error reported.
    await signingKey();
    await services();
  } catch (error) {
    const reason = typeof error === 'object' && error !== null && 'reason' in error ? String(error.reason) : '';
    const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
    process.stderr.write(
      `the services could not start${reason ? ` [${reason}]` : ''}: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    // An embedded directory in use by another process or not writable, or an unusable audit signing
    // key, will not fix itself: stop rather than serve errors. Anything else (Postgres not up yet, say)
    // may pass, so the server stays up and /api/health and every request report the cause until it does.
    if (reason.startsWith('EMBEDDED_') || code === 'AUDIT_SIGNING_KEY_UNUSABLE') process.exit(1);
  }
}
