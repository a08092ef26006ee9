/**
 * One hour of a stay explained: the sepsis prediction's waterfall from its audit record, the arithmetic it rests on
 * (base + Σ contributions = logit p, in log-odds), and the observations the model read at the hour's end, with values
 * carried forward from earlier hours marked as such.
 */
import type { ExplanationView, HourObservation, HourRow } from '@/dashboard/stay-page';
import { WaterfallChart } from '../charts/waterfall-chart';
import { CONSISTENCY_TOLERANCE } from '../charts/waterfall-steps';
import { featureValue, fromAdmission, percent, signedLogOdds } from '../format';
import { ScrollingTable } from '../scrolling-table';
import { TableHead } from '../table-head';

/** "base −3.000 + Σ contributions +0.558 = −2.442 log-odds = logit(8.00%)": the sum a reader can check. */
export function arithmeticText(e: ExplanationView): string {
  return `base ${signedLogOdds(e.base, 3)} + Σ contributions ${signedLogOdds(e.sum, 3)} = ${signedLogOdds(e.output, 3)} log-odds = logit(${percent(e.prediction.probability)}), the probability stated (${signedLogOdds(e.logitProbability, 3)})`;
}

/**
 * The sum and the stated probability agree to CONSISTENCY_TOLERANCE, not exactly: the contributions add up to the
 * model's margin in float64, while the probability is onnxruntime's float32 output (see waterfall-steps.ts).
 */
export function Arithmetic({ explanation }: { explanation: ExplanationView }) {
  const difference = Math.abs(explanation.output - explanation.logitProbability);
  const agrees = difference <= CONSISTENCY_TOLERANCE;
  return (
    <p className="arithmetic" data-agrees={agrees}>
      Contributions are in log-odds, not probabilities. They add up: {arithmeticText(explanation)}.
      {agrees ? (
        <span className="muted">
          {' '}
          (The model states its probability in single precision, so the two sides may differ in the sixth decimal; here
          by {difference.toExponential(1)}.)
        </span>
      ) : (
        <strong className="error">
          {' '}
          The stored record does not add up: the sides differ by {difference.toExponential(1)} log-odds, more than
          rounding explains ({CONSISTENCY_TOLERANCE}). Report it.
        </strong>
      )}
    </p>
  );
}

export function HourObservations({ hour, observations }: { hour: number; observations: readonly HourObservation[] }) {
  if (observations.length === 0) return <p>No observation was in force at the end of hour {hour}.</p>;
  return (
    <ScrollingTable>
      <table className="data stay-observations">
        <caption>
          What the model read at the end of hour {hour}: the latest value of each code (times from admission)
        </caption>
        <TableHead columns={['Observation', 'Value', 'Measured', 'From hour', 'Status']} numeric={['Value']} />
        <tbody>
          {observations.map((o) => (
            <tr key={o.code} className={o.carriedForward ? 'carried' : undefined} data-code={o.code}>
              <th scope="row">{o.label}</th>
              <td className="num">{o.codeLabel ? `${o.codeLabel} (${o.value})` : featureValue(o.value, o.unit)}</td>
              <td>{fromAdmission(o.minutes)}</td>
              <td>{o.fromHour}</td>
              <td>{o.carriedForward ? `carried forward from hour ${o.fromHour}` : `measured in hour ${hour}`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollingTable>
  );
}

function HourNav({ hours, selected }: { hours: readonly HourRow[]; selected: number }) {
  const i = hours.findIndex((h) => h.hour === selected);
  const before = i > 0 ? hours[i - 1].hour : null;
  const after = i >= 0 && i < hours.length - 1 ? hours[i + 1].hour : null;
  return (
    <nav className="pager" aria-label="Assessed hours">
      {before !== null ? <a href={`?hour=${before}#explanation`}>← Hour {before}</a> : <span />}
      <span>
        Hour {selected} of {hours.length} assessed
      </span>
      {after !== null ? <a href={`?hour=${after}#explanation`}>Hour {after} →</a> : <span />}
    </nav>
  );
}

export function HourExplanation({
  hours,
  selectedHour,
  hourProblem,
  explanation,
  observations,
}: {
  hours: readonly HourRow[];
  selectedHour: number | null;
  hourProblem: string | null;
  explanation: ExplanationView | null;
  observations: readonly HourObservation[];
}) {
  const row = hours.find((h) => h.hour === selectedHour);
  return (
    <section aria-labelledby="explanation" className="stay-explanation">
      <h2 id="explanation">{row ? `Hour ${row.hour} explained` : 'Explanation of an hour'}</h2>
      {hourProblem ? (
        <p className="error" role="alert">
          {hourProblem}
        </p>
      ) : null}
      {!row ? (
        <p>No hour has been assessed yet, so there is nothing to explain.</p>
      ) : (
        <>
          <HourNav hours={hours} selected={row.hour} />
          {explanation ? (
            <>
              <p>
                Sepsis risk {percent(explanation.prediction.probability)} at the end of hour {row.hour}
                {explanation.prediction.threshold !== null
                  ? `, ${explanation.prediction.positive ? 'at or above' : 'below'} the decision threshold of ${percent(explanation.prediction.threshold)}`
                  : ''}
                .{' '}
                {explanation.recordHref ? (
                  <>
                    <a href={explanation.recordHref}>The audit record</a>.
                  </>
                ) : null}
              </p>
              <Arithmetic explanation={explanation} />
              <WaterfallChart
                baseValue={explanation.prediction.baseValue}
                contributions={explanation.prediction.contributions}
                probability={explanation.prediction.probability}
                threshold={explanation.prediction.threshold ?? undefined}
                title={`Sepsis risk, hour ${row.hour}: contributions in log-odds`}
              />
            </>
          ) : (
            <p>
              {row.sepsisPredictionId
                ? 'The sepsis record of this hour cannot be read (the model is no longer served or the record is missing).'
                : 'Sepsis was not scored this hour (no observation the model reads).'}
            </p>
          )}
          <h3>Observations behind hour {row.hour}</h3>
          <HourObservations hour={row.hour} observations={observations} />
        </>
      )}
    </section>
  );
}
