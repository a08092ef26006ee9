import { recipeFor } from '@/training/recipes/all-recipes';
import { trainCommand } from '@/training/train-command';

// sepsis (ten minutes) and icu-mortality (five: 8,000 stays, 5×5 nested CV) would take the suite past CI's 20 minutes;
// `npm run train -- --check` covers them outside it, and train-model.test.ts trains both shrunk through the same code.
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
  }, 1_200_000);
});
