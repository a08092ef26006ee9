/**
 * The inputs a model takes, a row each (name, unit, allowed values, required or what missing means), and the features
 * the service computes from them.
 */
import type { ModelCard } from '@/inference/model-card';
import { ScrollingTable } from '../scrolling-table';
import { TableHead } from '../table-head';

/** A timeline model's observation codes: what a course may hold, with units and plausible ranges. */
function TimelineInputs({ timeline }: { timeline: NonNullable<ModelCard['timeline']> }) {
  return (
    <>
      <p>
        Takes a stay’s course of observations (name, time, value)
        {timeline.windowMinutes === null
          ? ', up to its latest observation'
          : `, read over the first ${timeline.windowMinutes / 60} hours from admission and scored at their end`}
        ; the function <code>{timeline.function}</code> turns it into the vector below.
      </p>
      <ScrollingTable>
        <table className="data">
          <caption>The observation codes a course may hold; a value outside its range is refused</caption>
          <TableHead
            columns={['Observation', 'Code', 'Unit', 'Allowed values', 'Description']}
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
                <td className="num">
                  {o.codes
                    ? o.codes.map((c) => `${c.value} = ${c.label}`).join(', ')
                    : `${o.kind === 'integer' ? 'whole number, ' : ''}${o.min} to ${o.max}`}
                </td>
                <td>
                  {o.description}
                  {o.atAdmissionOnly ? <span className="muted"> At admission (time 0) only.</span> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollingTable>
    </>
  );
}

export function CardInputs({ card }: { card: ModelCard }) {
  if (card.features.length === 0 && card.timeline) {
    return (
      <>
        <h2>Inputs</h2>
        <TimelineInputs timeline={card.timeline} />
        <h3>The vector, computed from the course ({card.derivedFeatures.length} features)</h3>
        <ul>
          {card.derivedFeatures.map((f) => (
            <li key={f.name}>
              <strong>{f.label}</strong> (<code>{f.name}</code>
              {f.unit ? `, ${f.unit}` : ''}): {f.description}
            </li>
          ))}
        </ul>
      </>
    );
  }
  return (
    <>
      <h2>Inputs</h2>
      <ScrollingTable>
        <table className="data">
          <caption>The values a request sends; a value outside its range is refused</caption>
          <TableHead
            columns={['Feature', 'Name', 'Unit', 'Allowed values', 'Required', 'Description; when missing']}
            numeric={['Allowed values']}
          />
          <tbody>
            {card.features.map((f) => (
              <tr key={f.name}>
                <th scope="row">{f.label}</th>
                <td>
                  <code>{f.name}</code>
                </td>
                <td>{f.unit ?? '–'}</td>
                <td className="num">
                  {f.kind === 'binary'
                    ? f.codes?.map((c) => `${c.value} = ${c.label}`).join(', ')
                    : `${f.kind === 'integer' ? 'whole number, ' : ''}${f.min} to ${f.max}`}
                </td>
                <td>{f.required ? 'required' : 'optional'}</td>
                <td>
                  {f.description} {f.required ? '' : <span className="muted">Missing: {f.missing}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollingTable>
      {card.derivedFeatures.length > 0 ? (
        <>
          <h3>Computed by the service from the inputs</h3>
          <ul>
            {card.derivedFeatures.map((f) => (
              <li key={f.name}>
                <strong>{f.label}</strong> (<code>{f.name}</code>): {f.description}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </>
  );
}
