/** The `icu-mortality` feature vector: a stay's observations up to a moment, summarised per parameter. */
import { ICU_MORTALITY_OBSERVATIONS, ICU_MORTALITY_TIME_SERIES } from './icu-mortality-observations';
import { normaliseValue, type Observation, type ObservationSpec } from './timeline';

/** The challenge predicts from the first 48 hours of the stay. */
export const DEFAULT_WINDOW_MINUTES = 48 * 60;

/** What each time series is summarised by, in vector order. */
export const STATISTICS = ['first', 'last', 'min', 'max', 'mean', 'count', 'time_since_last', 'slope'] as const;
export type Statistic = (typeof STATISTICS)[number];

/** One entry of the vector: what a program calls it, what a clinician reads, and where it comes from. */
export interface TimelineFeature {
  /** `<code>_<statistic>` for a time series (`GCS_min`); a fact of the stay's code (`Age`, `Weight_admission`). */
  name: string;
  label: string;
  unit: string | null;
  description: string;
  /** The observation code it is computed from (its spec holds the input's range). */
  source: string;
  statistic: Statistic | 'at_admission';
}

const STATIC_FACTS = ['Age', 'Gender', 'Height', 'ICUType', 'Weight'] as const;

const SPECS = new Map(ICU_MORTALITY_OBSERVATIONS.map((s) => [s.name, s]));
const SERIES_INDEX = new Map(ICU_MORTALITY_TIME_SERIES.map((s, i) => [s.name, i]));

function hours(minutes: number): string {
  return `${Number((minutes / 60).toFixed(2))} h`;
}

function statisticFeature(spec: ObservationSpec, statistic: Statistic, window: number): TimelineFeature {
  const h = hours(window);
  const base = { name: `${spec.name}_${statistic}`, source: spec.name, statistic, unit: spec.unit };
  switch (statistic) {
    case 'first':
      return { ...base, label: `${spec.label}, first in ${h}`, description: `The first ${spec.label} of the window.` };
    case 'last':
      return { ...base, label: `${spec.label}, last in ${h}`, description: `The latest ${spec.label} of the window.` };
    case 'min':
      return {
        ...base,
        label: `${spec.label}, lowest in ${h}`,
        description: `The lowest ${spec.label} of the window.`,
      };
    case 'max':
      return {
        ...base,
        label: `${spec.label}, highest in ${h}`,
        description: `The highest ${spec.label} of the window.`,
      };
    case 'mean':
      return { ...base, label: `${spec.label}, mean over ${h}`, description: `The mean of every ${spec.label}.` };
    case 'count':
      return {
        ...base,
        unit: 'count',
        label: `${spec.label}, measurements in ${h}`,
        description: `How many times ${spec.label} was recorded (0 when never).`,
      };
    case 'time_since_last':
      return {
        ...base,
        unit: 'min',
        label: `${spec.label}, minutes since last measured`,
        description: `Minutes from the latest ${spec.label} to the end of the window.`,
      };
    case 'slope':
      return {
        ...base,
        unit: spec.unit ? `${spec.unit}/h` : 'per h',
        label: `${spec.label}, trend per hour over ${h}`,
        description: `Least-squares slope of ${spec.label} against time, per hour (needs two distinct times).`,
      };
  }
}

/** The vector's entries in order: the facts of the stay, then 8 statistics for each of the 37 time series. */
export function icuMortalityFeatures(window = DEFAULT_WINDOW_MINUTES): TimelineFeature[] {
  const facts = STATIC_FACTS.map((code): TimelineFeature => {
    const spec = SPECS.get(code)!;
    const weight = code === 'Weight';
    return {
      name: weight ? 'Weight_admission' : code,
      label: weight ? 'Weight at admission' : spec.label,
      unit: spec.unit,
      description: weight ? 'Body weight recorded at admission (time 0).' : spec.description,
      source: code,
      statistic: 'at_admission',
    };
  });
  const summaries = ICU_MORTALITY_TIME_SERIES.flatMap((spec) =>
    STATISTICS.map((s) => statisticFeature(spec, s, window)),
  );
  return [...facts, ...summaries];
}

