/** GET /predictions/export.csv: the audit records matching the list's filters, as CSV, streamed newest first. */
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import { services } from '@/config/service-container';
import { AUDIT_CSV_COLUMNS, auditCsvRow } from '@/ui/audit-csv';
import { readAuditQuery, searchParamsOf } from '@/ui/audit-query';

export const dynamic = 'force-dynamic';

/** Rows per chunk written: one web-stream chunk per row costs more than the rows themselves. */
const ROWS_PER_CHUNK = 500;

export async function GET(request: Request): Promise<Response> {
  const { registry, audit } = await services();
  const models = await registry.list();
  const query = readAuditQuery(searchParamsOf(new URL(request.url)), models.map((m) => m.card.id));
  if (Object.keys(query.errors).length > 0) {
    const reasons = Object.entries(query.errors).map(([name, message]) => `${name}: ${message}`);
    return new Response(`Cannot export: ${reasons.join('; ')}\n`, { status: 400, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  }
  const columns = [...AUDIT_CSV_COLUMNS];
  // escape_formulas: a patientRef such as =HYPERLINK(…) must stay text when the file is opened in a spreadsheet.
  // Streamed as the records are read, so a large export never sits in memory whole; a database
  // failure midway errors the stream, so the download fails instead of ending short.
  async function* chunks() {
    let rows: ReturnType<typeof auditCsvRow>[] = [];
    let header = true;
    for await (const record of audit.stream(query.filter)) {
      rows.push(auditCsvRow(record));
      if (rows.length === ROWS_PER_CHUNK) {
        yield Buffer.from(stringify(rows, { header, columns, escape_formulas: true }));
        header = false;
        rows = [];
      }
    }
    if (rows.length > 0 || header) yield Buffer.from(stringify(rows, { header, columns, escape_formulas: true }));
  }
  const stamp = new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '');
  return new Response(Readable.toWeb(Readable.from(chunks())) as ReadableStream<Uint8Array>, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="predictions-${stamp}.csv"`,
      'cache-control': 'no-store',
    },
  });
}
