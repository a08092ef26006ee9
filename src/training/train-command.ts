/**
 * `npm run train`: trains models into models/<id>/, checks ONNX parity on every training row, or (--check) compares
 * with the committed files.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CodedError } from '@/errors/coded-error';
import { OnnxModel } from '@/inference/onnx-model';
import { predictProbabilities } from './gbdt/gradient-boosting';
import type { ModelRecipe } from './recipes/model-recipe';
import { REFERENCE_FILE } from '@/features/reference-distribution';
import { referenceJson } from './reference-command';
import { trainModel, type TrainedModel } from './train-model';

/** Largest |onnxruntime − trainer| probability difference accepted on a training row. */
export const PARITY_TOLERANCE = 1e-6;

/** onnxruntime's probabilities for the exported model differ from the trainer's beyond PARITY_TOLERANCE. */
export class ParityError extends CodedError {
  readonly code = 'ONNX_PARITY';
}

export interface TrainCommandOptions {
  dataDir: string;
  modelsDir: string;
  check: boolean;
  log: (line: string) => void;
}

export function cardJson(model: TrainedModel): string {
  return `${JSON.stringify(model.card, null, 2)}\n`;
}

/** Trains each recipe; returns the ids whose artifacts differ from the committed ones (--check), else []. */
export async function trainCommand(recipes: ModelRecipe[], options: TrainCommandOptions): Promise<string[]> {
  const mismatched: string[] = [];
  for (const recipe of recipes) {
    const started = Date.now();
    const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
    const model = await trainModel(recipe, options.dataDir, (message) =>
      options.log(`[${recipe.id} ${elapsed()}] ${message}`),
    );
    const maxDifference = await onnxParity(model);
    options.log(
      `[${recipe.id} ${elapsed()}] onnxruntime parity on ${model.data.y.length} training rows: max |Δp| = ${maxDifference.toExponential(2)}`,
    );

    const dir = join(options.modelsDir, recipe.id);
    const card = cardJson(model);
    // The training distribution of the vector, from the rows the model was fitted on (drift is measured against it).
    const reference = referenceJson(model.card, model.data);
    if (options.check) {
      const same =
        (await readOrNull(join(dir, 'model.onnx')))?.equals(Buffer.from(model.onnx)) &&
        (await readOrNull(join(dir, 'card.json')))?.toString() === card;
      options.log(
        `[${recipe.id} ${elapsed()}] ${same ? 'identical to' : 'DIFFERS from'} the committed model.onnx and card.json`,
      );
      const sameReference = (await readOrNull(join(dir, REFERENCE_FILE)))?.toString() === reference;
      options.log(
        `[${recipe.id} ${elapsed()}] ${sameReference ? 'identical to' : 'DIFFERS from'} the committed ${REFERENCE_FILE}`,
      );
      if (!same || !sameReference) mismatched.push(recipe.id);
    } else {
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'model.onnx'), model.onnx);
      await writeFile(join(dir, 'card.json'), card);
      await writeFile(join(dir, REFERENCE_FILE), reference);
      const { auroc } = model.card.evaluation.gbdt;
      options.log(
        `[${recipe.id} ${elapsed()}] wrote ${dir}: ${model.card.onnx.trees} trees, AUROC ${auroc.estimate.toFixed(3)} (${auroc.lower.toFixed(3)}–${auroc.upper.toFixed(3)})`,
      );
    }
  }
  return mismatched;
}

/** Scores every training row with onnxruntime and with the trainer; throws past PARITY_TOLERANCE. */
export async function onnxParity(model: TrainedModel): Promise<number> {
  const onnxModel = await OnnxModel.load(model.onnx, {
    inputName: model.card.onnx.inputName,
    probabilityOutput: model.card.onnx.probabilityOutput,
    featureCount: model.data.featureNames.length,
  });
  try {
    const fromOnnx = await onnxModel.predict(model.data.x);
    const fromTrainer = predictProbabilities(model.ensemble, model.data);
    let worst = 0;
    let worstRow = -1;
    for (let i = 0; i < fromTrainer.length; i++) {
      const d = Math.abs(fromOnnx[i] - fromTrainer[i]);
      if (!(d <= worst)) {
        worst = d;
        worstRow = i;
      }
    }
    if (!(worst <= PARITY_TOLERANCE)) {
      throw new ParityError(
        `${model.card.id}: onnxruntime and the trainer disagree by ${worst} on training row ${worstRow}`,
      );
    }
    return worst;
  } finally {
    await onnxModel.release();
  }
}

async function readOrNull(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch {
    return null;
  }
}
