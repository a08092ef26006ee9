/**
 * GET /api/audit/checkpoint: the audit chain's head, signed now, as JSON (the same object as GraphQL's
 * `auditCheckpoint`), for an auditor or admin key sent as a bearer token. Meant for outside systems to
 * fetch and keep: `curl -fsS -H "Authorization: Bearer $KEY" …/api/audit/checkpoint >> checkpoints.jsonl`.
 */
import { principalFrom } from '@/access/api-keys';
import { AccessDeniedError, AuthenticationRequiredError, requirePermission } from '@/access/roles';
import { CheckpointsOffError } from '@/audit/checkpoints';
import { SigningKeyError } from '@/audit/signing-key';
import { services } from '@/server/service-container';
import { DatabaseUnavailableError } from '@/db/database';

export const dynamic = 'force-dynamic';

const NO_STORE = { 'cache-control': 'no-store' };

function refusal(status: number, code: string, message: string, headers: Record<string, string> = {}): Response {
  return Response.json({ error: { code, message } }, { status, headers: { ...NO_STORE, ...headers } });
}

export async function GET(request: Request): Promise<Response> {
  try {
    const { keys, checkpoints } = await services();
    requirePermission(await principalFrom(keys, request.headers.get('authorization')), 'read-all-records');
    return Response.json(await checkpoints.latest(), { headers: NO_STORE });
  } catch (error) {
    if (error instanceof AuthenticationRequiredError) {
      return refusal(401, error.code, error.message, { 'www-authenticate': 'Bearer realm="clinical-risk-console"' });
    }
    if (error instanceof AccessDeniedError) return refusal(403, error.code, error.message);
    if (error instanceof CheckpointsOffError) return refusal(503, error.code, error.message);
    if (error instanceof SigningKeyError)
      return refusal(503, error.code, 'the audit signing key cannot be used; the server log names the cause');
    if (error instanceof DatabaseUnavailableError)
      return refusal(503, 'SERVICE_UNAVAILABLE', 'the audit database cannot be reached; try again later');
    throw error;
  }
}
