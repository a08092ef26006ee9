/**
 * How well a model does beside its baselines: the metrics table (95% intervals) at the shipped threshold, the same
 * threshold-dependent metrics with each fold's own threshold, the ROC curves and the calibration plot, all
 * out-of-fold.
 */
import type { FoldThresholdMetrics, ModelCard, ModelMetrics } from '@/inference/model-card';
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
  ['Hosmer–Lemeshow H, 10 risk deciles (lower is better)', (m) => m.hosmerLemeshow?.h],
  ['Sensitivity at the shipped threshold', (m) => m.atThresholdIntervals.sensitivity],
  ['Specificity at the shipped threshold', (m) => m.atThresholdIntervals.specificity],
  ['PPV at the shipped threshold', (m) => m.atThresholdIntervals.ppv],
  ['NPV at the shipped threshold', (m) => m.atThreshold.npv],
  ['F1 at the shipped threshold', (m) => m.atThresholdIntervals.f1],
  ['MCC at the shipped threshold', (m) => m.atThresholdIntervals.mcc],
  ['Event 1, min(sensitivity, PPV), at the shipped threshold', (m) => m.event1],
  ['Normalized utility (PhysioNet 2019) at the shipped threshold', (m) => m.utility],
];

/** The threshold-dependent metrics with the threshold chosen inside each training fold. */
const foldRows: [string, (m: FoldThresholdMetrics) => Interval | undefined][] = [
  ['Sensitivity', (m) => m.sensitivity],
  ['Specificity', (m) => m.specificity],
  ['PPV', (m) => m.ppv],
  ['NPV', (m) => m.npv],
  ['F1', (m) => m.f1],
  ['MCC', (m) => m.mcc],
  ['Event 1, min(sensitivity, PPV)', (m) => m.event1],
  ['Normalized utility (PhysioNet 2019)', (m) => m.utility],
];

function cell(value: Interval | number | undefined, sd?: number): string {
  if (value === undefined) return '–';
  if (typeof value === 'number') return sd === undefined ? value.toFixed(3) : `${value.toFixed(3)} ± ${sd.toFixed(3)}`;
  return withInterval(value);
}

/** The folds' thresholds in words: "12.1% (9.8%–14.0%)", the median and the range. */
function foldThresholdText(m: FoldThresholdMetrics | undefined): string {
  if (!m) return '–';
  return `${percent(m.thresholds.median)} (${percent(m.thresholds.min)}–${percent(m.thresholds.max)})`;
}

export function CardPerformance({ card }: { card: ModelCard }) {
  const { gbdt, baseline, scoreBaseline } = card.evaluation;
  const models: { name: string; metrics: ModelMetrics }[] = [
    { name: 'GBDT (shipped)', metrics: gbdt },
    { name: 'Logistic baseline', metrics: baseline },
    ...(scoreBaseline ? [{ name: `${scoreBaseline.name} (score baseline)`, metrics: scoreBaseline.metrics }] : []),
  ];
  const names = models.map((m) => m.name);
  const withFolds = models.filter((m) => m.metrics.atFoldThresholds);
  return (
    <>
      <h2>Performance</h2>
      <p className="muted">{card.evaluation.method}</p>
      {scoreBaseline ? <p className="muted">{scoreBaseline.description}</p> : null}
      <ScrollingTable>
        <table className="data">
          <caption>
            Gradient-boosted trees (shipped) beside{' '}
            {scoreBaseline ? 'the baselines' : 'the logistic-regression baseline'}; 95% bootstrap intervals in brackets.
            Threshold-dependent rows use each model’s shipped threshold, chosen on all out-of-fold predictions
            {withFolds.length > 0 ? ' (which flatters them: see the next table)' : ''}
          </caption>
          <TableHead columns={['Metric', ...names]} numeric={names} />
          <tbody>
            {rows
              .filter(([, get]) => get(gbdt) !== undefined)
              .map(([name, get]) => (
                <tr key={name}>
                  <th scope="row">{name}</th>
                  {models.map(({ name: model, metrics }) => (
                    <td className="num" key={model}>
                      {cell(get(metrics), name.startsWith('AUROC, mean') ? metrics.aurocFoldMean.sd : undefined)}
                    </td>
                  ))}
                </tr>
              ))}
            {gbdt.hosmerLemeshow ? (
              <tr>
                <th scope="row">Hosmer–Lemeshow: degrees of freedom, p-value of the mean H</th>
                {models.map(({ name: model, metrics }) => (
                  <td className="num" key={model}>
                    {metrics.hosmerLemeshow
                      ? `${metrics.hosmerLemeshow.df}, p = ${metrics.hosmerLemeshow.pValue.toPrecision(2)}`
                      : '–'}
                  </td>
                ))}
              </tr>
            ) : null}
            <tr>
              <th scope="row">Shipped threshold (chosen on all out-of-fold predictions)</th>
              {models.map(({ name: model, metrics }) => (
                <td className="num" key={model}>
                  {percent(metrics.atThreshold.threshold)}
                </td>
              ))}
            </tr>
          </tbody>
        </table>
      </ScrollingTable>
      {withFolds.length > 0 ? (
        <>
          <h3>With the threshold chosen inside each training fold</h3>
          <p className="muted">{gbdt.atFoldThresholds?.rule}</p>
          <ScrollingTable>
            <table className="data">
              <caption>
                Threshold-dependent metrics when no test row helps choose the threshold: each outer fold’s own
                threshold, chosen on its training rows by the model’s rule, applied to its test rows (decisions pooled;
                95% bootstrap intervals). The model still ships with the threshold above
              </caption>
              <TableHead columns={['Metric', ...withFolds.map((m) => m.name)]} numeric={withFolds.map((m) => m.name)} />
              <tbody>
                {foldRows
                  .filter(([, get]) => gbdt.atFoldThresholds && get(gbdt.atFoldThresholds) !== undefined)
                  .map(([name, get]) => (
                    <tr key={name}>
                      <th scope="row">{name} at the fold’s own threshold</th>
                      {withFolds.map(({ name: model, metrics }) => (
                        <td className="num" key={model}>
                          {cell(get(metrics.atFoldThresholds!))}
                        </td>
                      ))}
                    </tr>
                  ))}
                <tr>
                  <th scope="row">The folds’ thresholds: median (lowest–highest)</th>
                  {withFolds.map(({ name: model, metrics }) => (
                    <td className="num" key={model}>
                      {foldThresholdText(metrics.atFoldThresholds)}
                    </td>
                  ))}
                </tr>
              </tbody>
            </table>
          </ScrollingTable>
        </>
      ) : null}
      <div className="charts">
        <div className="chart">
          <RocCurve
            title="ROC curve (out-of-fold)"
            series={models.map(({ name, metrics }) => ({ name, auroc: metrics.auroc.estimate, points: metrics.roc }))}
          />
        </div>
        <div className="chart">
          <CalibrationPlot
            title="Calibration (out-of-fold, 10 bins)"
            series={models.map(({ name, metrics }) => ({ name, bins: metrics.calibration }))}
          />
        </div>
      </div>
    </>
  );
}
