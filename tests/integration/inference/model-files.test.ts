import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readModelFiles } from '@/inference/model-files';
import { modelCardSchema } from '@/inference/model-card';
import { OnnxModel } from '@/inference/onnx-model';
import { trainingSetsDigest } from '@/training/datasets/icu-mortality-dataset';

const SHIPPED = ['sepsis', 'diabetes', 'heart-failure', 'icu-mortality'];

describe.each(SHIPPED)('shipped model %s', (id) => {
  it('has a card that validates, an ONNX file with the hash the card names, and the data file the card names', async () => {
    const { card, onnx } = await readModelFiles('models', id);
    expect(modelCardSchema.parse(card)).toEqual(card);
    expect(createHash('sha256').update(onnx).digest('hex')).toBe(card.onnx.sha256);
    // PhysioNet 2012 is 8,000 files: the card names them by the digest of their SHA256SUMS lines.
    const digest = card.dataset.file.startsWith('physionet2012/')
      ? await trainingSetsDigest('data')
      : createHash('sha256')
          .update(readFileSync(join('data', card.dataset.file)))
          .digest('hex');
    expect(digest).toBe(card.dataset.sha256);
  });

  it('reports its threshold-dependent metrics at the shipped threshold and at thresholds chosen inside the folds', async () => {
    const { card } = await readModelFiles('models', id);
    const models = [card.evaluation.gbdt, card.evaluation.baseline, card.evaluation.scoreBaseline?.metrics];
    for (const m of models.filter((x) => x !== undefined)) {
      const folds = m.atFoldThresholds!;
      expect(folds.folds).toBe(card.evaluation.folds * card.evaluation.repeats);
      expect(folds.thresholds.min).toBeLessThanOrEqual(folds.thresholds.max);
      for (const i of [folds.sensitivity, folds.specificity, folds.ppv, folds.npv, folds.f1, folds.mcc]) {
        expect(i.lower).toBeLessThanOrEqual(i.estimate);
        expect(i.estimate).toBeLessThanOrEqual(i.upper);
      }
      // Each model's extra figures follow its rule: utility for sepsis, Event 1 and H for icu-mortality.
      expect(folds.utility !== undefined).toBe(id === 'sepsis');
      expect(folds.event1 !== undefined).toBe(id === 'icu-mortality');
      expect(m.hosmerLemeshow !== undefined).toBe(id === 'icu-mortality');
    }
    expect(card.evaluation.scoreBaseline?.name).toBe(id === 'icu-mortality' ? 'SAPS-I' : undefined);
  });

  it('loads in onnxruntime and returns one probability in [0, 1] per row, all-missing optional rows included', async () => {
    const { card, onnx } = await readModelFiles('models', id);
    const width = card.features.length + card.derivedFeatures.length;
    const model = await OnnxModel.load(onnx, {
      inputName: card.onnx.inputName,
      probabilityOutput: card.onnx.probabilityOutput,
      featureCount: width,
    });
    const rows = new Float32Array(2 * width).fill(NaN);
    card.features.forEach((f, j) => {
      rows[j] = (f.min + f.max) / 2;
      rows[width + j] = f.required ? f.min : NaN;
    });
    const p = await model.predict(rows);
    expect(p).toHaveLength(2);
    for (const v of p) expect(v >= 0 && v <= 1).toBe(true);
    await model.release();
  });
});
