/**
 * A tiny icu-mortality model for tests of the timeline input: a GBDT fitted on synthetic courses vectorized by the real
 * timeline function, exported to ONNX, with a card holding the `timeline` section, in a temporary models directory
 * beside a copy of the shipped heart-failure model (a tabular one).
 */
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { icuMortalityFeatures, icuMortalityVector } from '@/features/icu-mortality';
import { ICU_MORTALITY_OBSERVATIONS } from '@/features/icu-mortality-observations';
import type { Observation } from '@/features/timeline';
import type { ModelCard } from '@/inference/model-card';
import { fitGradientBoosting } from '@/training/gbdt/gradient-boosting';
import { exportOnnx, ONNX_INPUT_NAME, ONNX_PROBABILITY_OUTPUT } from '@/training/onnx-export';
import { Rng } from '@/training/random';

export const TIMELINE_MODEL_ID = 'icu-mortality';

/** A synthetic stay: facts at admission, heart rate, GCS, lactate and temperature over two days; sicker, more deaths. */
function syntheticStay(rng: Rng): { observations: Observation[]; died: boolean } {
  const severity = rng.next();
  const observations: Observation[] = [
    { name: 'Age', time: 0, value: rng.int(20, 90) },
    { name: 'Gender', time: 0, value: rng.int(0, 1) },
    { name: 'ICUType', time: 0, value: rng.int(1, 4) },
  ];
  if (rng.next() < 0.8) observations.push({ name: 'Weight', time: 0, value: 50 + 50 * rng.next() });
  for (let t = rng.int(0, 60); t <= 2880; t += rng.int(45, 240)) {
    observations.push({ name: 'HR', time: t, value: Math.round(70 + 50 * severity + 20 * rng.next()) });
    if (rng.next() < 0.3)
      observations.push({ name: 'GCS', time: t, value: Math.max(3, 15 - rng.int(0, 12 * severity)) });
    if (rng.next() < 0.1)
      observations.push({ name: 'Lactate', time: t, value: Number((0.8 + 6 * severity * rng.next()).toFixed(1)) });
    if (rng.next() < 0.2) observations.push({ name: 'Temp', time: t, value: Number((36 + 2 * rng.next()).toFixed(1)) });
  }
  return { observations, died: rng.next() < 0.05 + 0.6 * severity * severity };
}

/** The vector names of the icu-mortality timeline function, in order. */
export const VECTOR_NAMES = icuMortalityFeatures().map((f) => f.name);

const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

/**
 * A models directory holding the fixture icu-mortality model and the shipped heart-failure model. Deterministic: the
 * same seed gives the same bytes.
 */
export function writeTimelineModels(seed = 20261204): string {
  const rng = new Rng(seed);
  const stays = Array.from({ length: 300 }, () => syntheticStay(rng));
  const width = VECTOR_NAMES.length;
  const x = new Float32Array(stays.length * width);
  stays.forEach((s, i) => x.set(icuMortalityVector(s.observations), i * width));
  const y = Uint8Array.from(stays, (s) => (s.died ? 1 : 0));
  const { ensemble } = fitGradientBoosting(
    { featureNames: VECTOR_NAMES, x, y },
    {
      rounds: 12,
      learningRate: 0.3,
      maxDepth: 3,
      minChildWeight: 1,
      lambda: 1,
      gamma: 0,
      subsample: 1,
      colsample: 1,
      maxBins: 32,
      seed,
    },
  );
  const onnx = exportOnnx(ensemble, { modelId: TIMELINE_MODEL_ID, version: '0.0.1-test', featureNames: VECTOR_NAMES });

  const template = JSON.parse(readFileSync(join('models', 'heart-failure', 'card.json'), 'utf8')) as ModelCard;
  const card: ModelCard = {
    ...template,
    id: TIMELINE_MODEL_ID,
    name: 'ICU mortality (test fixture: synthetic courses)',
    version: '0.0.1-test',
    outcome: 'in-hospital death (synthetic)',
    features: [],
    derivedFeatures: icuMortalityFeatures().map(({ name, label, description, unit }) => ({
      name,
      label,
      description,
      unit,
    })),
    timeline: {
      function: 'icu-mortality',
      windowMinutes: 2880,
      observations: ICU_MORTALITY_OBSERVATIONS.map((o) => ({
        ...o,
        codes: o.codes ? [...o.codes] : undefined,
        units: o.units ? [...o.units] : undefined,
      })),
    },
    onnx: {
      file: 'model.onnx',
      sha256: sha256(onnx),
      inputName: ONNX_INPUT_NAME,
      probabilityOutput: ONNX_PROBABILITY_OUTPUT,
      trees: ensemble.trees.length,
    },
    globalImportance: [],
  };
  const dir = mkdtempSync(join(tmpdir(), 'crc-timeline-models-'));
  mkdirSync(join(dir, TIMELINE_MODEL_ID));
  writeFileSync(join(dir, TIMELINE_MODEL_ID, 'model.onnx'), onnx);
  writeFileSync(join(dir, TIMELINE_MODEL_ID, 'card.json'), JSON.stringify(card, null, 2));
  cpSync(join('models', 'heart-failure'), join(dir, 'heart-failure'), { recursive: true });
  return dir;
}

/** A course as a client sends it: observations at ISO instants, `minutes` after `admittedAt`. */
export function courseAt(
  admittedAt: string,
  observations: ReadonlyArray<[name: string, minutes: number, value: number]>,
) {
  const start = Date.parse(admittedAt);
  return observations.map(([name, minutes, value]) => ({
    name,
    time: new Date(start + minutes * 60_000).toISOString(),
    value,
  }));
}

/** A plausible course of the first two days, as [code, minutes from admission, value]. */
export const SAMPLE_COURSE: ReadonlyArray<[string, number, number]> = [
  ['Age', 0, 71],
  ['Gender', 0, 1],
  ['ICUType', 0, 2],
  ['Weight', 0, 82.5],
  ['HR', 0, 96],
  ['HR', 90, 104],
  ['HR', 600, 112],
  ['HR', 1500, 99],
  ['GCS', 30, 13],
  ['GCS', 1440, 9],
  ['Lactate', 120, 3.4],
  ['Temp', 240, 38.2],
  ['Temp', 2000, 37.1],
  ['pH', 300, 735],
  ['Weight', 1440, 81],
];
