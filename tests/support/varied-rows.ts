/** Deterministic, varied, valid prediction rows for load programs (the API benchmark, the soak). */
import type { PredictionRow } from '../../src/prediction/prediction-service';

/** The models these rows are written for. */
export type LoadModelId = 'heart-failure' | 'diabetes' | 'sepsis';
export const LOAD_MODELS: readonly LoadModelId[] = ['heart-failure', 'diabetes', 'sepsis'];

/** A seeded linear congruential generator in [0, 1): the same seed gives the same rows on every machine. */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

const round = (v: number, digits: number) => Number(v.toFixed(digits));

/**
 * `count` rows for `model`, inside every card range, with optional inputs sometimes null. The
 * heart-failure and diabetes draws are the API benchmark's since its first figures: keep their order, or
 * the benchmark stops measuring the same requests.
 */
export function variedRows(model: LoadModelId, count: number, seed: number): PredictionRow[] {
  const r = lcg(seed);
  const between = (lo: number, hi: number, digits = 0) => round(lo + r() * (hi - lo), digits);
  const sometimes = (pMissing: number, lo: number, hi: number, digits = 0) =>
    r() < pMissing ? null : between(lo, hi, digits);
  return Array.from({ length: count }, (_, i) => ({
    patientRef: `MRN-${seed}-${i}`,
    features:
      model === 'heart-failure'
        ? [
            { name: 'age', value: between(40, 95) },
            { name: 'ejection_fraction', value: between(14, 70) },
            { name: 'serum_creatinine', value: between(0.5, 6, 1) },
          ]
        : model === 'diabetes'
          ? [
              { name: 'pregnancies', value: between(0, 10) },
              { name: 'glucose', value: between(70, 190) },
              { name: 'blood_pressure', value: between(50, 100) },
              { name: 'skin_thickness', value: r() < 0.3 ? null : between(10, 50) },
              { name: 'insulin', value: r() < 0.5 ? null : between(20, 400) },
              { name: 'bmi', value: between(19, 48, 1) },
              { name: 'diabetes_pedigree_function', value: between(0.08, 1.8, 3) },
              { name: 'age', value: between(21, 75) },
            ]
          : // An ICU patient-hour: vitals usually charted, labs usually not drawn this hour (null).
            [
              { name: 'heart_rate', value: sometimes(0.1, 55, 150) },
              { name: 'o2_sat', value: sometimes(0.1, 85, 100) },
              { name: 'temperature', value: sometimes(0.5, 35.5, 40, 1) },
              { name: 'sbp', value: sometimes(0.15, 75, 170) },
              { name: 'map', value: sometimes(0.15, 45, 110) },
              { name: 'resp_rate', value: sometimes(0.15, 10, 38) },
              { name: 'lactate', value: sometimes(0.9, 0.5, 8, 1) },
              { name: 'wbc', value: sometimes(0.85, 2, 25, 1) },
              { name: 'creatinine', value: sometimes(0.85, 0.4, 5, 1) },
              { name: 'platelets', value: sometimes(0.85, 20, 450) },
              { name: 'age', value: between(18, 100) },
              { name: 'gender', value: r() < 0.5 ? 0 : 1 },
              { name: 'hosp_adm_time', value: sometimes(0.05, -200, 0, 2) },
              { name: 'iculos', value: between(1, 240) },
            ],
  }));
}
