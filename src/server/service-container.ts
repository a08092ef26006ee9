/**
 * The process's one set of services (model registry, database, audit log and its checkpoints, prediction service, API
 * keys and sessions), built on first use and shared by every route and page.
 */
import { join } from 'node:path';
import pino from 'pino';
import { prismaApiKeyStore, type ApiKeyStore } from '@/access/api-keys';
import { createFirstAdminKey, firstAdminKeyBanner } from '@/access/first-admin-key';
import { prismaSessionStore, type SessionStore } from '@/access/sessions';
import { prismaAuditLog, type AuditLog } from '@/audit/audit-log';
import { readChainHead } from '@/audit/chain-writer';
import { type AuditRecord } from '@/audit/audit-record';
import { auditCheckpoints, logCheckpoints, type AuditCheckpoints } from '@/audit/checkpoints';
import {
  EMBEDDED_SIGNING_KEY_FILE,
  loadOrCreateSigningKey,
  loadSigningKey,
  type SigningKey,
} from '@/audit/signing-key';
import { openDatabase, type Database } from '@/db/database';
import { migrate } from '@/db/migrations';
import { ModelRegistry } from '@/inference/model-registry';
import { InputDriftMonitor } from '@/monitoring/input-drift';
import { LiveEvents } from '@/monitoring/live-events';
import { ExplainPool } from '@/prediction/explain-pool';
import { PredictionService } from '@/prediction/prediction-service';
import { MonitorService } from '@/monitoring/monitor-service';
import { stayViews, type StayViews } from '@/monitoring/stay-views';
import { processMetrics } from '@/telemetry/metrics';
import { loadEnvironment } from '@/config/environment';
import { processWide } from '@/config/process-wide';
import { onceUntilFailure, type OnceUntilFailure } from '@/config/once-until-failure';

export interface Services {
  database: Database;
  registry: ModelRegistry;
  audit: AuditLog;
  prediction: PredictionService;
  keys: ApiKeyStore;
  sessions: SessionStore;
  checkpoints: AuditCheckpoints;
  monitor: MonitorService;
  stays: StayViews;
  /** Each model input's drift against its training distribution (model pages, /api/metrics). */
  drift: InputDriftMonitor;
  /** The ward's live events: one LISTEN per process, started by the first subscription. */
  live: LiveEvents;
}

/**
 * One build per process, shared by every Next.js chunk (see process-wide.ts): two embedded databases open on one
 * directory would corrupt it.
 */
function shared<T>(name: string, build: () => Promise<T>): OnceUntilFailure<T> {
  return processWide(name, () => onceUntilFailure(build));
}

/**
 * What shutdownServices stops: each built service's own stop, added once the build succeeds. Process-wide like the
 * services themselves.
 */
const stops = processWide('service-stops', () => [] as { name: string; stop: () => Promise<unknown> }[]);

/** `value`, with `stop` to be run by shutdownServices. */
function stoppedWith<T>(name: string, value: T, stop: (value: T) => Promise<unknown>): T {
  stops.push({ name, stop: () => stop(value) });
  return value;
}

/**
 * Stops the services built so far, the last built first (the explanation pool's threads, the live events' LISTEN, the
 * database, the models' sessions), for a process that is ending: the services are not built again after it. A stop
 * that fails is reported and the others still run.
 */
export async function shutdownServices(): Promise<void> {
  for (const { name, stop } of stops.splice(0).reverse()) {
    await stop().catch((error: unknown) =>
      process.stderr.write(`stopping ${name} failed: ${error instanceof Error ? error.message : String(error)}\n`),
    );
  }
}

/** Every shipped model, loaded and checked against its card. */
export const modelRegistry = shared('model-registry', async () => {
  const registry = new ModelRegistry(loadEnvironment().MODELS_DIR);
  await registry.load();
  return stoppedWith('the model registry', registry, (r) => r.close());
});

/**
 * The worker threads that explain large batches, each with its own copy of every shipped model's explainer
 * (EXPLAIN_POOL_SIZE threads, one per core by default); null when the setting is 0 or 1. The threads start with the
 * first batch large enough for them: a process that never scores one does not carry them (about 110 MiB for two
 * threads with the four shipped models; the CI soak, single predictions only, grew by 121 MiB with them started at
 * once against 79 MiB without). Batches that arrive while they start are explained on the main thread.
 */
