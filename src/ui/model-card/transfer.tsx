/**
 * The transfer check of a model whose card has one (sepsis): fitted on one unit of the data, tested on another, each
 * direction — how far the model carries beyond the patients it learned from.
 */
import type { ModelCard } from '@/inference/model-card';
import { percent } from '../format';
import { ScrollingTable } from '../scrolling-table';
import { TableHead } from '../table-head';

const COLUMNS = [
  'Trained on',
  'Tested on',
  'Test patients (with a positive)',
  'Test rows',
  'AUROC',
  'Utility',
  'Threshold',
];

export function CardTransfer({ card }: { card: ModelCard }) {
  const transfer = card.evaluation.transfer;
  if (!transfer) return null;
  return (
    <>
      <h2>Transfer check</h2>
      <p className="muted">{transfer.method}</p>
      <ScrollingTable>
        <table className="data">
          <caption>Fitted on one unit, tested on the other; the threshold is chosen inside the training unit</caption>
          <TableHead columns={COLUMNS} numeric={COLUMNS.slice(2)} />
          <tbody>
            {transfer.results.map((r) => (
              <tr key={`${r.train}→${r.test}`}>
                <th scope="row">{r.train}</th>
                <td>{r.test}</td>
                <td className="num">
                  {r.patients.toLocaleString('en-US')} ({r.positivePatients.toLocaleString('en-US')})
                </td>
                <td className="num">{r.rows.toLocaleString('en-US')}</td>
                <td className="num">{r.auroc.toFixed(3)}</td>
                <td className="num">{r.utility === undefined ? '–' : r.utility.toFixed(3)}</td>
                <td className="num" title={`chosen on ${r.thresholdFrom}`}>
                  {percent(r.threshold)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollingTable>
    </>
  );
}
