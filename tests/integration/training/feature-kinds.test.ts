/**
 * Every input's kind is declared in its spec and its card, and is true of the training data: a binary column holds only
 * its codes, an integer one only whole numbers.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fitsKind, type FeatureSpec } from '@/features/feature-set';
import { modelCardSchema } from '@/inference/model-card';
import type { Dataset } from '@/training/dataset';
import { loadDiabetes } from '@/training/datasets/diabetes';
import { loadHeartFailure } from '@/training/datasets/heart-failure';
import { RECIPES } from '@/training/recipes/all-recipes';

const DATA = join(__dirname, '../../../data');

/** Recorded values of each input that its kind cannot take, and the distinct values of each binary input. */
function survey(specs: readonly FeatureSpec[], data: Dataset) {
  const f = data.featureNames.length;
  const offenders: Record<string, number[]> = {};
  const seen: Record<string, number[]> = {};
  specs.forEach((spec) => {
    const j = data.featureNames.indexOf(spec.name);
    expect([spec.name, j >= 0]).toEqual([spec.name, true]);
    const values = new Set<number>();
    for (let r = 0; r < data.y.length; r++) {
      const v = data.x[r * f + j];
      if (Number.isNaN(v)) continue;
      values.add(v);
      if (!fitsKind(spec, v)) (offenders[spec.name] ??= []).push(v);
    }
    if (spec.kind === 'binary') seen[spec.name] = [...values].sort((a, b) => a - b);
  });
  return { offenders, seen };
}

describe.each(RECIPES.map((r) => [r.id, r]))('the %s model', (id, recipe) => {
  const raw = JSON.parse(readFileSync(join('models', id, 'card.json'), 'utf8')) as {
    features: Record<string, unknown>[];
  };

  it('declares a kind for every input of its card, and codes with their meaning for each binary one', () => {
    for (const feature of raw.features) {
      expect([feature.name, ['binary', 'integer', 'continuous'].includes(feature.kind as string)]).toEqual([
        feature.name,
        true,
      ]);
      expect([feature.name, 'codes' in feature]).toEqual([feature.name, feature.kind === 'binary']);
    }
    expect(() => modelCardSchema.parse(raw)).not.toThrow();
  });

  it('has a card listing its inputs exactly as the feature specs define them (what a retrain writes)', () => {
    const specs = recipe.featureSet.inputs;
    expect(raw.features).toEqual(raw.features.map((f) => specs.find((s) => s.name === f.name)));
  });
});

describe('kinds against the training data', () => {
  it('diabetes: pregnancies are whole numbers (every other input is a measurement)', () => {
    const specs = RECIPES.find((r) => r.id === 'diabetes')!.featureSet.inputs;
    expect(specs.filter((s) => s.kind !== 'continuous').map((s) => [s.name, s.kind])).toEqual([
      ['pregnancies', 'integer'],
    ]);
    expect(survey(specs, loadDiabetes(DATA).data).offenders).toEqual({});
  });

  it('heart-failure: anaemia, diabetes, hypertension, sex and smoking hold only their codes 0 and 1, both used', () => {
    const specs = RECIPES.find((r) => r.id === 'heart-failure')!.featureSet.inputs;
    const binary = ['anaemia', 'diabetes', 'high_blood_pressure', 'sex', 'smoking'];
    expect(specs.filter((s) => s.kind !== 'continuous').map((s) => [s.name, s.kind])).toEqual(
      binary.map((n) => [n, 'binary']),
    );
    const { data } = loadHeartFailure(DATA);
    const { offenders, seen } = survey(specs, data);
    expect(offenders).toEqual({});
    expect(seen).toEqual(Object.fromEntries(binary.map((n) => [n, [0, 1]])));
    // PROVENANCE.md (Chicco & Jurman 2020, Table 1): sex 0 = woman, 1 = man, and the cohort has 194 men.
    expect(specs.find((s) => s.name === 'sex')?.codes).toEqual([
      { value: 0, label: 'woman' },
      { value: 1, label: 'man' },
    ]);
    const sex = data.featureNames.indexOf('sex');
    let men = 0;
    for (let r = 0; r < data.y.length; r++) if (data.x[r * data.featureNames.length + sex] === 1) men++;
    expect(men).toBe(194);
  });
});
