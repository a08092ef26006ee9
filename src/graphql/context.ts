/**
 * The per-request GraphQL context: a request id, who is asking (from the bearer key), the services resolvers call, and
 * a logger tagged with the id.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { principalFrom, type ApiKeyStore } from '@/access/api-keys';
import type { Principal } from '@/access/roles';
import { SESSION_COOKIE, type SessionStore } from '@/access/sessions';
import type { AuditLog } from '@/audit/audit-log';
import type { AuditCheckpoints } from '@/audit/checkpoints';
import { asDatabaseError } from '@/db/database';
import type { ModelRegistry } from '@/inference/model-registry';
import type { MonitorService } from '@/monitoring/monitor-service';
import type { StayViews } from '@/monitoring/stay-views';
import type { LiveEvents } from '@/monitoring/live-events';
import type { PredictionService } from '@/prediction/prediction-service';
import type { Metrics } from '@/telemetry/metrics';

/** What the server is built from; one set per process. */
export interface GraphQLServices {
  registry: ModelRegistry;
  prediction: PredictionService;
  audit: AuditLog;
  keys: ApiKeyStore;
  checkpoints: AuditCheckpoints;
  monitor: MonitorService;
  stays: StayViews;
  logger: Logger;
  metrics: Metrics;
  /** The ward's live events, for subscriptions; absent where none are served (Apollo on /api/graphql). */
  live?: LiveEvents;
  /** Dashboard sessions, for subscribers that sign in with the session cookie (createContext's `sessionCookie`). */
  sessions?: Pick<SessionStore, 'resolve'>;
}

export interface GraphQLContext {
  requestId: string;
  services: GraphQLServices;
  /** The key the request carried; null when it carried none (public fields only). */
  principal: Principal | null;
  /**
   * Why the credentials the request carried were refused (an unknown key, an unreadable header, a
   * database that cannot check them). The request is refused whole before anything runs
   * (authentication.ts): a caller who sent a key should never get an answer as somebody else.
   */
  credentialsRefused: Error | null;
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

/** The value of one cookie in a `Cookie` header; undefined when absent. */
export function cookieValue(header: string | null | undefined, name: string): string | undefined {
  for (const pair of (header ?? '').split(';')) {
    const at = pair.indexOf('=');
    if (at > 0 && pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim();
  }
  return undefined;
}

/**
 * `sessionCookie`: a request without an Authorization header may sign in with the dashboard's session cookie. Only
 * the SSE endpoint asks for it: a browser's EventSource cannot send a header, a subscription only reads, and another
 * site cannot read the stream (no CORS). Mutations never take the cookie, so no cross-site form can act with it.
 */
export async function createContext(
  services: GraphQLServices,
  headers?: RequestHeaders,
  options: { sessionCookie?: boolean } = {},
): Promise<GraphQLContext> {
  const requestId = requestIdFrom(headers);
  let principal: Principal | null = null;
  let credentialsRefused: Error | null = null;
  try {
    const authorization = headers?.get('authorization');
    const session = cookieValue(headers?.get('cookie'), SESSION_COOKIE);
    if (!authorization && options.sessionCookie && services.sessions && session)
      principal = await services.sessions.resolve(session);
    else principal = await principalFrom(services.keys, authorization);
  } catch (error) {
    credentialsRefused = asDatabaseError(error) as Error;
  }
  return { requestId, services, principal, credentialsRefused, logger: services.logger.child({ requestId }) };
}
