/**
 * GET /api/health: 200 when the models are loaded and the database answers, 503 otherwise, with a JSON body saying
 * which.
 */
import { healthReport } from '@/server/health';

export const dynamic = 'force-dynamic';

export async function GET(): Promise<Response> {
  const report = await healthReport();
  return Response.json(report, {
    status: report.status === 'ok' ? 200 : 503,
    headers: { 'cache-control': 'no-store' },
  });
}
