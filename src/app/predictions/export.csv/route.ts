/** GET /predictions/export.csv: the audit records matching the list's filters, as CSV, streamed newest first. */
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { services } from '@/config/service-container';
import { AUDIT_CSV_COLUMNS, auditCsvRow } from '@/ui/audit-csv';
import { readAuditQuery } from '@/ui/audit-query';

export const dynamic = 'force-dynamic';

export async function GET(request: Request): Promise<Response> {
  const { registry, audit } = await services();
  const models = await registry.list();
  const query = readAuditQuery(Object.fromEntries(new URL(request.url).searchParams), models.map((m) => m.card.id));
  if (Object.keys(query.errors).length > 0) {
    const reasons = Object.entries(query.errors).map(([name, message]) => `${name}: ${message}`);
    return new Response(`Cannot export: ${reasons.join('; ')}\n`, { status: 400, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  }
  async function* rows() {
    for await (const record of audit.stream(query.filter)) yield auditCsvRow(record);
  }
  // Streamed as the records are read, so a large export never sits in memory whole.
  const source = Readable.from(rows());
  const csv = source.pipe(stringify({ header: true, columns: [...AUDIT_CSV_COLUMNS] }));
  // pipe() does not forward errors: a database failure mid-export must abort the download, not end it short.
  source.on('error', (error) => csv.destroy(error));
  const stamp = new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '');
  return new Response(Readable.toWeb(csv) as ReadableStream<Uint8Array>, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="predictions-${stamp}.csv"`,
      'cache-control': 'no-store',
    },
  });
}
