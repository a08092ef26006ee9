/**
 * The inputs a model takes, a row each (name, unit, allowed values, required or what missing means), and the features
 * the service computes from them; for a timeline model, its observation codes and vector (timeline.tsx).
 */
import type { ModelCard } from '@/inference/model-card';
import { ScrollingTable } from '../scrolling-table';
import { TableHead } from '../table-head';
import { CardTimeline } from './timeline';

export function CardInputs({ card }: { card: ModelCard }) {
  // A model taking only a course has no inputs of its own: its whole vector is computed from the observations.
  if (card.features.length === 0 && card.timeline) return <CardTimeline card={card} timeline={card.timeline} />;
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
      {card.timeline ? <CardTimeline card={card} timeline={card.timeline} /> : null}
    </>
  );
}
