/**
 * The answer to GET /predictions/export.csv: the audit records matching the list's filters, as CSV streamed newest
 * first, or why there is none.
 */
import { Readable } from 'node:stream';
import { readableRecords } from '@/access/roles';
import type { SessionStore } from '@/access/sessions';
import type { AuditLog } from '@/audit/audit-log';
import { DatabaseUnavailableError } from '@/db/database';
import type { ModelRegistry } from '@/inference/model-registry';
import { auditCsvChunks } from './audit-csv';
import { readAuditQuery, searchParamsOf } from './audit-query';
import { currentViewer } from './viewer';

/**
 * What the export needs of the process's services; like the viewer lookup, it asks for them only when a session cookie
 * is present.
 */
export type AuditExportServices = () => Promise<{
  sessions: Pick<SessionStore, 'resolve'>;
  registry: Pick<ModelRegistry, 'list'>;
  audit: Pick<AuditLog, 'stream'>;
}>;

const TEXT = { 'content-type': 'text/plain; charset=utf-8' };

export async function auditExport(services: AuditExportServices, request: Request): Promise<Response> {
  let viewer;
  try {
    viewer = await currentViewer(services);
  } catch (error) {
    if (error instanceof DatabaseUnavailableError)
      return new Response('The audit database is unavailable; try again shortly.\n', { status: 503, headers: TEXT });
    throw error;
  }
  if (!viewer) return new Response('Sign in to export audit records: /sign-in\n', { status: 401, headers: TEXT });
  const { registry, audit } = await services();
  const models = await registry.list();
  const query = readAuditQuery(
    searchParamsOf(new URL(request.url)),
    models.map((m) => m.card.id),
  );
  if (Object.keys(query.errors).length > 0) {
    const reasons = Object.entries(query.errors).map(([name, message]) => `${name}: ${message}`);
    return new Response(`Cannot export: ${reasons.join('; ')}\n`, { status: 400, headers: TEXT });
  }
  // A clinician exports only the predictions it asked for.
  const filter = { ...query.filter, ...readableRecords(viewer) };
  const stamp = new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '');
  return new Response(
    Readable.toWeb(Readable.from(auditCsvChunks(audit.stream(filter)))) as ReadableStream<Uint8Array>,
    {
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="predictions-${stamp}.csv"`,
        'cache-control': 'no-store',
      },
    },
  );
}
