/** The per-request GraphQL context: a request id, the services resolvers call, and a logger tagged with the id. */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { AuditLog } from '../audit/audit-log';
import type { ModelRegistry } from '../inference/model-registry';
import type { PredictionService } from '../prediction/prediction-service';
import type { Metrics } from '../telemetry/metrics';

/** What the server is built from; one set per process. */
export interface GraphQLServices {
  registry: ModelRegistry;
  predictions: PredictionService;
  audit: AuditLog;
  logger: Logger;
  metrics: Metrics;
}

export interface GraphQLContext {
  requestId: string;
  services: GraphQLServices;
  /** `services.logger` with the request id on every line. */
  logger: Logger;
}

/** The part of a request the context needs: its headers (a Fetch `Headers` or Apollo's `HeaderMap` both fit). */
export interface RequestHeaders {
  get(name: string): string | null | undefined;
}

/**
 * An incoming `x-request-id` is kept so a caller can trace its request into our logs and audit records;
 * it is stored, so anything but a short token is replaced.
 */
const REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export function requestIdFrom(headers?: RequestHeaders): string {
  const given = headers?.get('x-request-id')?.trim();
  return given && REQUEST_ID.test(given) ? given : randomUUID();
}

export function createContext(services: GraphQLServices, headers?: RequestHeaders): GraphQLContext {
  const requestId = requestIdFrom(headers);
  return { requestId, services, logger: services.logger.child({ requestId }) };
}
