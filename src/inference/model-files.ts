/** Reads a model's shipped files (models/<id>/card.json and model.onnx) and checks that they belong together. */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CodedError } from '@/errors/coded-error';
import { modelCardSchema, type ModelCard } from './model-card';

/** A shipped model's files that cannot be read, do not parse, or do not belong together. */
export class ModelArtifactError extends CodedError {
  readonly code = 'MODEL_ARTIFACT_INVALID';
  constructor(message: string) {
    super(message);
  }
}

export interface ModelFiles {
  card: ModelCard;
  onnx: Uint8Array;
}

export async function readModelFiles(modelsDir: string, id: string): Promise<ModelFiles> {
  const dir = join(modelsDir, id);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(join(dir, 'card.json'), 'utf8'));
  } catch (error) {
    throw new ModelArtifactError(`${dir}/card.json cannot be read: ${(error as Error).message}`);
  }
  const parsed = modelCardSchema.safeParse(raw);
  if (!parsed.success)
    throw new ModelArtifactError(`${dir}/card.json is not a valid model card: ${parsed.error.message}`);
  const card = parsed.data;
  if (card.id !== id) throw new ModelArtifactError(`${dir}/card.json describes model "${card.id}", not "${id}"`);
  const onnx = await readFile(join(dir, card.onnx.file));
  const sha256 = createHash('sha256').update(onnx).digest('hex');
  if (sha256 !== card.onnx.sha256) {
    throw new ModelArtifactError(
      `${dir}/${card.onnx.file} has sha256 ${sha256} but the card names ${card.onnx.sha256}`,
    );
  }
  return { card, onnx: new Uint8Array(onnx) };
}
