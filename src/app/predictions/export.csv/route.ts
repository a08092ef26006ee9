/** GET /predictions/export.csv: the audit records matching the list's filters, as CSV, streamed newest first. */
import { Readable } from 'node:stream';
import { services } from '@/config/service-container';
import { auditCsvChunks } from '@/ui/audit-csv';
import { readAuditQuery, searchParamsOf } from '@/ui/audit-query';

export const dynamic = 'force-dynamic';

export async function GET(request: Request): Promise<Response> {
  const { registry, audit } = await services();
  const models = await registry.list();
  const query = readAuditQuery(searchParamsOf(new URL(request.url)), models.map((m) => m.card.id));
  if (Object.keys(query.errors).length > 0) {
    const reasons = Object.entries(query.errors).map(([name, message]) => `${name}: ${message}`);
    return new Response(`Cannot export: ${reasons.join('; ')}\n`, { status: 400, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  }
  const stamp = new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '');
  return new Response(Readable.toWeb(Readable.from(auditCsvChunks(audit.stream(query.filter)))) as ReadableStream<Uint8Array>, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="predictions-${stamp}.csv"`,
      'cache-control': 'no-store',
    },
  });
}
