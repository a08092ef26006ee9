/**
 * What a timeline model reads: its window, each observation code (unit, allowed values, unit rules, facts of the stay),
 * and the vector the service computes from the course, collapsed (icu-mortality's holds 301 entries).
 */
import type { ModelCard, TimelineInput } from '@/inference/model-card';
import { fromAdmission } from '../format';
import { ScrollingTable } from '../scrolling-table';
import { TableHead } from '../table-head';

type ObservationCode = TimelineInput['observations'][number];

function allowedValues(o: ObservationCode): string {
  if (o.codes) return o.codes.map((c) => `${c.value} = ${c.label}`).join(', ');
  return `${o.kind === 'integer' ? 'whole number, ' : ''}${o.min} to ${o.max}`;
}

function hoursText(minutes: number): string {
  return minutes % 60 === 0 ? `${minutes / 60} hours` : `${minutes} minutes`;
}

function windowText(timeline: TimelineInput): string {
  return timeline.windowMinutes === null
    ? 'The model reads the whole course and scores it at its latest observation.'
    : `The model reads the first ${hoursText(timeline.windowMinutes)} from admission and scores the course at its end (${fromAdmission(timeline.windowMinutes)}); an observation after it is refused.`;
}

export function CardTimeline({ card, timeline }: { card: ModelCard; timeline: TimelineInput }) {
  return (
    <>
      <h2>Observations</h2>
      <p>
        A request sends the stay&apos;s course: observations <code>{'{ name, time, value }'}</code>, each a code below,
        an ISO-8601 instant and a value in the code&apos;s unit. Admission is the <code>admittedAt</code> instant sent,
        or else the earliest observation; the facts of the stay are observations at admission. {windowText(timeline)}
      </p>
      <ScrollingTable>
        <table className="data">
          <caption>The observation codes; a value outside its range (after the unit rules) is refused</caption>
          <TableHead
            columns={['Observation', 'Code', 'Unit', 'Allowed values', 'When', 'Unit rules']}
            numeric={['Allowed values']}
          />
          <tbody>
            {timeline.observations.map((o) => (
              <tr key={o.name}>
                <th scope="row">{o.label}</th>
                <td>
                  <code>{o.name}</code>
                </td>
                <td>{o.unit ?? '–'}</td>
                <td className="num">{allowedValues(o)}</td>
                <td>{o.atAdmissionOnly ? 'once, at admission' : 'any time'}</td>
                <td>
                  {o.units?.length
                    ? o.units.map((u) => (
                        <span key={u.from}>
                          {u.from} to {u.to} is read as value ÷ {u.divideBy}: {u.why}.{' '}
                        </span>
                      ))
                    : '–'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollingTable>
      <details>
        <summary>
          The vector computed from the course: {card.features.length + card.derivedFeatures.length} features, each with
          its own contribution
        </summary>
        <ul>
          {card.derivedFeatures.map((f) => (
            <li key={f.name}>
              <strong>{f.label}</strong> (<code>{f.name}</code>
              {f.unit ? `, ${f.unit}` : ''}): {f.description}
            </li>
          ))}
        </ul>
      </details>
    </>
  );
}
