/**
 * An audit record's inputs twice: as received (labelled, with units; a course's observations for a timeline model) and
 * as the model saw them (the float32 vector in the card's order, collapsed for a course's long vector).
 */
import type { AuditRecord } from '@/audit/audit-record';
import { labelsOf } from '@/dashboard/prediction-view';
import type { ModelCard } from '@/inference/model-card';
import { featureValue } from '../format';
import { TableHead } from '../table-head';
import { RecordCourse } from './course';

/**
 * `card` is null once the record's model is no longer served: names then stand for labels, and vector positions go
 * unnamed.
 */
export function RecordInputs({ record, card }: { record: AuditRecord; card: ModelCard | null }) {
  const labels = card ? labelsOf(card) : new Map<string, { label: string; unit: string | null }>();
  const vectorNames = card ? [...card.features.map((f) => f.name), ...card.derivedFeatures.map((f) => f.name)] : [];
  const vector = (
    <table className="data">
      <caption>As the model saw them (float32, in the card&apos;s order)</caption>
      <TableHead columns={['Position', 'Feature', 'Value']} numeric={['Value']} />
      <tbody>
        {record.vector.map((v, i) => (
          <tr key={i}>
            <td>{i}</td>
            <th scope="row">{vectorNames[i] ? (labels.get(vectorNames[i])?.label ?? vectorNames[i]) : '?'}</th>
            <td className="num">{v === null ? 'missing' : v}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
  if (record.course) {
    return (
      <>
        <RecordCourse course={record.course} card={card} />
        <details>
          <summary>
            The vector the model saw: {record.vector.length} entries computed from the course (
            {record.vector.filter((v) => v !== null).length} present)
          </summary>
          {vector}
        </details>
      </>
    );
  }
  return (
    <div className="charts">
      <table className="data">
        <caption>As received</caption>
        <TableHead columns={['Feature', 'Value']} />
        <tbody>
          {record.inputs.map((f) => (
            <tr key={f.name}>
              <th scope="row">{labels.get(f.name)?.label ?? f.name}</th>
              <td>{featureValue(f.value, labels.get(f.name)?.unit)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {vector}
    </div>
  );
}
