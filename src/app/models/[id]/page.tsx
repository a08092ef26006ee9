/** A model's card: what it predicts, for whom, how well (beside its baseline), how it was made, and its inputs. */
import { services } from '@/server/service-container';
import type { ModelMetrics } from '@/inference/model-card';
import { CalibrationPlot } from '@/ui/charts/calibration-plot';
import { ImportanceChart } from '@/ui/charts/importance-chart';
import { RocCurve } from '@/ui/charts/roc-curve';
import { percent, withInterval } from '@/ui/format';
import { labelsOf } from '@/dashboard/prediction-view';
import { NavLink } from '@/ui/nav-link';
import { NotFound } from '@/ui/route-states';

export const dynamic = 'force-dynamic';

type Interval = { estimate: number; lower: number; upper: number };
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

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return { title: `${id} — Clinical Risk Console` };
}

export default async function ModelPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { registry } = await services();
  const model = (await registry.load()).get(id);
  // Not notFound(): in production Next.js 16.4 answers it with an empty body that only JavaScript
  // fills in (vercel/next.js#98295), and these pages must read without JavaScript.
  if (!model) return <NotFound what="model" back={{ href: '/', label: 'See the models on the overview' }} />;
  const { card } = model;
  const { gbdt, baseline } = card.evaluation;
  const labels = labelsOf(card);
  return (
    <>
      <h1>{card.name}</h1>
      <p className="lead">{card.description}</p>
      <p>
        <NavLink className="button" href={`/models/${card.id}/predict`}>
          Predict with this model
        </NavLink>{' '}
        <NavLink className="button button-secondary" href={`/predictions?modelId=${card.id}`}>
          Its audit records
        </NavLink>
      </p>
      <dl className="facts">
        <dt>Outcome</dt>
        <dd>{card.outcome}</dd>
        <dt>Version</dt>
        <dd>
          {card.version} (ONNX sha256 <code>{card.onnx.sha256}</code>, {card.onnx.trees} trees)
        </dd>
        <dt>Decision threshold</dt>
        <dd>
          {percent(card.threshold.value)}: {card.threshold.rule}
        </dd>
        <dt>Risk bands</dt>
        <dd>
          LOW below {percent(card.riskBands.moderateFrom)}, MODERATE below {percent(card.riskBands.highFrom)}, HIGH from there. {card.riskBands.rule}
        </dd>
      </dl>

      <h2>Intended use</h2>
      <p>{card.intendedUse}</p>
      <h2>Limitations</h2>
      <ul>
        {card.limitations.map((text) => (
          <li key={text}>{text}</li>
        ))}
      </ul>

      <h2>Performance</h2>
      <p className="muted">{card.evaluation.method}</p>
      <div className="table-scroll" tabIndex={0} role="region" aria-label="Table, scrolls sideways on narrow screens">
        <table className="data">
          <caption>Gradient-boosted trees (shipped) beside the logistic-regression baseline; 95% bootstrap intervals in brackets</caption>
          <thead>
            <tr>
              <th scope="col">Metric</th>
              <th scope="col" className="num">
                GBDT (shipped)
              </th>
              <th scope="col" className="num">
                Baseline
              </th>
            </tr>
          </thead>
          <tbody>
            {rows
              .filter(([, get]) => get(gbdt) !== undefined)
              .map(([name, get]) => (
                <tr key={name}>
                  <th scope="row">{name}</th>
                  <td className="num">{cell(get(gbdt), name.startsWith('AUROC, mean') ? gbdt.aurocFoldMean.sd : undefined)}</td>
                  <td className="num">{cell(get(baseline), name.startsWith('AUROC, mean') ? baseline.aurocFoldMean.sd : undefined)}</td>
                </tr>
              ))}
            <tr>
              <th scope="row">Threshold used</th>
              <td className="num">{percent(gbdt.atThreshold.threshold)}</td>
              <td className="num">{percent(baseline.atThreshold.threshold)}</td>
            </tr>
          </tbody>
        </table>
      </div>
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

      <h2>What drives its answers</h2>
      <p className="muted">
        Mean absolute TreeSHAP contribution of each feature over {card.globalImportanceRows.toLocaleString('en-US')} training rows, in log-odds (not
        probability).
      </p>
      <div className="chart">
        <ImportanceChart
          title="Global feature importance"
          features={card.globalImportance.map((f) => ({ ...f, label: labels.get(f.name)?.label ?? f.name }))}
        />
      </div>

      <h2>Inputs</h2>
      <div className="table-scroll" tabIndex={0} role="region" aria-label="Table, scrolls sideways on narrow screens">
        <table className="data">
          <caption>The values a request sends; a value outside its range is refused</caption>
          <thead>
            <tr>
              <th scope="col">Feature</th>
              <th scope="col">Name</th>
              <th scope="col">Unit</th>
              <th scope="col" className="num">
                Allowed values
              </th>
              <th scope="col">Required</th>
              <th scope="col">Description; when missing</th>
            </tr>
          </thead>
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
      </div>
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
          <thead>
            <tr>
              <th scope="col">Candidate</th>
              <th scope="col" className="num">
                AUROC
              </th>
              <th scope="col">Note</th>
            </tr>
          </thead>
          <tbody>
            {card.evaluation.comparisons.map((c) => (
              <tr key={c.name}>
                <th scope="row">{c.description}</th>
                <td className="num">{withInterval(c.auroc)}</td>
                <td>{c.note ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </>
  );
}
