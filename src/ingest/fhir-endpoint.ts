/**
 * POST /api/fhir: a FHIR R4 batch or transaction Bundle of Encounters and Observations, authenticated by a bearer API
 * key, mapped to one monitor batch and answered with a transaction-response (or batch-response) Bundle.
 *
 * Status codes: 200 with the response Bundle; 400 with an OperationOutcome when the bundle is not one this endpoint
 * reads (structure, codes, units missing, statuses); 422 when it reads fine but the monitor refuses its content (a value
 * out of range, a unit it cannot convert, an unknown stay): FHIR's "violates business rules". 401/403 for the key,
 * 413/415 for the body, 503 (issue code transient) while the database is down. Every issue names its entry.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { principalFrom, type ApiKeyStore } from '@/access/api-keys';
import { AccessDeniedError, AuthenticationRequiredError, requirePermission } from '@/access/roles';
import { isDatabaseUnavailable } from '@/db/database';
import { readCapped } from '@/graphql/request-body';
import { InvalidInputError, type FieldError } from '@/errors/invalid-input';
import { UnknownStayError, type MonitorService } from '@/monitoring/monitor-service';
import { mapBundle } from './fhir-bundle';
import {
  errorIssue,
  fhirResponse,
  outcome,
  problemsOutcome,
  refusedFieldsOutcome,
  responseBundle,
} from './fhir-response';

/** The part of the monitor service this endpoint uses. */
export type FhirMonitor = Pick<MonitorService, 'vocabulary' | 'ingest'>;

export interface FhirEndpointServices {
  keys: ApiKeyStore;
  monitor: FhirMonitor;
  logger: Pick<Logger, 'error'>;
}

/**
 * Largest bundle accepted: about 4,000 Observations of ~1 KB with their entry, a day of hourly vitals (8 a round) for
 * a 20-bed ward. The same limit as GraphQL's (src/graphql/request-body.ts), whose refusals are GraphQL-shaped and so
 * not reused here.
 */
export const MAX_FHIR_BODY_BYTES = 4 * 1024 * 1024;

const FHIR_CONTENT_TYPE = /^application\/(fhir\+)?json\b/i;

function refusal(status: number, code: Parameters<typeof errorIssue>[0], message: string, headers = {}): Response {
  return fhirResponse(outcome([errorIssue(code, message)]), status, headers);
}

const UNAVAILABLE = () =>
  refusal(503, 'transient', 'the database is unavailable; nothing was stored. Retry the same bundle shortly.', {
    'retry-after': '5',
  });

/** The body as text, or null when it is over the limit (read no further than the limit). */
async function readLimited(request: Request): Promise<string | null> {
  if (!request.body) return '';
  const bytes = await readCapped(request.body, MAX_FHIR_BODY_BYTES);
  return bytes && new TextDecoder().decode(bytes);
}

/** A refusal of the monitor with per-field problems: its content (InvalidInputError) or stays not admitted. */
function refusedFields(error: unknown): { fields: FieldError[]; stayNotFound: boolean } | null {
  if (error instanceof InvalidInputError) return { fields: error.fields, stayNotFound: false };
  if (error instanceof UnknownStayError) return { fields: error.fields, stayNotFound: true };
  return null;
}

/**
 * Answers one request. `services` is called once the body's size and type are acceptable; a database that is down
 * while the services are built is a 503 too.
 */
export async function handleFhirRequest(
  request: Request,
  services: () => Promise<FhirEndpointServices>,
): Promise<Response> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > MAX_FHIR_BODY_BYTES)
    return refusal(413, 'too-costly', `the request body is over the ${MAX_FHIR_BODY_BYTES}-byte limit`);
  const type = request.headers.get('content-type') ?? '';
  if (!FHIR_CONTENT_TYPE.test(type))
    return refusal(
      415,
      'not-supported',
      `send the Bundle as application/fhir+json (or application/json); got ${type || 'no content type'}`,
    );
  let built: FhirEndpointServices;
  try {
    built = await services();
  } catch (error) {
    if (isDatabaseUnavailable(error)) return UNAVAILABLE();
    throw error;
  }
  try {
    const principal = requirePermission(
      await principalFrom(built.keys, request.headers.get('authorization')),
      'record-observations',
    );
    const text = await readLimited(request);
    if (text === null)
      return refusal(413, 'too-costly', `the request body is over the ${MAX_FHIR_BODY_BYTES}-byte limit`);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      return refusal(400, 'structure', `the request body is not valid JSON: ${(error as Error).message}`);
    }
    const mapping = mapBundle(body, built.monitor.vocabulary, principal.keyId);
    if (!mapping.ok) return fhirResponse(problemsOutcome(mapping.problems), 400);
    // A batch is stored all-or-nothing too: the monitor stores one batch in one transaction, so one bad entry refuses
    // every entry (each named), and a corrected bundle can be sent again as it is (redeliveries are stored once).
    try {
      const result = await built.monitor.ingest(mapping.mapped.batch);
      return fhirResponse(responseBundle(mapping.mapped, result), 200);
    } catch (error) {
      const refused = refusedFields(error);
      if (!refused) throw error;
      return fhirResponse(refusedFieldsOutcome(refused.fields, mapping.mapped.locator, refused.stayNotFound), 422);
    }
  } catch (error) {
    if (error instanceof AuthenticationRequiredError)
      return refusal(401, 'login', error.message, { 'www-authenticate': 'Bearer realm="clinical-risk-console"' });
    if (error instanceof AccessDeniedError) return refusal(403, 'forbidden', error.message);
    if (isDatabaseUnavailable(error)) return UNAVAILABLE();
    const requestId = randomUUID();
    built.logger.error({ err: error, requestId }, 'the FHIR endpoint failed');
    return refusal(500, 'exception', `internal server error; request id ${requestId}`);
  }
}
