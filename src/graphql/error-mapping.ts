/**
 * Maps every error of a GraphQL response once: domain errors to stable codes naming the offending fields, anything
 * unexpected to a logged, masked INTERNAL_SERVER_ERROR.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerErrorCode, unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { AccessDeniedError, AuthenticationRequiredError } from '@/access/roles';
import { InvalidCursorError, InvalidPageRequestError } from '@/audit/audit-pages';
import { CheckpointsOffError } from '@/audit/checkpoints';
import { DatabaseUnavailableError } from '@/db/database';
import type { LoadedModel } from '@/inference/model-registry';
import { InvalidInputError, type FieldError } from '@/errors/invalid-input';
import { AlertStateError, UnknownAlertError } from '@/monitoring/alerts';
import { UnknownStayError } from '@/monitoring/monitor-service';
import { InvalidStayCursorError } from '@/monitoring/stay-views';
import { coercionFieldErrors, type FeatureSpecsByModel } from './coercion-fields';
import type { GraphQLContext } from './context';

export const SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE';
export const UNAUTHENTICATED = 'UNAUTHENTICATED';
export const FORBIDDEN = 'FORBIDDEN';
export const AUDIT_CHECKPOINTS_OFF = 'AUDIT_CHECKPOINTS_OFF';

/**
 * Codes Apollo gives errors about the request itself (syntax, validation, variable coercion) and the
 * limits' refusals: they describe what the client sent, so they pass through as they are.
 */
const REQUEST_ERROR_CODES: ReadonlySet<unknown> = new Set([
  ApolloServerErrorCode.GRAPHQL_PARSE_FAILED,
  ApolloServerErrorCode.GRAPHQL_VALIDATION_FAILED,
  ApolloServerErrorCode.BAD_USER_INPUT,
  ApolloServerErrorCode.BAD_REQUEST,
  ApolloServerErrorCode.PERSISTED_QUERY_NOT_FOUND,
  ApolloServerErrorCode.PERSISTED_QUERY_NOT_SUPPORTED,
  ApolloServerErrorCode.OPERATION_RESOLUTION_FAILURE,
]);

/** What an error is, for the client. */
export type ErrorKind =
  | { kind: 'user-input'; message: string; fields: FieldError[] }
  | { kind: 'variable-coercion'; error: GraphQLError }
  | { kind: 'unavailable'; cause: DatabaseUnavailableError }
  | { kind: 'unauthenticated'; message: string }
  | { kind: 'forbidden'; message: string }
  | { kind: 'checkpoints-off'; message: string }
  /** A monitor refusal with its own stable code (a stay or alert not found, an alert move its state forbids). */
  | { kind: 'monitor'; code: string; message: string; fields: FieldError[] }
  | { kind: 'request' }
  | { kind: 'unexpected'; cause: unknown };

// The audit log's messages read "<argument>: <what is wrong>".
function auditFieldErrors(error: Error): FieldError[] {
  const [, name, message] = /^(\w+): (.*)$/s.exec(error.message) ?? [undefined, 'arguments', error.message];
  return [{ name, message }];
}

/** `error` as Apollo hands it over (a resolver's error is wrapped with its path); `code` is Apollo's code for it. */
export function classifyError(error: GraphQLError | undefined, code: unknown): ErrorKind {
  const unwrapped = unwrapResolverError(error);
  // An error a plugin threw before execution (refused credentials) arrives wrapped, without a path.
  const original = unwrapped instanceof GraphQLError && unwrapped.originalError ? unwrapped.originalError : unwrapped;
  if (original instanceof AuthenticationRequiredError) return { kind: 'unauthenticated', message: original.message };
  if (original instanceof AccessDeniedError) return { kind: 'forbidden', message: original.message };
  if (original instanceof InvalidInputError)
    return { kind: 'user-input', message: original.message, fields: original.fields };
  if (original instanceof UnknownStayError)
    return { kind: 'monitor', code: original.code, message: original.message, fields: original.fields };
  if (original instanceof UnknownAlertError)
    return { kind: 'monitor', code: original.code, message: original.message, fields: auditFieldErrors(original) };
  if (original instanceof AlertStateError)
    return {
      kind: 'monitor',
      code: original.code,
      message: original.message,
      fields: [{ name: 'alertId', message: original.message }],
    };
  if (
    original instanceof InvalidCursorError ||
    original instanceof InvalidPageRequestError ||
    original instanceof InvalidStayCursorError
  ) {
    return { kind: 'user-input', message: original.message, fields: auditFieldErrors(original) };
  }
  if (original instanceof DatabaseUnavailableError) return { kind: 'unavailable', cause: original };
  if (original instanceof CheckpointsOffError) return { kind: 'checkpoints-off', message: original.message };
  if (error && code === ApolloServerErrorCode.BAD_USER_INPUT && error.nodes?.[0]?.kind === 'VariableDefinition')
    return { kind: 'variable-coercion', error };
  if (REQUEST_ERROR_CODES.has(code)) return { kind: 'request' };
  return { kind: 'unexpected', cause: original };
}

