import { vectorize } from '@/features/feature-set';
import { ModelRegistry } from '@/inference/model-registry';
import { riskBand, scoreVectors, vectorizeRows, type ScoredRow } from '@/prediction/scoring';

const registry = new ModelRegistry('models');
afterAll(() => registry.close());

describe('riskBand', () => {
  const card = { riskBands: { moderateFrom: 0.1, highFrom: 0.3, rule: 'test' } };

  it('is LOW below moderateFrom, MODERATE from it, HIGH from highFrom', () => {
    expect([0, 0.0999, 0.1, 0.2999, 0.3, 1].map((p) => riskBand(card, p))).toEqual([
      'LOW',
      'LOW',
      'MODERATE',
      'MODERATE',
      'HIGH',
      'HIGH',
    ]);
  });
});

describe('the scoring core on a shipped model', () => {
  const inputs = [
    {
      pregnancies: 6,
      glucose: 148,
      blood_pressure: 72,
      skin_thickness: 35,
      insulin: NaN,
      bmi: 33.6,
      diabetes_pedigree_function: 0.627,
      age: 50,
    },
    {
      pregnancies: 1,
      glucose: 85,
      blood_pressure: NaN,
      skin_thickness: NaN,
      insulin: NaN,
      bmi: NaN,
      diabetes_pedigree_function: 0.2,
      age: 31,
    },
  ];

  it('vectorizes rows row-major, each as the feature set vectorizes it', async () => {
    const model = await registry.get('diabetes');
    const vectors = vectorizeRows(model, inputs);
    const width = model.vectorNames.length;
    expect(vectors).toHaveLength(inputs.length * width);
    inputs.forEach((row, i) =>
      expect(vectors.subarray(i * width, (i + 1) * width)).toEqual(vectorize(model.featureSet, row)),
    );
  });

  it("scores every row with onnxruntime's probability, the card's threshold and bands, and contributions that add up to its logit", async () => {
    const model = await registry.get('diabetes');
    const vectors = vectorizeRows(model, inputs);
    const expected = await registry.predict('diabetes', vectors);
    const scored = await scoreVectors(model, vectors, (row: ScoredRow, i) => ({
      ...row,
      i,
      contributions: Array.from(row.contributions),
    }));
    expect(scored.map((s) => s.i)).toEqual([0, 1]);
    scored.forEach((s, i) => {
      expect(s.probability).toBe(expected[i]);
      expect(s.positive).toBe(expected[i] >= model.card.threshold.value);
      expect(s.riskBand).toBe(riskBand(model.card, expected[i]));
      expect(s.baseValue).toBe(model.explainer.baseValue);
      expect(s.vector).toEqual(vectorize(model.featureSet, inputs[i]));
      expect(s.contributions).toHaveLength(model.vectorNames.length);
      // onnxruntime's probability is float32, so its logit agrees to about 1e-6.
      const margin = s.baseValue + s.contributions.reduce((sum, c) => sum + c, 0);
      expect(margin).toBeCloseTo(Math.log(s.probability / (1 - s.probability)), 5);
    });
  });
});
