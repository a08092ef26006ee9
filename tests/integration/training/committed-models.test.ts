import { recipeFor } from '@/training/recipes/all-recipes';
import { trainCommand } from '@/training/train-command';

// The sepsis model takes minutes to retrain; `npm run train -- --check` covers it outside the test suite.
describe.each(['heart-failure', 'diabetes'])('committed model %s', (id) => {
  it('is reproduced byte for byte by retraining from the data (npm run train -- --check)', async () => {
    const lines: string[] = [];
    const mismatched = await trainCommand([recipeFor(id)], {
      dataDir: 'data',
      modelsDir: 'models',
      check: true,
      log: (l) => lines.push(l),
    });
    expect(mismatched).toEqual([]);
    expect(lines.some((l) => l.includes('identical to the committed model.onnx and card.json'))).toBe(true);
  }, 600_000);
});
