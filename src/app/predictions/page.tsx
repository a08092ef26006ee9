/**
 * Audit: the stored predictions, filtered by model, risk band, patient and date, a page at a time, with a CSV export of
 * the filtered rows.
 */
import { auditList, auditListPath } from '@/dashboard/audit-list';
import type { SearchParams } from '@/dashboard/audit-query';
import { requireViewer } from '@/dashboard/viewer';
import { services } from '@/server/service-container';
import { AuditFilters } from '@/ui/audit-filters';
import { AuditResults } from '@/ui/audit-results';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Audit records — Clinical Risk Console' };

export default async function PredictionsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const viewer = await requireViewer(services, auditListPath(params));
  const list = await auditList(await services(), viewer, params);
  return (
    <>
      <h1>Audit records</h1>
      <p className="lead">Every prediction the service answered, as stored: newest first. Times are UTC.</p>
      <AuditFilters cards={list.cards} query={list.query} />
      <AuditResults list={list} />
    </>
  );
}
