/**
 * The committed reference distributions (models/<id>/reference.json): regenerated from the data without training
 * (npm run train -- --reference) they are the same bytes, and each belongs to its model's card and ONNX file.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { referenceDistributionSchema } from '@/features/reference-distribution';
import { modelCardSchema } from '@/inference/model-card';
import { recipeFor } from '@/training/recipes/all-recipes';
import { cardVectorNames, referenceCommand, regenerateReference } from '@/training/reference-command';

const read = (id: string, file: string) => readFile(`models/${id}/${file}`, 'utf8');

// sepsis (≈40 s to read 790k patient-hours) and icu-mortality (≈25 s for 8,000 stays) are checked by
// `npm run train -- --reference --check`; their files are checked against their cards below.
describe.each(['heart-failure', 'diabetes'])('the reference of %s', (id) => {
  it('is reproduced byte for byte from the data and the committed card', async () => {
    const text = await regenerateReference(recipeFor(id), {
      dataDir: 'data',
      modelsDir: 'models',
      progress: () => undefined,
    });
    expect(text).toBe(await read(id, 'reference.json'));
  });
});

describe('npm run train -- --reference --check', () => {
  it('reports a committed reference identical', async () => {
    const lines: string[] = [];
    const mismatched = await referenceCommand([recipeFor('heart-failure')], {
      dataDir: 'data',
      modelsDir: 'models',
      check: true,
      log: (l) => lines.push(l),
    });
    expect(mismatched).toEqual([]);
    expect(lines).toContain('[heart-failure] identical to the committed reference.json');
  });
});

describe('the command line', () => {
  it('`train --model diabetes --reference --check` compares without training and exits 0', async () => {
    const { code, stderr } = await new Promise<{ code: number; stderr: string }>((resolve) =>
      execFile(
        process.execPath,
        [
          '--import',
          'tsx',
          join('src', 'training', 'cli.ts'),
          'train',
          '--model',
          'diabetes',
          '--reference',
          '--check',
        ],
        { env: { ...process.env, NODE_OPTIONS: '' }, timeout: 60_000 },
        (error, _stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stderr }),
      ),
    );
    expect(stderr).toContain('[diabetes] identical to the committed reference.json');
    expect(stderr).not.toMatch(/fold|cross-validating/);
    expect(code).toBe(0);
  });
});

describe.each(['heart-failure', 'diabetes', 'sepsis', 'icu-mortality'])('the committed reference of %s', (id) => {
  it('belongs to its card: the ONNX file, every vector entry in order, the training rows', async () => {
    const card = modelCardSchema.parse(JSON.parse(await read(id, 'card.json')));
    const reference = referenceDistributionSchema.parse(JSON.parse(await read(id, 'reference.json')));
    expect(reference).toMatchObject({ modelId: id, modelVersion: card.version, onnxSha256: card.onnx.sha256 });
    expect(reference.inputs.map((i) => i.name)).toEqual(cardVectorNames(card));
    expect(reference.rows).toBe(card.dataset.rows);
    for (const input of reference.inputs) {
      expect(input.edges).toEqual([...input.edges].sort((a, b) => a - b));
      expect(input.counts.length).toBeLessThanOrEqual(10);
    }
  });
});
