/**
 * Where a model comes from: its dataset (citation, licence, rows, preprocessing), how it was trained, and the
 * candidates compared while choosing it.
 */
import type { ModelCard } from '@/inference/model-card';
import { withInterval } from '../format';
import { TableHead } from '../table-head';

export function CardProvenance({ card }: { card: ModelCard }) {
  // The utility column only where a comparison has one (sepsis).
  const withUtility = card.evaluation.comparisons.some((c) => c.utility !== undefined);
  const comparisonColumns = withUtility ? ['Candidate', 'AUROC', 'Utility', 'Note'] : ['Candidate', 'AUROC', 'Note'];
  return (
    <>
      <h2>Data and provenance</h2>
      <dl className="facts">
        <dt>Dataset</dt>
        <dd>
          <a href={card.dataset.url}>{card.dataset.name}</a>
        </dd>
        <dt>Citation</dt>
        <dd>{card.dataset.citation}</dd>
        <dt>Licence</dt>
        <dd>{card.dataset.licence}</dd>
        <dt>Rows</dt>
        <dd>
          {card.dataset.rows.toLocaleString('en-US')} ({card.dataset.positives.toLocaleString('en-US')} positive)
          {card.dataset.patients ? `, ${card.dataset.patients.toLocaleString('en-US')} patients` : ''}
        </dd>
        <dt>Preprocessing</dt>
        <dd>
          <ul>
            {card.dataset.preprocessing.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </dd>
        <dt>Training</dt>
        <dd>
          {card.training.algorithm} Seed {card.training.seed}. {card.training.selection}
        </dd>
        <dt>Baseline</dt>
        <dd>{card.training.baseline}</dd>
      </dl>
      {card.evaluation.comparisons.length > 0 ? (
        <table className="data">
          <caption>Other candidates compared while choosing the model</caption>
          <TableHead columns={comparisonColumns} numeric={['AUROC', 'Utility']} />
          <tbody>
            {card.evaluation.comparisons.map((c) => (
              <tr key={c.name}>
                <th scope="row">{c.description}</th>
                <td className="num">{withInterval(c.auroc)}</td>
                {withUtility ? <td className="num">{c.utility ? withInterval(c.utility) : '–'}</td> : null}
                <td>{c.note ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </>
  );
}
