/** Audit: the stored predictions, filtered by model, risk band, patient and date, a page at a time, with a CSV export of the filtered rows. */
import { services } from '@/server/service-container';
import { InvalidCursorError } from '@/audit/audit-log';
import { auditQueryString, readAuditQuery, RISK_BANDS, type SearchParams } from '@/dashboard/audit-query';
import { percent, utcTime } from '@/ui/format';
import { RiskBadge } from '@/ui/risk-badge';
import { NavLink } from '@/ui/nav-link';
import { readableRecords } from '@/access/roles';
import { requireViewer } from '@/dashboard/viewer';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Audit records — Clinical Risk Console' };

const PAGE_SIZE = 25;

function FilterError({ name, errors }: { name: string; errors: Record<string, string> }) {
  return errors[name] ? (
    <p id={`filter-${name}-error`} className="error" role="alert">
      {errors[name]}
    </p>
  ) : null;
}

export default async function PredictionsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const back = new URLSearchParams(Object.entries(params).flatMap(([name, value]) => (typeof value === 'string' ? [[name, value]] : []))).toString();
  const viewer = await requireViewer(services, `/predictions${back ? `?${back}` : ''}`);
  const { registry, audit } = await services();
  const models = await registry.list();
  const asked = readAuditQuery(params, models.map((m) => m.card.id));
  // A clinician sees only the predictions it asked for.
  const query = { ...asked, filter: { ...asked.filter, ...readableRecords(viewer) } };
  const names = new Map(models.map(({ card }) => [card.id, card.name]));
  const usable = Object.keys(query.errors).length === 0;
  let page = usable ? await audit.list(query.filter, PAGE_SIZE, query.after).catch((error: unknown) => (error instanceof InvalidCursorError ? null : Promise.reject(error))) : null;
  const badCursor = usable && page === null;
  if (badCursor) page = await audit.list(query.filter, PAGE_SIZE);
  const described = (name: string) => (query.errors[name] ? `filter-${name}-error` : undefined);
  return (
    <>
      <h1>Audit records</h1>
      <p className="lead">Every prediction the service answered, as stored: newest first. Times are UTC.</p>
      <form className="filters" method="get" action="/predictions" aria-label="Filter audit records">
        <div className="field">
          <label htmlFor="filter-modelId">Model</label>
          <select id="filter-modelId" name="modelId" defaultValue={query.form.modelId} aria-invalid={query.errors.modelId ? true : undefined} aria-describedby={described('modelId')}>
            <option value="">All models</option>
            {models.map(({ card }) => (
              <option key={card.id} value={card.id}>
                {card.name}
              </option>
            ))}
          </select>
          <FilterError name="modelId" errors={query.errors} />
        </div>
        <div className="field">
          <label htmlFor="filter-riskBand">Risk band</label>
          <select id="filter-riskBand" name="riskBand" defaultValue={query.form.riskBand} aria-invalid={query.errors.riskBand ? true : undefined} aria-describedby={described('riskBand')}>
            <option value="">Any</option>
            {RISK_BANDS.map((band) => (
              <option key={band} value={band}>
                {band}
              </option>
            ))}
          </select>
          <FilterError name="riskBand" errors={query.errors} />
        </div>
        <div className="field">
          <label htmlFor="filter-patientRef">Patient reference</label>
          <input
            id="filter-patientRef"
            name="patientRef"
            type="text"
            defaultValue={query.form.patientRef}
            aria-invalid={query.errors.patientRef ? true : undefined}
            aria-describedby={described('patientRef')}
          />
          <FilterError name="patientRef" errors={query.errors} />
        </div>
        <div className="field">
          <label htmlFor="filter-from">From (UTC day)</label>
          <input id="filter-from" name="from" type="date" defaultValue={query.form.from} aria-invalid={query.errors.from ? true : undefined} aria-describedby={described('from')} />
          <FilterError name="from" errors={query.errors} />
        </div>
        <div className="field">
          <label htmlFor="filter-to">To (UTC day, inclusive)</label>
          <input id="filter-to" name="to" type="date" defaultValue={query.form.to} aria-invalid={query.errors.to ? true : undefined} aria-describedby={described('to')} />
          <FilterError name="to" errors={query.errors} />
        </div>
        <button type="submit">Filter</button>
        <NavLink href="/predictions">Clear</NavLink>
      </form>
      {badCursor ? (
        <p className="error" role="alert">
          That page link is not valid any more; showing the first page.
        </p>
      ) : null}
      {page ? (
        <>
          <div className="pager">
            <p>
              <strong>{page.totalCount.toLocaleString('en-US')}</strong> matching record{page.totalCount === 1 ? '' : 's'}
            </p>
            <a className="button button-secondary" href={`/predictions/export.csv${auditQueryString(query.form)}`} download>
              Export CSV
            </a>
          </div>
          {page.records.length === 0 ? (
            <p className="muted">No records match these filters.</p>
          ) : (
            <div className="table-scroll" tabIndex={0} role="region" aria-label="Table, scrolls sideways on narrow screens">
              <table className="data" data-testid="audit-table">
                <caption>Audit records, newest first{query.after ? ' (a later page)' : ''}</caption>
                <thead>
                  <tr>
                    <th scope="col">Time</th>
                    <th scope="col">Model</th>
                    <th scope="col">Patient</th>
                    <th scope="col" className="num">
                      Probability
                    </th>
                    <th scope="col">Risk band</th>
                    <th scope="col">Decision</th>
                    <th scope="col">Record</th>
                  </tr>
                </thead>
                <tbody>
                  {page.records.map((r) => (
                    <tr key={r.id}>
                      <td>{utcTime(r.createdAt)}</td>
                      <td>{names.get(r.modelId) ?? r.modelId}</td>
                      <td>{r.patientRef ?? '–'}</td>
                      <td className="num">{percent(r.probability)}</td>
                      <td>
                        <RiskBadge band={r.riskBand} />
                      </td>
                      <td>{r.positive ? 'positive' : 'negative'}</td>
                      <td>
                        <NavLink href={`/predictions/${r.id}`} ariaLabel={`Open record ${r.id}`}>
                          {r.id.slice(0, 8)}…
                        </NavLink>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
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
