/** The process's one set of services (model registry, database, audit log, prediction service), built on first use and shared by every route and page. */
import { prismaAuditLog, type AuditLog } from '../audit/audit-log';
import { openDatabase, type Database } from '../db/database';
import { migrate } from '../db/migrations';
import { ModelRegistry } from '../inference/model-registry';
import { PredictionService } from '../prediction/prediction-service';
import { loadEnvironment } from './environment';

export interface Services {
  database: Database;
  registry: ModelRegistry;
  audit: AuditLog;
  prediction: PredictionService;
}

/** Builds once; concurrent first callers share the build; a failed build is forgotten so a later call retries. */
function once<T>(build: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | null = null;
  return () => {
    pending ??= build().catch((error: unknown) => {
      pending = null;
      throw error;
    });
    return pending;
  };
}

/** Every shipped model, loaded and checked against its card. */
export const modelRegistry = once(async () => {
  const registry = new ModelRegistry(loadEnvironment().MODELS_DIR);
  await registry.load();
  return registry;
});

/**
 * The audit database. Without DATABASE_URL the embedded database is migrated here, so the quick
 * start needs no server and no step of its own; a real Postgres is migrated by `npm run db:migrate`.
 */
export const database = once(async () => {
  const environment = loadEnvironment();
  const db = await openDatabase({ databaseUrl: environment.DATABASE_URL, dataDir: environment.DATA_DIR });
  if (db.kind === 'pglite') await migrate(db);
  return db;
});

export const services = once(async (): Promise<Services> => {
  const [registry, db] = await Promise.all([modelRegistry(), database()]);
  const audit = prismaAuditLog(db.prisma);
  return { database: db, registry, audit, prediction: new PredictionService(registry, audit) };
});
