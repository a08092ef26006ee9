/**
 * The training distribution of a model's vector (models/<id>/reference.json), from exactly the rows its model is fitted
 * on: written by `npm run train`, or alone, without retraining, by `npm run train -- --reference`.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  MAX_VALUE_BINS,
  QUANTILE_BINS,
  REFERENCE_FILE,
  vectorReferences,
  type ReferenceDistribution,
} from '@/features/reference-distribution';
import { modelCardSchema, type ModelCard } from '@/inference/model-card';
import type { Dataset } from './dataset';
import { selectColumns } from './feature-columns';
import type { ModelRecipe, Progress, TrainingData } from './recipes/model-recipe';

const METHOD =
  `The training rows the final model is fitted on (the recipe’s dataset, the card’s vector columns, before optional ` +
  `inputs are hidden for training; a timeline model: its function’s vector of every training row). Per entry: one bin ` +
  `per value when it takes at most ${MAX_VALUE_BINS} distinct values, else ${QUANTILE_BINS} bins cut at the deciles of ` +
  `its present values (equal edges merged), and the rows where it is missing.`;

/** The card's vector names: its inputs, then its derived features (the vector the model sees). */
export function cardVectorNames(card: Pick<ModelCard, 'features' | 'derivedFeatures'>): string[] {
  return [...card.features, ...card.derivedFeatures].map((f) => f.name);
}

/**
 * The model's training rows with the card's vector columns, as train-model.ts builds them: a timeline model's dataset
 * is the function's vector whole; a tabular one is its dataset's columns selected.
 */
export function trainingVectors(recipe: ModelRecipe, training: TrainingData, names: string[]): Dataset {
  const data = recipe.timeline ? training.data : selectColumns(training.data, names);
  if (data.featureNames.join(',') !== names.join(','))
    throw new RangeError(`${recipe.id}: the training rows' columns are not the card's vector`);
  return data;
}

/** The reference.json text for a card and the rows its model was fitted on. */
export function referenceJson(card: ModelCard, data: Dataset): string {
  const document: ReferenceDistribution = {
    referenceVersion: 1,
    modelId: card.id,
    modelVersion: card.version,
    onnxSha256: card.onnx.sha256,
    rows: data.y.length,
    method: METHOD,
    inputs: vectorReferences(data.featureNames, data.x),
  };
  // One entry per line: a retrained model's reference reads as a diff of the entries that moved.
  const { inputs, ...head } = document;
  const headText = JSON.stringify(head, null, 2).replace(/\n}$/, '');
  return `${headText},\n  "inputs": [\n${inputs.map((i) => `    ${JSON.stringify(i)}`).join(',\n')}\n  ]\n}\n`;
}

/** The reference of a committed model, from its card and its recipe's data (no training). */
export async function regenerateReference(
  recipe: ModelRecipe,
  options: { dataDir: string; modelsDir: string; progress: Progress },
): Promise<string> {
  const card = modelCardSchema.parse(
    JSON.parse(await readFile(join(options.modelsDir, recipe.id, 'card.json'), 'utf8')),
  );
  options.progress('loading data');
  const training = await recipe.load(options.dataDir, options.progress);
  return referenceJson(card, trainingVectors(recipe, training, cardVectorNames(card)));
}

/** `npm run train -- --reference`: writes (or with --check compares) each recipe's reference; returns the ids that differ. */
export async function referenceCommand(
  recipes: ModelRecipe[],
  options: { dataDir: string; modelsDir: string; check: boolean; log: (line: string) => void },
): Promise<string[]> {
  const mismatched: string[] = [];
  for (const recipe of recipes) {
    const progress = (message: string) => options.log(`[${recipe.id}] ${message}`);
    const text = await regenerateReference(recipe, { ...options, progress });
    const path = join(options.modelsDir, recipe.id, REFERENCE_FILE);
    if (options.check) {
      const same = (await readFile(path, 'utf8').catch(() => null)) === text;
      progress(`${same ? 'identical to' : 'DIFFERS from'} the committed ${REFERENCE_FILE}`);
      if (!same) mismatched.push(recipe.id);
    } else {
      await writeFile(path, text);
      progress(`wrote ${path}`);
    }
  }
  return mismatched;
}
