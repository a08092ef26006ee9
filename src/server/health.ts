/**
 * Whether the service can answer: every model loaded and the audit database reachable, each part reported on its own.
 */
import { database, modelRegistry } from './service-container';

export interface HealthReport {
  status: 'ok' | 'unavailable';
  models: { ok: true; loaded: string[] } | { ok: false; error: string };
  database: { ok: true; kind: 'postgres' | 'pglite' } | { ok: false; error: string };
}

/** A database that has not answered in this long counts as down: health checks must answer fast. */
const DATABASE_TIMEOUT_MS = 2000;

export async function healthReport(): Promise<HealthReport> {
  const [models, db] = await Promise.all([
    modelRegistry().then(
      async (registry): Promise<HealthReport['models']> => ({
        ok: true,
        loaded: (await registry.list()).map((m) => m.card.id),
      }),
      (error: Error): HealthReport['models'] => ({ ok: false, error: error.message }),
    ),
    // Opening is bounded by the driver's own connection timeout (and, embedded, runs once); the ping is the live check.
    database()
      .then(async (d) => {
        await withTimeout(d.ping(), DATABASE_TIMEOUT_MS);
        return d.kind;
      })
      .then(
        (kind): HealthReport['database'] => ({ ok: true, kind }),
        (error: Error): HealthReport['database'] => ({ ok: false, error: error.message }),
      ),
  ]);
  return { status: models.ok && db.ok ? 'ok' : 'unavailable', models, database: db };
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
