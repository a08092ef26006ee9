/**
 * How well a model does beside its logistic-regression baseline: the metrics table (95% intervals), the ROC curves and
 * the calibration plot, all out-of-fold.
 */
import type { ModelCard, ModelMetrics } from '@/inference/model-card';
import { CalibrationPlot } from '../charts/calibration-plot';
import { RocCurve } from '../charts/roc-curve';
import { percent, withInterval } from '../format';
import { ScrollingTable } from '../scrolling-table';
import { TableHead } from '../table-head';

type Interval = { estimate: number; lower: number; upper: number };

/** The metrics in the order a reader weighs them; one the card lacks (utility, for all but sepsis) is left out. */
const rows: [string, (m: ModelMetrics) => Interval | number | undefined][] = [
  ['AUROC (pooled out-of-fold)', (m) => m.auroc],
  ['AUROC, mean of folds (± SD)', (m) => m.aurocFoldMean.mean],
  ['AUPRC', (m) => m.auprc],
  ['Brier score (lower is better)', (m) => m.brier],
  ['Expected calibration error', (m) => m.ece],
  ['Sensitivity at threshold', (m) => m.atThresholdIntervals.sensitivity],
  ['Specificity at threshold', (m) => m.atThresholdIntervals.specificity],
  ['PPV at threshold', (m) => m.atThresholdIntervals.ppv],
  ['NPV at threshold', (m) => m.atThreshold.npv],
  ['F1 at threshold', (m) => m.atThresholdIntervals.f1],
  ['MCC at threshold', (m) => m.atThresholdIntervals.mcc],
  ['Normalized utility (PhysioNet 2019)', (m) => m.utility],
];

function cell(value: Interval | number | undefined, sd?: number): string {
  if (value === undefined) return '–';
  if (typeof value === 'number') return sd === undefined ? value.toFixed(3) : `${value.toFixed(3)} ± ${sd.toFixed(3)}`;
  return withInterval(value);
}

export function CardPerformance({ card }: { card: ModelCard }) {
  const { gbdt, baseline } = card.evaluation;
  return (
    <>
      <h2>Performance</h2>
      <p className="muted">{card.evaluation.method}</p>
      <ScrollingTable>
        <table className="data">
          <caption>
            Gradient-boosted trees (shipped) beside the logistic-regression baseline; 95% bootstrap intervals in
            brackets
          </caption>
          <TableHead columns={['Metric', 'GBDT (shipped)', 'Baseline']} numeric={['GBDT (shipped)', 'Baseline']} />
          <tbody>
            {rows
              .filter(([, get]) => get(gbdt) !== undefined)
              .map(([name, get]) => (
                <tr key={name}>
                  <th scope="row">{name}</th>
                  <td className="num">
                    {cell(get(gbdt), name.startsWith('AUROC, mean') ? gbdt.aurocFoldMean.sd : undefined)}
                  </td>
                  <td className="num">
                    {cell(get(baseline), name.startsWith('AUROC, mean') ? baseline.aurocFoldMean.sd : undefined)}
                  </td>
                </tr>
              ))}
            <tr>
              <th scope="row">Threshold used</th>
              <td className="num">{percent(gbdt.atThreshold.threshold)}</td>
              <td className="num">{percent(baseline.atThreshold.threshold)}</td>
            </tr>
          </tbody>
        </table>
      </ScrollingTable>
      <div className="charts">
        <div className="chart">
          <RocCurve
            title="ROC curve (out-of-fold)"
            series={[
              { name: 'GBDT (shipped)', auroc: gbdt.auroc.estimate, points: gbdt.roc },
              { name: 'Logistic-regression baseline', auroc: baseline.auroc.estimate, points: baseline.roc },
            ]}
          />
        </div>
        <div className="chart">
          <CalibrationPlot
            title="Calibration (out-of-fold, 10 bins)"
            series={[
              { name: 'GBDT (shipped)', bins: gbdt.calibration },
              { name: 'Logistic-regression baseline', bins: baseline.calibration },
            ]}
          />
        </div>
      </div>
    </>
  );
}
