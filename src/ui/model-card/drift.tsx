/**
 * Drift of a model's inputs on its page: each input's PSI over the last days of requests against its training
 * distribution, the band in words, and the share missing now and in training.
 */
import { labelsOf } from '@/dashboard/prediction-view';
import type { InputDrift, PsiBand } from '@/features/population-stability';
import { PSI_SHIFT_ABOVE, PSI_WATCH_FROM } from '@/features/population-stability';
import type { ModelCard } from '@/inference/model-card';
import type { ModelDriftView } from '@/dashboard/model-drift';
import { percent, utcTime } from '../format';
import { ScrollingTable } from '../scrolling-table';
import { TableHead } from '../table-head';

/** Inputs shown before the rest fold into a <details> (icu-mortality's vector has 301). */
export const DRIFT_TOP_INPUTS = 15;

const COLUMNS = ['Input', 'PSI', 'Band', 'Missing now', 'Missing in training'];
const NUMERIC = ['PSI', 'Missing now', 'Missing in training'];

const count = (n: number) => n.toLocaleString('en-US');

function DriftTable({
  caption,
  inputs,
  labels,
}: {
  caption: string;
  inputs: InputDrift[];
  labels: Map<string, string>;
}) {
  return (
    <ScrollingTable>
      <table className="data drift-table">
        <caption>{caption}</caption>
        <TableHead columns={COLUMNS} numeric={NUMERIC} />
        <tbody>
          {inputs.map((input) => (
            <tr key={input.name}>
              <th scope="row">{labels.get(input.name) ?? input.name}</th>
              <td className="num">{input.psi.toFixed(3)}</td>
              <td>
                <span className={`drift-band drift-${input.band}`}>{input.band}</span>
              </td>
              <td className="num">{percent(input.missingShare)}</td>
              <td className="num">{percent(input.trainingMissingShare)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollingTable>
  );
}

function bandCounts(inputs: InputDrift[]): string {
  const n = (band: PsiBand) => inputs.filter((i) => i.band === band).length;
  return `${n('shift')} shifted, ${n('watch')} to watch, ${n('stable')} stable`;
}

export function CardDrift({ card, view }: { card: ModelCard; view: ModelDriftView }) {
  if (view.kind !== 'drift') {
    return (
      <>
        <h2 id="drift">Drift</h2>
        <p className="muted">
          {view.kind === 'no-reference'
            ? 'This model has no training distribution stored beside its card (reference.json), so drift cannot be measured.'
            : `Drift cannot be shown now: ${view.reason.replace(/[.\s]*$/, '')}.`}
        </p>
      </>
    );
  }
  const { drift } = view;
  const labels = new Map([...labelsOf(card)].map(([name, l]) => [name, l.label]));
  const sample =
    drift.sampled < drift.requestsInWindow
      ? `the latest ${count(drift.sampled)} of its ${count(drift.requestsInWindow)} requests`
      : `its ${count(drift.sampled)} requests`;
  const inputs = drift.inputs;
  return (
    <>
      <h2 id="drift">Drift</h2>
      <p className="muted">
        Population stability index (PSI) of each input of the model’s vector over the last {drift.windowDays} days (
        {utcTime(drift.from)} to {utcTime(drift.to)}), from {sample} to version {drift.modelVersion} (at most{' '}
        {count(drift.sampleLimit)} are read), against its {count(drift.trainingRows)} training rows, in bins fixed at
        training (its deciles, or one bin per value) plus a bin for missing. Below {PSI_WATCH_FROM} is stable,{' '}
        {PSI_WATCH_FROM}–{PSI_SHIFT_ABOVE} watch, above {PSI_SHIFT_ABOVE} shift: the requests no longer look like the
        data the model learned from, and its answers may be less reliable.
      </p>
      {inputs === null ? (
        <p className="drift-too-few">
          Too few requests to tell: {count(drift.sampled)} in the last {drift.windowDays} days; PSI is shown from{' '}
          {count(drift.minRequests)} on, below which it measures noise more than drift.
        </p>
      ) : (
        <>
          <p>
            {inputs.length} inputs: {bandCounts(inputs)}. Highest PSI first.
          </p>
          <DriftTable
            caption={`Drift of each input, last ${drift.windowDays} days against training`}
            inputs={inputs.slice(0, DRIFT_TOP_INPUTS)}
            labels={labels}
          />
          {inputs.length > DRIFT_TOP_INPUTS && (
            <details className="drift-more">
              <summary>
                The other {inputs.length - DRIFT_TOP_INPUTS} inputs ({bandCounts(inputs.slice(DRIFT_TOP_INPUTS))})
              </summary>
              <DriftTable caption="Drift of the other inputs" inputs={inputs.slice(DRIFT_TOP_INPUTS)} labels={labels} />
            </details>
          )}
        </>
      )}
    </>
  );
}
