/**
 * The ward board's table, server-rendered and complete without JavaScript: one row per active stay, most urgent
 * first. Colour only repeats what the words say (band names, "alert"), so the board reads in greyscale too.
 */
import type { News2Band, WardBoard, WardRow } from '@/dashboard/ward';
import { SPARKLINE_HOURS } from '@/dashboard/ward';
import { percent } from '@/ui/format';
import { RiskSparkline } from './risk-sparkline';

const KIND_LABELS = { sepsis: 'sepsis', news2: 'NEWS2', qsofa: 'qSOFA' } as const;

const BAND_LABELS: Record<News2Band, string> = {
  low: 'low',
  'low-medium': 'low-medium',
  medium: 'medium',
  high: 'high',
  partial: 'partial',
};

function Vitals({ row }: { row: WardRow }) {
  if (row.vitals.length === 0) return <span className="muted">no vitals yet</span>;
  return (
    <ul className="ward-vitals">
      {row.vitals.map((v) => (
        // One text per vital: a board of 200 stays renders a thousand of them, and every element costs.
        <li key={v.code} className={v.stale ? 'stale' : undefined}>
          {`${v.label} ${v.text}, ${v.age}${v.stale ? ' (stale)' : ''}`}
        </li>
      ))}
    </ul>
  );
}

function News2Cell({ row }: { row: WardRow }) {
  if (!row.news2) return <span className="muted">not assessed</span>;
  return (
    <span className={`news2 news2-${row.news2.band}`} title={row.news2.description}>
      <strong>{row.news2.text}</strong> {BAND_LABELS[row.news2.band]}
      {/* What a partial score is missing is for everyone, not only for a pointer's tooltip. */}
      {row.news2.complete ? null : <span className="visually-hidden">; {row.news2.description}</span>}
    </span>
  );
}

function QsofaCell({ row }: { row: WardRow }) {
  if (!row.qsofa) return <span className="muted">not assessed</span>;
  return (
    <span className={row.qsofa.high ? 'qsofa qsofa-high' : 'qsofa'} title={row.qsofa.description}>
      {row.qsofa.text}
      {row.qsofa.complete ? '' : ' partial'}
      {row.qsofa.high ? ' (≥ 2)' : ''}
      {row.qsofa.complete ? null : <span className="visually-hidden">; {row.qsofa.description}</span>}
    </span>
  );
}

function SepsisCell({ row }: { row: WardRow }) {
  if (!row.sepsis) return <span className="muted">not scored yet</span>;
  const s = row.sepsis;
  return (
    <span className="ward-sepsis">
      <RiskSparkline points={s.points} threshold={s.threshold} spanHours={SPARKLINE_HOURS} />
      <span className={s.positive ? 'risk-above' : undefined}>
        {percent(s.probability)}
        {s.positive ? ' ≥ ' : ' < '}
        {percent(s.threshold)}
        {/* Past the model's span (14 days) later hours have no risk: the one shown is older, and says so. */}
        {row.assessedHour !== null && s.hour < row.assessedHour ? ` (hour ${s.hour})` : ''}
      </span>
    </span>
  );
}

function AlertCell({ row }: { row: WardRow }) {
  if (row.openAlerts.length === 0 && row.acknowledgedAlerts.length === 0) return <span className="muted">none</span>;
  return (
    <span className="ward-alerts">
      {row.openAlerts.length > 0 ? (
        <span className="badge alert-badge alert-badge-open" title={row.openAlerts.map((a) => a.reason).join('; ')}>
          Alert: {row.openAlerts.map((a) => KIND_LABELS[a.kind]).join(', ')}
        </span>
      ) : null}
      {row.acknowledgedAlerts.length > 0 ? (
        <span
          className="badge alert-badge alert-badge-acknowledged"
          title={row.acknowledgedAlerts.map((a) => `${a.reason}, acknowledged by ${a.acknowledgedBy}`).join('; ')}
        >
          Acknowledged: {row.acknowledgedAlerts.map((a) => KIND_LABELS[a.kind]).join(', ')}
        </span>
      ) : null}
    </span>
  );
}

export function WardTable({ board }: { board: WardBoard }) {
  if (board.rows.length === 0)
    return (
      <p className="ward-empty">
        No active stays{board.unit ? ` on ${board.unit}` : ''}. Stays appear here when they are admitted.
      </p>
    );
  return (
    <div className="table-scroll">
      <table className="data ward-table">
        <caption>
          {board.rows.length} active {board.rows.length === 1 ? 'stay' : 'stays'}
          {board.unit ? ` on ${board.unit}` : ''}, most urgent first: open alerts, then NEWS2, then sepsis risk
        </caption>
        <thead>
          <tr>
            <th scope="col">Patient</th>
            <th scope="col">Since admission</th>
            <th scope="col">Latest vitals</th>
            <th scope="col">NEWS2</th>
            <th scope="col">qSOFA</th>
            <th scope="col">Sepsis risk, last {SPARKLINE_HOURS} h</th>
            <th scope="col">ICU mortality</th>
            <th scope="col">Alerts</th>
          </tr>
        </thead>
        <tbody>
          {board.rows.map((row) => (
            <tr
              key={row.stayRef}
              data-stay-ref={row.stayRef}
              className={row.openAlerts.length > 0 ? 'ward-row-alert' : undefined}
            >
              <th scope="row">
                <a href={row.href}>{row.patientRef}</a>
                <span className="muted ward-stay">
                  {row.stayRef} · {row.unit}
                </span>
              </th>
              <td>
                {row.hoursSinceAdmission} h
                {row.assessedHour !== null ? (
                  <span className="muted"> (assessed to hour {row.assessedHour})</span>
                ) : null}
              </td>
              <td>
                <Vitals row={row} />
              </td>
              <td>
                <News2Cell row={row} />
              </td>
              <td>
                <QsofaCell row={row} />
              </td>
              <td>
                <SepsisCell row={row} />
              </td>
              <td>
                {row.icuMortality === 'pending' ? (
                  <span className="muted">after 48 h</span>
                ) : (
                  <span title={`scored at hour ${row.icuMortality.hour}`}>{percent(row.icuMortality.probability)}</span>
                )}
              </td>
              <td>
                <AlertCell row={row} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
