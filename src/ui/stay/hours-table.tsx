/**
 * Every assessed hour of a stay: NEWS2 with each component's points (a partial score shown as partial, naming what is
 * missing, never as if normal), qSOFA, sepsis risk and the alerts raised; each hour links to its explanation.
 */
import type { HourRow } from '@/dashboard/stay-page';
import type { News2Component, News2Result } from '@/monitoring/news2';
import type { QsofaResult } from '@/monitoring/qsofa';
import { featureValue, percent } from '../format';
import { ScrollingTable } from '../scrolling-table';

const COMPONENT_COLUMNS: readonly { parameter: News2Component['parameter']; heading: string }[] = [
  { parameter: 'respirationRate', heading: 'Resp. rate' },
  { parameter: 'spo2', heading: 'SpO₂' },
  { parameter: 'airOrOxygen', heading: 'Air or O₂' },
  { parameter: 'systolicBP', heading: 'Systolic BP' },
  { parameter: 'pulse', heading: 'Pulse' },
  { parameter: 'consciousness', heading: 'Consciousness' },
  { parameter: 'temperature', heading: 'Temp.' },
];

/** "6" when complete; "at least 4 (partial: no consciousness level)" otherwise. */
export function news2Text(n: News2Result): string {
  if (n.complete && n.total !== null) return String(n.total);
  return `at least ${n.partialTotal} (partial: missing ${n.missing.join(', ')})`;
}

export function qsofaText(q: QsofaResult): string {
  if (q.complete && q.total !== null) return String(q.total);
  return `at least ${q.partialTotal} (partial: missing ${q.missing.join(', ')})`;
}

function ComponentCell({ component }: { component: News2Component | undefined }) {
  if (!component || component.points === null)
    return (
      <td className="num missing" title={component?.text}>
        <span aria-hidden="true">–</span>
        <span className="visually-hidden">not scored: {component?.text ?? 'not measured'}</span>
      </td>
    );
  return (
    <td className={`num points-${component.points}`} title={component.text}>
      <strong>{component.points}</strong>
      <span className="muted small"> ({featureValue(component.value)})</span>
    </td>
  );
}

/**
 * Hours the table lists unless asked for all (`?hours=all`): two days, a handover's worth. The charts above draw the
 * whole course; a 14-day stay's 336 rows of twelve cells would make the page ten times heavier.
 */
export const RECENT_HOURS = 48;

interface Props {
  hours: readonly HourRow[];
  selectedHour: number | null;
  /** List every hour, not only the recent ones. */
  all?: boolean;
  /** Where "show all" leads (the page with `hours=all`). */
  allHref?: string;
}

export function HoursTable({ hours: assessed, selectedHour, all = false, allHref = '?hours=all' }: Props) {
  const latest = assessed.at(-1)?.hour ?? 0;
  // The chosen hour stays listed even when older, so its row is there to see beside its explanation.
  const hours = all ? assessed : assessed.filter((h) => h.hour > latest - RECENT_HOURS || h.hour === selectedHour);
  return (
    <section aria-labelledby="hours-heading">
      <h2 id="hours-heading">Hour by hour: NEWS2, qSOFA and sepsis risk</h2>
      <p className="muted">
        NEWS2 points per parameter, with the value read in brackets; a dash is a parameter not measured within the hour.
        A score with a missing part is shown as partial (“at least”), naming what is missing: the missing part is not
        counted as normal. ▲ marks a sepsis risk at or above the model’s threshold. Choose an hour to see its
        explanation.
      </p>
      {hours.length < assessed.length ? (
        <p>
          Listing the latest {RECENT_HOURS} of {assessed.length} assessed hours.{' '}
          <a href={allHref}>List all {assessed.length} hours</a>
        </p>
      ) : null}
      {hours.length === 0 ? (
        <p>No hour has been assessed yet.</p>
      ) : (
        <ScrollingTable>
          <table className="data stay-hours">
            <caption>Assessed hours of the stay, latest revision of each</caption>
            <thead>
              <tr>
                <th scope="col">Hour</th>
                {COMPONENT_COLUMNS.map((c) => (
                  <th key={c.parameter} scope="col" className="num">
                    {c.heading}
                  </th>
                ))}
                <th scope="col">NEWS2</th>
                <th scope="col">qSOFA</th>
                <th scope="col" className="num">
                  Sepsis risk
                </th>
                <th scope="col">Alerts raised</th>
              </tr>
            </thead>
            <tbody>
              {[...hours].reverse().map((h) => {
                const byParameter = new Map(h.news2.components.map((c) => [c.parameter, c]));
                const selected = h.hour === selectedHour;
                return (
                  <tr key={h.hour} className={selected ? 'selected' : undefined} data-hour={h.hour}>
                    <th scope="row">
                      <a href={`?hour=${h.hour}#explanation`} aria-current={selected ? 'true' : undefined}>
                        Hour {h.hour}
                      </a>
                      {h.revisions > 1 ? <span className="muted small"> (revision {h.revision})</span> : null}
                    </th>
                    {COMPONENT_COLUMNS.map((c) => (
                      <ComponentCell key={c.parameter} component={byParameter.get(c.parameter)} />
                    ))}
                    <td className={h.news2.complete ? undefined : 'partial'}>
                      {h.news2.complete ? <strong>{news2Text(h.news2)}</strong> : news2Text(h.news2)}
                      {h.news2.risk ? <span className="muted small"> {h.news2.risk} risk</span> : null}
                    </td>
                    <td className={h.qsofa.complete ? undefined : 'partial'}>{qsofaText(h.qsofa)}</td>
                    <td className="num">
                      {h.sepsisProbability === null ? '–' : percent(h.sepsisProbability)}
                      {h.sepsisPositive ? ' ▲' : ''}
                    </td>
                    <td>{h.alertKinds.length > 0 ? h.alertKinds.join(', ') : ''}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </ScrollingTable>
      )}
    </section>
  );
}
