import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTreeEnsemble } from '@/explain/onnx-tree-ensemble';
import { predictMargin, sigmoid } from '@/explain/tree-ensemble';
import { ModelCardMismatchError, ModelRegistry, UnknownModelError, loadModel } from '@/inference/model-registry';

describe('ModelRegistry on the shipped models', () => {
  const registry = new ModelRegistry('models');
  afterAll(() => registry.close());

  it('loads every model once: concurrent first calls share one load', async () => {
    const [a, b] = await Promise.all([registry.load(), registry.load()]);
    expect(a).toBe(b);
    expect([...a.keys()]).toEqual(['diabetes', 'heart-failure', 'icu-mortality', 'sepsis']);
  });

  it('names the known models when asked for an unknown one', async () => {
    await expect(registry.get('cardiac-arrest')).rejects.toThrow(UnknownModelError);
    await expect(registry.get('cardiac-arrest')).rejects.toThrow(
      /allowed: diabetes, heart-failure, icu-mortality, sepsis/,
    );
  });

  it('loads the timeline model icu-mortality: its function from the card, the vector the function computes', async () => {
    const model = await registry.get('icu-mortality');
    expect(model.card.features).toEqual([]);
    expect(model.timeline?.name).toBe('icu-mortality');
    expect(model.vectorNames).toEqual(model.timeline!.features().map((f) => f.name));
    expect(model.vectorNames).toHaveLength(301);
  });

  it('predicts a batch in one run, equal to the pure evaluator of the parsed ensemble', async () => {
    const model = await registry.get('heart-failure');
    const width = model.vectorNames.length;
    const rows = new Float32Array(3 * width);
    rows.set([70, 25, 1.8].slice(0, width), 0);
    rows.set([45, 60, 0.9].slice(0, width), width);
    rows.fill(NaN, 2 * width + 3, 3 * width).set([80, 15, 3.5], 2 * width);
    const p = await registry.predict('heart-failure', rows);
    for (let i = 0; i < 3; i++) {
      expect(p[i]).toBeCloseTo(sigmoid(predictMargin(model.ensemble, rows.subarray(i * width, (i + 1) * width))), 6);
    }
  });
});

describe('loadModel start-up checks', () => {
  function copyWithCard(edit: (card: Record<string, unknown> & { features: { name: string }[] }) => void): string {
    const dir = mkdtempSync(join(tmpdir(), 'registry-'));
    cpSync(join('models', 'diabetes'), join(dir, 'diabetes'), { recursive: true });
    const path = join(dir, 'diabetes', 'card.json');
    const card = JSON.parse(readFileSync(path, 'utf8'));
    edit(card);
    writeFileSync(path, JSON.stringify(card));
    return dir;
  }

  it('refuses a card whose feature order differs from the graph, naming both orders', async () => {
    const dir = copyWithCard((card) => {
      [card.features[0], card.features[1]] = [card.features[1], card.features[0]];
    });
    await expect(loadModel(dir, 'diabetes')).rejects.toThrow(ModelCardMismatchError);
    await expect(loadModel(dir, 'diabetes')).rejects.toThrow(/feature order differs: graph \[pregnancies, glucose/);
  });

  it('refuses a card with fewer features than the graph takes', async () => {
    const dir = copyWithCard((card) => {
      card.features.pop();
    });
    await expect(loadModel(dir, 'diabetes')).rejects.toThrow(/the graph takes 8 features, the card lists 7/);
  });

  it('refuses an ONNX file whose hash is not the card’s', async () => {
    const dir = copyWithCard((card) => {
      (card.onnx as { sha256: string }).sha256 = '0'.repeat(64);
    });
    await expect(loadModel(dir, 'diabetes')).rejects.toThrow(/has sha256 [0-9a-f]{64} but the card names 0{64}/);
  });

  it('reads back the ensemble the card describes', async () => {
    const model = await loadModel('models', 'diabetes');
    expect(model.ensemble.trees).toHaveLength(model.card.onnx.trees);
    expect(readTreeEnsemble(readFileSync('models/diabetes/model.onnx')).ensemble).toEqual(model.ensemble);
    await model.onnx.release();
  });
});