export const explainPool = shared('explain-pool', async (): Promise<ExplainPool | null> => {
  const environment = loadEnvironment();
  const registry = await modelRegistry();
  const logger = pino({ name: 'explain-pool' });
  const pool = ExplainPool.create({
    size: environment.EXPLAIN_POOL_SIZE,
    modelsDir: environment.MODELS_DIR,
    preload: await registry.list(),
    lazy: true,
    onFallback: ({ modelId, rows, error }) =>
      logger.warn({ model: modelId, rows, err: error }, 'a worker thread failed a chunk: explained on the main thread'),
    onThreadError: (error) => logger.warn({ err: error }, 'an explanation worker thread failed outside any chunk'),
  });
  return pool && stoppedWith('the explanation pool', pool, (p) => p.close());
});

/**
 * The audit database. Without DATABASE_URL the embedded database is migrated here, and on its first
 * start given an admin key (printed once), so the quick start needs no server and no step of its own;
 * a real Postgres is migrated by `npm run db:migrate` and given keys by `npm run keys`.
 */
export const database = shared('database', async () => {
  const environment = loadEnvironment();
  const db = await openDatabase({ databaseUrl: environment.DATABASE_URL, dataDir: environment.DATA_DIR });
  if (db.kind === 'pglite') {
    try {
      await migrate(db);
      const key = await createFirstAdminKey(prismaApiKeyStore(db.prisma));
      if (key) process.stdout.write(firstAdminKeyBanner(key));
    } catch (error) {
      // Left open, the directory would stay locked by this process and every retry would fail.
      await db.close().catch(() => undefined);
      throw error;
    }
  }
  return stoppedWith('the database', db, (d) => d.close());
});

/**
 * The key that signs audit checkpoints: AUDIT_SIGNING_KEY_FILE when set; else, on the embedded
 * database, one in its directory, made (and its public key printed) on first start; else none.
 */
export const signingKey = shared('audit-signing-key', async (): Promise<SigningKey | null> => {
  const environment = loadEnvironment();
  if (environment.AUDIT_SIGNING_KEY_FILE) return loadSigningKey(environment.AUDIT_SIGNING_KEY_FILE);
  const db = await database();
  if (db.kind !== 'pglite' || environment.DATA_DIR.includes('://')) return null;
  const { key, created } = await loadOrCreateSigningKey(join(environment.DATA_DIR, EMBEDDED_SIGNING_KEY_FILE));
  if (created) process.stdout.write(signingKeyBanner(join(environment.DATA_DIR, EMBEDDED_SIGNING_KEY_FILE), key));
  return key;
});

function signingKeyBanner(file: string, key: SigningKey): string {
  return [
    `First start: audit checkpoints are signed with the Ed25519 key in ${file} (mode 0600). Its public key,`,
    'which auditors keep to check checkpoints with (npm run audit:verify -- --public-key <file> --checkpoint <file>):',
    '',
    key.publicKeyPem.trimEnd(),
    '',
  ].join('\n');
}

export const services = shared('services', async (): Promise<Services> => {
  const [registry, db, key, pool] = await Promise.all([modelRegistry(), database(), signingKey(), explainPool()]);
  const audit = prismaAuditLog(db.prisma, db);
  const checkpoints = auditCheckpoints(() => readChainHead(db.prisma), key);
  const metrics = processMetrics();
  const countStored = (records: AuditRecord[]) => {
    for (const r of records) metrics.predictions.inc({ model: r.modelId, risk_band: r.riskBand });
  };
  // Last, once nothing above can fail: a failed build is retried, and must not leave a timer behind.
  if (key) {
    const logger = pino({ name: 'audit' });
    logCheckpoints(checkpoints, (checkpoint) => logger.info({ checkpoint }, 'audit checkpoint'));
  } else {
    process.stderr.write(
      'audit checkpoints are off: set AUDIT_SIGNING_KEY_FILE to sign them (npm run audit:key -- create <file>)\n',
    );
  }
  const prediction = new PredictionService(registry, audit, countStored, pool);
  const monitor = await MonitorService.create(db.prisma, registry, prediction);
  const drift = new InputDriftMonitor(db.prisma, registry, { modelsDir: loadEnvironment().MODELS_DIR });
  metrics.setInputDriftSource(() => drift.all());
  return {
    database: db,
    registry,
    audit,
    prediction,
    monitor,
    drift,
    stays: stayViews(db.prisma),
    keys: prismaApiKeyStore(db.prisma),
    sessions: prismaSessionStore(db.prisma),
    checkpoints,
    live: stoppedWith('the live events', new LiveEvents(db, { logger: pino({ name: 'live-events' }) }), (l) =>
      l.close(),
    ),
  };
});
