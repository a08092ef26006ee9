/**
 * A GraphQL server over the shipped models, the documented client operations, and a runner that returns what a client
 * would see.
 */
import { auditCheckpoints, type AuditCheckpoints } from '@/audit/checkpoints';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { FormattedExecutionResult, GraphQLFormattedError } from 'graphql';
import pino from 'pino';
import type { AuditLog } from '@/audit/audit-log';
import { createApolloServer } from '@/graphql/apollo-server';
import { createContext, type GraphQLServices, type RequestHeaders } from '@/graphql/context';
import type { ModelRegistry } from '@/inference/model-registry';
import type { ApiKeyStore } from '@/access/api-keys';
import type { MonitorService } from '@/monitoring/monitor-service';
import type { StayViews } from '@/monitoring/stay-views';
import { PredictionService } from '@/prediction/prediction-service';
import { createMetrics } from '@/telemetry/metrics';
import { MemoryApiKeyStore } from './memory-api-keys';

const OPERATIONS_DIR = 'graphql/operations';

/** graphql/operations/<Name>.graphql by Name. */
export const operations: Readonly<Record<string, string>> = Object.fromEntries(
  readdirSync(OPERATIONS_DIR)
    .filter((f) => f.endsWith('.graphql'))
    .map((f) => [basename(f, '.graphql'), readFileSync(join(OPERATIONS_DIR, f), 'utf8')]),
);

export interface Reply {
  data: Record<string, unknown> | null | undefined;
  errors: readonly GraphQLFormattedError[] | undefined;
  status: number | undefined;
  requestId: string;
}

/** Headers a request carries; `authorization` absent means the server's default admin key, null means none at all. */
export type RunHeaders = Map<string, string | null> | Headers | Record<string, string | null>;

export interface TestServer {
  services: GraphQLServices;
  /** The keys the server knows; tests make keys of other roles here. */
  keys: ApiKeyStore;
  /** Every log line written, parsed. */
  logs: Record<string, unknown>[];
  /** Runs as an admin unless the headers say otherwise (a clinician's `authorization`, or null for no key). */
  run(query: string, variables?: Record<string, unknown>, headers?: RunHeaders): Promise<Reply>;
  stop(): Promise<void>;
}

function withDefaultKey(headers: RunHeaders | undefined, admin: string): RequestHeaders {
  const given: RequestHeaders = !headers
    ? new Map()
    : headers instanceof Map || headers instanceof Headers
      ? headers
      : new Map(Object.entries(headers));
  return { get: (name) => (name === 'authorization' && given.get(name) === undefined ? admin : given.get(name)) };
}

/** A stand-in for a server built without a database for the monitor: any use of it is an (unexpected) error. */
function noMonitor<T extends object>(what: string): T {
  return new Proxy({} as T, {
    get() {
      throw new Error(`this test server has no ${what}: pass it to startTestServer`);
    },
  });
}

/**
 * Without `checkpoints`, the server has no signing key (checkpoints are off); without `monitor` and `stays`, the
 * monitor's fields fail.
 */
export function startTestServer(options: {
  registry: ModelRegistry;
  audit: AuditLog;
  prediction?: PredictionService;
  keys?: ApiKeyStore;
  checkpoints?: AuditCheckpoints;
  monitor?: MonitorService;
  stays?: StayViews;
}): TestServer {
  const logs: Record<string, unknown>[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(JSON.parse(line)) });
  const keys = options.keys ?? new MemoryApiKeyStore();
  const admin = keys
    .create({ name: 'test server admin', role: 'admin', createdBy: 'test' })
    .then(({ key }) => `Bearer ${key}`);
  const services: GraphQLServices = {
    keys,
    registry: options.registry,
    audit: options.audit,
    prediction: options.prediction ?? new PredictionService(options.registry, options.audit),
    checkpoints: options.checkpoints ?? auditCheckpoints(() => Promise.reject(new Error('no chain')), null),
    monitor: options.monitor ?? noMonitor<MonitorService>('monitor'),
    stays: options.stays ?? noMonitor<StayViews>('stay views'),
    logger,
    metrics: createMetrics(),
  };
  const server = createApolloServer(services);
  return {
    services,
    keys,
    logs,
    async run(query, variables, headers) {
      const contextValue = await createContext(services, withDefaultKey(headers, await admin));
      const response = await server.executeOperation({ query, variables }, { contextValue });
      if (response.body.kind !== 'single') throw new Error('expected a single result');
      // What a client reads: the JSON of the result (a DateTime is a Date until serialized).
      const { data, errors } = JSON.parse(JSON.stringify(response.body.singleResult)) as FormattedExecutionResult;
      return { data, errors, status: response.http.status, requestId: contextValue.requestId };
    },
    stop: () => server.stop(),
  };
}

/** A contribution as the documented operations select it (log-odds). */
export interface Contribution {
  name: string;
  value: number | null;
  contribution: number;
}

/** A Prediction as the documented Predict and GetPrediction operations select it. */
export interface PredictionData {
  id: string;
  probability: number;
  positive: boolean;
  riskBand: string;
  baseValue: number;
  contributions: Contribution[];
  features: { name: string; value: number | null }[];
  patientRef: string | null;
  createdAt: string;
  model: { id: string; threshold: number };
}
