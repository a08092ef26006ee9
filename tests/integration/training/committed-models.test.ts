import { recipeFor } from '@/training/recipes/all-recipes';
import { trainCommand } from '@/training/train-command';

// The sepsis model takes ten minutes to retrain; `npm run train -- --model sepsis --check` covers it outside the test
// suite. icu-mortality (8,000 stays, 5×5 nested CV) takes a few minutes: it stays in, as the one timeline model.
describe.each(['heart-failure', 'diabetes', 'icu-mortality'])('committed model %s', (id) => {
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
  }, 1_200_000);
});