/** The summaries of one series, in STATISTICS order; `points` sorted by time then value, times in minutes. */
function summarise(
  points: ReadonlyArray<{ time: number; value: number }>,
  window: number,
  out: Float64Array,
  at: number,
) {
  const n = points.length;
  out[at + 5] = n;
  if (n === 0) {
    for (const k of [0, 1, 2, 3, 4, 6, 7]) out[at + k] = NaN;
    return;
  }
  // Values recorded at the same minute are all used; first and last are the mean at the earliest and latest time,
  // so the result does not depend on the order the observations were sent in.
  const firstTime = points[0].time;
  const lastTime = points[n - 1].time;
  let firstSum = 0;
  let firstN = 0;
  let lastSum = 0;
  let lastN = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  let timeSum = 0;
  for (const { time, value } of points) {
    if (time === firstTime) {
      firstSum += value;
      firstN++;
    }
    if (time === lastTime) {
      lastSum += value;
      lastN++;
    }
    sum += value;
    timeSum += time;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  const mean = sum / n;
  const meanHour = timeSum / n / 60;
  let sxy = 0;
  let sxx = 0;
  for (const { time, value } of points) {
    const dt = time / 60 - meanHour;
    sxy += dt * (value - mean);
    sxx += dt * dt;
  }
  out[at] = firstSum / firstN;
  out[at + 1] = lastSum / lastN;
  out[at + 2] = min;
  out[at + 3] = max;
  out[at + 4] = mean;
  out[at + 6] = window - lastTime;
  // One distinct time gives no trend: missing, not 0.
  out[at + 7] = firstTime === lastTime ? NaN : sxy / sxx;
}

/**
 * The feature vector of a stay (in `icuMortalityFeatures()` order) from its observations up to `moment` minutes after
 * admission (the window is [0, moment]; the monitor passes the minutes since admission): later observations are
 * ignored, codes outside the table are not features (validation refuses them), values pass through the unit rules.
 * Missing stays missing (NaN): a series never recorded has count 0 and every other summary NaN; a fact not given is
 * NaN. A fact given more than once (validation refuses that, but for Weight, which is also a series) is read as the
 * mean of its values at time 0, so that a record holding two weights at admission keeps both. Pure and deterministic:
 * the same observations in any order give the same vector, bit for bit. The caller casts to float32 for the model.
 */
export function icuMortalityVector(
  observations: readonly Observation[],
  moment: number = DEFAULT_WINDOW_MINUTES,
): Float64Array {
  const series: Array<Array<{ time: number; value: number }>> = ICU_MORTALITY_TIME_SERIES.map(() => []);
  const facts = STATIC_FACTS.map(() => ({ sum: 0, n: 0 }));
  for (const o of observations) {
    if (!(o.time <= moment)) continue;
    const spec = SPECS.get(o.name);
    if (!spec) continue;
    const value = normaliseValue(spec, o.value);
    const fact = (STATIC_FACTS as readonly string[]).indexOf(o.name);
    if (fact >= 0 && o.time === 0) {
      facts[fact].sum += value;
      facts[fact].n++;
    }
    const s = SERIES_INDEX.get(o.name);
    if (s !== undefined) series[s].push({ time: o.time, value });
  }
  const out = new Float64Array(STATIC_FACTS.length + ICU_MORTALITY_TIME_SERIES.length * STATISTICS.length);
  facts.forEach((f, i) => {
    out[i] = f.n === 0 ? NaN : f.sum / f.n;
  });
  series.forEach((points, s) => {
    points.sort((a, b) => a.time - b.time || a.value - b.value);
    summarise(points, moment, out, STATIC_FACTS.length + s * STATISTICS.length);
  });
  return out;
}
