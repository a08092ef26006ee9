/**
 * A model's background data (the card's onnx.background CSV) as model vectors, for computing TreeSHAP covers of models
 * exported without them.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { vectorize, type FeatureSet } from '@/features/feature-set';
import type { ModelCard } from './model-card';
import { ModelArtifactError } from './model-files';

// Module-level copies of globals: under jest every global read in a hot loop costs ~0.5 µs.
const parseNumber = Number;
const isFiniteNumber = Number.isFinite;

/**
 * The card's background CSV as row-major model vectors (inputs by header name, empty cell = missing,
 * derived features computed as for a request), after checking its sha256 and row count against the card.
 */
export async function readBackground(
  dir: string,
  background: NonNullable<ModelCard['onnx']['background']>,
  featureSet: FeatureSet,
): Promise<Float32Array> {
  const path = join(dir, background.file);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new ModelArtifactError(
      `${path} (the card's onnx.background, needed for covers) cannot be read: ${(error as Error).message}`,
    );
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (sha256 !== background.sha256) {
    throw new ModelArtifactError(
      `${path} has sha256 ${sha256} but the card's onnx.background names ${background.sha256}`,
    );
  }
  let records: string[][];
  try {
    records = parse(bytes, { bom: true, skip_empty_lines: true });
  } catch (error) {
    throw new ModelArtifactError(`${path} is not a valid CSV: ${(error as Error).message}`);
  }
  const [rawHeader = [], ...rows] = records;
  const header = rawHeader.map((name) => name.trim());
  const inputs = featureSet.inputs.map((f) => f.name);
  const sameColumns =
    header.length === inputs.length &&
    new Set(header).size === header.length &&
    inputs.every((name) => header.includes(name));
  if (!sameColumns) {
    throw new ModelArtifactError(
      `${path} has columns [${header.join(', ')}]; the card's input features are [${inputs.join(', ')}] (any order)`,
    );
  }
  if (rows.length !== background.rows) {
    throw new ModelArtifactError(
      `${path} has ${rows.length} rows but the card's onnx.background names ${background.rows}`,
    );
  }
  const width = inputs.length + featureSet.derived.length;
  const out = new Float32Array(rows.length * width);
  rows.forEach((cells, r) => {
    const values: Record<string, number> = {};
    for (let c = 0; c < header.length; c++) {
      const cell = cells[c].trim();
      const value = cell === '' ? NaN : parseNumber(cell);
      if (cell !== '' && !isFiniteNumber(value)) {
        throw new ModelArtifactError(
          `${path} data row ${r + 1}, column ${header[c]}: "${cells[c]}" is not a number (leave the cell empty for missing)`,
        );
      }
      values[header[c]] = value;
    }
    out.set(vectorize(featureSet, values), r * width);
  });
  return out;
}
