/**
 * One prediction's answer: probability, risk band with the risk as a multiple of the training data's base rate, decision
 * at the threshold and the waterfall of contributions; beside the previous answer in a what-if.
 */
import { WaterfallChart } from './charts/waterfall-chart';
import { computedValue, distinctPercents, featureValue, percent, signedLogOdds, timesBaseRate } from './format';
import type { BaseRate, ContributionView, PredictionView } from '@/dashboard/prediction-view';
import { RiskBadge } from './risk-badge';
import { NavLink } from './nav-link';
import { TableHead } from './table-head';

function Decision({ view }: { view: PredictionView }) {
  const verdict = <strong>{view.positive ? 'positive' : 'negative'}</strong>;
  if (view.threshold === null)
    return (
      <>
        Decision at version {view.modelVersion}&apos;s threshold: {verdict}
      </>
    );
  const [probability, threshold] = distinctPercents(view.probability, view.threshold);
  return (
    <>
      {probability} is {view.positive ? 'at or above' : 'below'} the decision threshold of {threshold}: {verdict}
    </>
  );
}

/** "≈ 4.1× the average patient-hour": what 8.90% means where 2.17% of patient-hours are positive. */
function relativeRiskText(probability: number, base: BaseRate): string {
  return `${timesBaseRate(probability, base.rate)} the average ${base.row}`;
}

function BaseRateNote({ base }: { base: BaseRate }) {
  return (
    <p className="muted base-rate">
      Average {percent(base.rate)}: {base.positives.toLocaleString('en-US')} of the {base.rows.toLocaleString('en-US')}{' '}
      {base.row}s the model was trained on were positive.
    </p>
  );
}

function Summary({ view, heading }: { view: PredictionView; heading: string }) {
  return (
    <div className="summary" data-testid="prediction-summary">
      <h3>{heading}</h3>
      <p className="probability" aria-label={`Probability ${percent(view.probability)}`}>
        {percent(view.probability)}
      </p>
      <p>
        Risk band <RiskBadge band={view.riskBand} />
        {view.baseRate ? (
          <>
            {' '}
            <strong className="relative-risk">{relativeRiskText(view.probability, view.baseRate)}</strong>
          </>
        ) : null}
      </p>
      {view.baseRate ? <BaseRateNote base={view.baseRate} /> : null}
      <p>
        <Decision view={view} />
      </p>
    </div>
  );
}

/** A contribution's value as its row shows it: an input as sent (a code as the form's select shows it), a computed feature rounded. */
function valueText(c: ContributionView): string {
  if (c.codeLabel !== null) return `${c.codeLabel} (${c.value})`;
  return (c.computed ? computedValue : featureValue)(c.value, c.unit);
}

/** The feature's label, and what a computed one is. */
function FeatureHeader({ c }: { c: ContributionView }) {
  return (
    <th scope="row">
      {c.label}
      {c.definition ? <span className="definition">{c.definition}</span> : null}
    </th>
  );
}

/**
 * Shown above a table with a missing value: its contribution surprises until one knows that whether a test was done is
 * itself a signal the model learned.
 */
function MissingNote({ contributions }: { contributions: readonly ContributionView[] }) {
  if (!contributions.some((c) => c.value === null)) return null;
  return (
    <p className="muted missing-note">
      “Missing” means not measured. In the training data, whether a value was measured at all is itself informative (a
      test is ordered when someone suspects something), so a missing value has a contribution of its own.
    </p>
  );
}

/** The contributions of the new answer beside the old, row by row (log-odds). */
function Comparison({ before, after }: { before: PredictionView; after: PredictionView }) {
  const old = new Map(before.contributions.map((c) => [c.name, c]));
  return (
    <>
      <MissingNote contributions={[...before.contributions, ...after.contributions]} />
      <table className="data">
        <caption>What changed, feature by feature (contributions in log-odds)</caption>
        <TableHead
          columns={['Feature', 'Before: value', 'Now: value', 'Before', 'Now', 'Change']}
          numeric={['Before', 'Now', 'Change']}
        />
        <tbody>
          {after.contributions.map((c) => {
            const was = old.get(c.name);
            const changed = was !== undefined && was.value !== c.value;
            return (
              <tr key={c.name} className={changed ? 'changed' : undefined}>
                <FeatureHeader c={c} />
                <td>{was ? valueText(was) : '–'}</td>
                <td>
                  {valueText(c)}
                  {changed ? ' (changed)' : ''}
                </td>
                <td className="num">{was ? signedLogOdds(was.contribution) : '–'}</td>
                <td className="num">{signedLogOdds(c.contribution)}</td>
                <td className="num">{was ? signedLogOdds(c.contribution - was.contribution) : '–'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}

export function ContributionTable({ view }: { view: PredictionView }) {
  return (
    <>
      <MissingNote contributions={view.contributions} />
      <table className="data">
        <caption>
          Contributions in log-odds, largest first: base value {signedLogOdds(view.baseValue, 3)} plus all contributions
          gives the output{' '}
          {signedLogOdds(view.baseValue + view.contributions.reduce((s, c) => s + c.contribution, 0), 3)} = logit(
          {percent(view.probability)})
        </caption>
        <TableHead columns={['Feature', 'Value', 'Contribution (log-odds)']} numeric={['Contribution (log-odds)']} />
        <tbody>
          {view.contributions.map((c) => (
            <tr key={c.name}>
              <FeatureHeader c={c} />
              <td>{valueText(c)}</td>
              <td className="num">{signedLogOdds(c.contribution, 3)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

export function PredictionResult({ view, previous }: { view: PredictionView; previous?: PredictionView | null }) {
  return (
    <section className="result" aria-labelledby="result-heading" data-testid="prediction-result">
      <h2 id="result-heading">Result</h2>
      <div className="summaries">
        {previous ? <Summary view={previous} heading="Before" /> : null}
        <Summary view={view} heading={previous ? 'Now' : 'This patient'} />
      </div>
      <p className="muted">
        Stored as audit record <NavLink href={`/predictions/${view.id}`}>{view.id}</NavLink>.
      </p>
      <WaterfallChart
        baseValue={view.baseValue}
        contributions={view.contributions}
        probability={view.probability}
        threshold={view.threshold ?? undefined}
        title="Why: each feature's contribution (log-odds)"
      />
      {previous ? (
        <details>
          <summary>The previous answer&apos;s explanation</summary>
          <WaterfallChart
            baseValue={previous.baseValue}
            contributions={previous.contributions}
            probability={previous.probability}
            threshold={previous.threshold ?? undefined}
            title="Before: each feature's contribution (log-odds)"
          />
        </details>
      ) : null}
      {previous ? <Comparison before={previous} after={view} /> : <ContributionTable view={view} />}
    </section>
  );
}
