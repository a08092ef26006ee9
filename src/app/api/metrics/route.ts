/** GET /api/metrics: the process's Prometheus metrics (requests, latency, predictions, process). */
import { processMetrics } from '@/telemetry/metrics';

export const dynamic = 'force-dynamic';

export async function GET(): Promise<Response> {
  const { registry } = processMetrics();
  return new Response(await registry.metrics(), { headers: { 'content-type': registry.contentType, 'cache-control': 'no-store' } });
}
