/**
 * Audit records as a table, a row a record: the overview's latest few (the time opens the record) and a page of the
 * audit list (with the decision and a record link).
 */
import type { ReactNode } from 'react';
import type { AuditRecord } from '@/audit/audit-record';
import { percent, utcTime } from './format';
import { NavLink } from './nav-link';
import { RiskBadge } from './risk-badge';
import { ScrollingTable } from './scrolling-table';
import { TableHead } from './table-head';

interface Props {
  records: readonly AuditRecord[];
  /** Model id → name; a model no longer served shows its id. */
  names: ReadonlyMap<string, string>;
  caption: ReactNode;
  /**
   * 'latest': the time links to the record; 'full': the time is plain text, and the decision and a link to the record
   * follow.
   */
  columns: 'latest' | 'full';
  testId?: string;
}

const COLUMNS = ['Time', 'Model', 'Patient', 'Probability', 'Risk band'];

export function AuditTable({ records, names, caption, columns, testId }: Props) {
  const full = columns === 'full';
  return (
    <ScrollingTable>
      <table className="data" data-testid={testId}>
        <caption>{caption}</caption>
        <TableHead columns={full ? [...COLUMNS, 'Decision', 'Record'] : COLUMNS} numeric={['Probability']} />
        <tbody>
          {records.map((r) => (
            <tr key={r.id}>
              <td>
                {full ? utcTime(r.createdAt) : <NavLink href={`/predictions/${r.id}`}>{utcTime(r.createdAt)}</NavLink>}
              </td>
              <td>{names.get(r.modelId) ?? r.modelId}</td>
              <td>{r.patientRef ?? '–'}</td>
              <td className="num">{percent(r.probability)}</td>
              <td>
                <RiskBadge band={r.riskBand} />
              </td>
              {full ? (
                <>
                  <td>{r.positive ? 'positive' : 'negative'}</td>
                  <td>
                    <NavLink href={`/predictions/${r.id}`} ariaLabel={`Open record ${r.id}`}>
                      {r.id.slice(0, 8)}…
                    </NavLink>
                  </td>
                </>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollingTable>
  );
}
