/**
 * GET /predictions/export.csv: the audit records matching the list's filters, as CSV, streamed newest first
 * (src/dashboard/audit-export.ts).
 */
import { auditExport } from '@/dashboard/audit-export';
import { services } from '@/server/service-container';

export const dynamic = 'force-dynamic';

export async function GET(request: Request): Promise<Response> {
  return auditExport(services, request);
}
