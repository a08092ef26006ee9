/** ICU-mortality risk of a stay: from the first 48 hours, so "not yet" before; then its probability and explanation. */
import type { IcuMortalityView } from '@/dashboard/stay-page';
import { WaterfallChart } from '../charts/waterfall-chart';
import { percent } from '../format';
import { Arithmetic } from './hour-explanation';

export function IcuMortality({ icu }: { icu: IcuMortalityView }) {
  return (
    <section aria-labelledby="icu-mortality-heading" className="stay-icu">
      <h2 id="icu-mortality-heading">ICU-mortality risk</h2>
      {icu.state === 'not-yet' ? (
        <p data-state="not-yet">
          Not yet (needs {icu.needs} h): the model reads the first {icu.needs} hours of a stay, and this one has{' '}
          {icu.hoursSoFar} assessed.
        </p>
      ) : icu.state === 'none' ? (
        <p data-state="none">
          No ICU-mortality prediction is stored for this stay: none of its first 48 hours held an observation the model
          reads.
        </p>
      ) : (
        <>
          <p data-state="scored">
            Probability of in-hospital death {percent(icu.probability)}, from the first 48 hours (scored at hour{' '}
            {icu.hour})
            {icu.explanation?.prediction.threshold != null
              ? `; ${icu.explanation.prediction.positive ? 'at or above' : 'below'} the decision threshold of ${percent(icu.explanation.prediction.threshold)}`
              : ''}
            .
            {icu.explanation?.recordHref ? (
              <>
                {' '}
                <a href={icu.explanation.recordHref}>The audit record</a>.
              </>
            ) : null}
          </p>
          {icu.explanation ? (
            <>
              <Arithmetic explanation={icu.explanation} />
              <WaterfallChart
                baseValue={icu.explanation.prediction.baseValue}
                contributions={icu.explanation.prediction.contributions}
                probability={icu.explanation.prediction.probability}
                threshold={icu.explanation.prediction.threshold ?? undefined}
                title="ICU-mortality risk: contributions in log-odds"
              />
            </>
          ) : (
            <p>The record behind it cannot be read (the model is no longer served or the record is missing).</p>
          )}
        </>
      )}
    </section>
  );
}
