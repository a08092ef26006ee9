/**
 * GET /api/metrics: the server's Prometheus metrics (requests, latency, predictions, process; every server process's
 * when there are several), for an auditor or admin key sent as a bearer token: the counts cover every key's
 * predictions, which a clinician may not see.
 */
import { principalFrom } from '@/access/api-keys';
import { AccessDeniedError, AuthenticationRequiredError, requirePermission } from '@/access/roles';
import { services } from '@/server/service-container';
import { DatabaseUnavailableError } from '@/db/database';
import { metricsExposition } from '@/telemetry/metrics';

export const dynamic = 'force-dynamic';

const TEXT = { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' };

export async function GET(request: Request): Promise<Response> {
  try {
    requirePermission(
      await principalFrom((await services()).keys, request.headers.get('authorization')),
      'read-all-records',
    );
  } catch (error) {
    if (error instanceof AccessDeniedError)
      return new Response(`FORBIDDEN: ${error.message}\n`, { status: 403, headers: TEXT });
    if (error instanceof AuthenticationRequiredError) {
      return new Response(`UNAUTHENTICATED: ${error.message}\n`, {
        status: 401,
        headers: { ...TEXT, 'www-authenticate': 'Bearer realm="clinical-risk-console"' },
      });
    }
    if (error instanceof DatabaseUnavailableError)
      return new Response('SERVICE_UNAVAILABLE: the key cannot be checked while the database is unavailable\n', {
        status: 503,
        headers: TEXT,
      });
    throw error;
  }
  const { text, contentType } = await metricsExposition();
  return new Response(text, { headers: { 'content-type': contentType, 'cache-control': 'no-store' } });
}
