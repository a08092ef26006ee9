/**
 * A page of the audit list: how many records match, the CSV export of them, the table, and links to the first and next
 * pages.
 */
import type { AuditList } from '@/dashboard/audit-list';
import { auditQueryString } from '@/dashboard/audit-query';
import { AuditTable } from './audit-table';
import { NavLink } from './nav-link';

export function AuditResults({ list }: { list: Pick<AuditList, 'names' | 'query' | 'page' | 'badCursor'> }) {
  const { names, query, page, badCursor } = list;
  return (
    <>
      {badCursor ? (
        <p className="error" role="alert">
          That page link is not valid any more; showing the first page.
        </p>
      ) : null}
      {page ? (
        <>
          <div className="pager">
            <p>
              <strong>{page.totalCount.toLocaleString('en-US')}</strong> matching record
              {page.totalCount === 1 ? '' : 's'}
            </p>
            <a
              className="button button-secondary"
              href={`/predictions/export.csv${auditQueryString(query.form)}`}
              download
            >
              Export CSV
            </a>
          </div>
          {page.records.length === 0 ? (
            <p className="muted">No records match these filters.</p>
          ) : (
            <AuditTable
              records={page.records}
              names={names}
              columns="full"
              testId="audit-table"
              caption={<>Audit records, newest first{query.after ? ' (a later page)' : ''}</>}
            />
          )}
          <nav className="pager" aria-label="Pages">
            {query.after ? <NavLink href={`/predictions${auditQueryString(query.form)}`}>First page</NavLink> : null}
            {page.hasNextPage ? (
              <NavLink rel="next" href={`/predictions${auditQueryString(query.form, page.endCursor)}`}>
                Next page
              </NavLink>
            ) : (
              <span className="muted">Last page</span>
            )}
          </nav>
        </>
      ) : (
        <p className="error">Fix the filters above to see records.</p>
      )}
    </>
  );
}
