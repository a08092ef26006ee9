/**
 * The pure functions from a stay's course to a model's vector, by the name a card's `timeline.function` gives. The
 * same function serves training, `npm run score`, the API and the monitor, so the four cannot disagree.
 */
import { ICU_MORTALITY_OBSERVATIONS } from './icu-mortality-observations';
import { DEFAULT_WINDOW_MINUTES, icuMortalityFeatures, icuMortalityVector } from './icu-mortality';
import { SEPSIS_LAST_HOUR, SEPSIS_OBSERVATIONS, sepsisCourseFeatures, sepsisCourseVector } from './sepsis-course';
import type { Observation, ObservationSpec } from './timeline';

/** One entry of a timeline model's vector, as the card lists it (a derived feature with its unit). */
export interface VectorEntry {
  name: string;
  label: string;
  unit: string | null;
  description: string;
}

export interface TimelineFunction {
  name: string;
  /** The observation codes the function reads, with their units, ranges and unit rules. */
  observations: readonly ObservationSpec[];
  /** Minutes from admission read, scored at their end; null: the course up to its latest observation. */
  windowMinutes: number | null;
  /** Without a window: the latest minute from admission the model can score (its inputs' ranges end there). */
  lastMinute?: number;
  /** The vector's entries, in order. */
  features(): VectorEntry[];
  /** The vector from the observations up to `moment` minutes after admission (NaN = missing). */
  vector(observations: readonly Observation[], moment: number): Float64Array;
}

export const TIMELINE_FUNCTIONS: Readonly<Record<string, TimelineFunction>> = {
  'icu-mortality': {
    name: 'icu-mortality',
    observations: ICU_MORTALITY_OBSERVATIONS,
    windowMinutes: DEFAULT_WINDOW_MINUTES,
    features: () => icuMortalityFeatures(DEFAULT_WINDOW_MINUTES),
    vector: (observations, moment) => icuMortalityVector(observations, moment),
  },
  sepsis: {
    name: 'sepsis',
    observations: SEPSIS_OBSERVATIONS,
    windowMinutes: null,
    lastMinute: SEPSIS_LAST_HOUR * 60,
    features: sepsisCourseFeatures,
    vector: sepsisCourseVector,
  },
};