export interface MappingContext {
  requestId: string;
  variables: Record<string, unknown>;
  /** Loaded only when a coercion error needs a feature's range. */
  featureSpecs: () => Promise<FeatureSpecsByModel>;
}

/** The error the client sees; every one carries `extensions.code` and the request id. */
export async function mapError(
  formatted: GraphQLFormattedError,
  kind: ErrorKind,
  context: MappingContext,
): Promise<GraphQLFormattedError> {
  const { requestId } = context;
  const where = { locations: formatted.locations, path: formatted.path };
  switch (kind.kind) {
    case 'user-input':
      return {
        message: kind.message,
        ...where,
        extensions: { code: ApolloServerErrorCode.BAD_USER_INPUT, fields: kind.fields, requestId },
      };
    case 'variable-coercion': {
      const fields = coercionFieldErrors(kind.error, context.variables, await context.featureSpecs());
      return {
        ...formatted,
        extensions: { ...formatted.extensions, code: ApolloServerErrorCode.BAD_USER_INPUT, fields, requestId },
      };
    }
    case 'unavailable':
      return {
        message: `Service unavailable: the audit database cannot be reached; try again later (request id ${requestId})`,
        ...where,
        extensions: { code: SERVICE_UNAVAILABLE, requestId },
      };
    case 'unauthenticated':
      return {
        message: `Unauthenticated: ${kind.message}`,
        ...where,
        extensions: { code: UNAUTHENTICATED, requestId },
      };
    case 'forbidden':
      return { message: `Forbidden: ${kind.message}`, ...where, extensions: { code: FORBIDDEN, requestId } };
    case 'monitor':
      return { message: kind.message, ...where, extensions: { code: kind.code, fields: kind.fields, requestId } };
    case 'checkpoints-off':
      return { message: kind.message, ...where, extensions: { code: AUDIT_CHECKPOINTS_OFF, requestId } };
    case 'request':
      return { ...formatted, extensions: { ...formatted.extensions, requestId } };
    case 'unexpected':
      // The message may hold internals (paths, SQL, stack details): the log has it, the client gets the id to quote.
      return {
        message: `Internal server error; request id ${requestId}`,
        ...where,
        extensions: { code: ApolloServerErrorCode.INTERNAL_SERVER_ERROR, requestId },
      };
  }
}

async function featureSpecsOf(context: GraphQLContext): Promise<FeatureSpecsByModel> {
  const models = await context.services.registry.load().catch(() => new Map<string, LoadedModel>());
  return new Map([...models].map(([id, model]) => [id, model.card.features]));
}

function logError(context: GraphQLContext, kind: ErrorKind, formatted: GraphQLFormattedError): void {
  if (kind.kind === 'unexpected')
    context.logger.error(
      { err: kind.cause, path: formatted.path },
      'unexpected error in a GraphQL request (masked in the response)',
    );
  else if (kind.kind === 'unavailable')
    context.logger.warn({ err: kind.cause, path: formatted.path }, 'audit database unavailable');
}

/**
 * Applies `mapError` to the response's errors, paired with the errors they were formatted from.
 * A plugin rather than Apollo's `formatError` because masking needs the request's id and logger.
 */
export const errorMappingPlugin: ApolloServerPlugin<GraphQLContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response, errors, contextValue, request }) {
        const { body } = response;
        if (body.kind !== 'single' || !body.singleResult.errors) return;
        const mapping: MappingContext = {
          requestId: contextValue.requestId,
          variables: request.variables ?? {},
          featureSpecs: () => featureSpecsOf(contextValue),
        };
        const mapped = await Promise.all(
          body.singleResult.errors.map((formatted, i) => {
            const kind = classifyError(errors?.[i], formatted.extensions?.code);
            logError(contextValue, kind, formatted);
            return mapError(formatted, kind, mapping);
          }),
        );
        body.singleResult.errors = mapped;
        // Nothing answered (no data, or null for every field asked): the HTTP status says why, as a
        // client or proxy reads it (a retryable 503 for a database that is down, 401 for missing or
        // refused credentials, 403 for a role without the permission) rather than a 200 with errors.
        const { data } = body.singleResult;
        if (data == null || Object.values(data).every((value) => value === null)) {
          const codes = new Set(mapped.map((e) => e.extensions?.code));
          const status =
            codes.has(SERVICE_UNAVAILABLE) || codes.has(AUDIT_CHECKPOINTS_OFF)
              ? 503
              : codes.has(UNAUTHENTICATED)
                ? 401
                : codes.has(FORBIDDEN)
                  ? 403
                  : undefined;
          if (status) response.http.status = status;
          if (status === 401) response.http.headers.set('www-authenticate', 'Bearer realm="clinical-risk-console"');
        }
      },
    };
  },
};
