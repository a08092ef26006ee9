/**
 * A shipped model's TreeSHAP explainer built from its files, without onnxruntime: what the model registry builds for
 * `LoadedModel.explainer`, and what each explanation worker thread builds for itself.
 */
import { join } from 'node:path';
import type { OnnxTreeEnsemble } from '@/explain/onnx-tree-ensemble';
import { readTreeEnsemble } from '@/explain/onnx-tree-ensemble';
import { computeCovers } from '@/explain/tree-covers';
import type { TreeEnsemble } from '@/explain/tree-ensemble';
import { prepareExplainer, type TreeExplainer } from '@/explain/tree-shap';
import { vectorNames, type FeatureSet } from '@/features/feature-set';
import { featureSetOfCard } from '@/features/model-features';
import { readBackground } from './background-data';
import type { ModelCard } from './model-card';
import { readModelFiles } from './model-files';
import { withoutZipMap } from './onnx-graph';

/** Names of a model's vector: the card's inputs, then its derived features (a timeline model: its derived features). */
export function vectorNamesOfCard(card: ModelCard, featureSet: FeatureSet): string[] {
  return card.features.length > 0 ? vectorNames(featureSet) : card.derivedFeatures.map((f) => f.name);
}

/**
 * The ensemble TreeSHAP explains: the file's own, or, when the file carries no covers, the file's trees with covers
 * counted from the card's background rows. Throws what `computeCovers` or `readBackground` throw.
 */
export async function coveredEnsemble(
  modelsDir: string,
  card: ModelCard,
  parsed: OnnxTreeEnsemble,
  featureSet: FeatureSet,
  width: number,
): Promise<TreeEnsemble> {
  const background = parsed.hasCovers ? undefined : card.onnx.background;
  if (!background) return parsed.ensemble;
  return computeCovers(parsed.ensemble, await readBackground(join(modelsDir, card.id), background, featureSet), width);
}

/** A model's explainer from its files, with the card it belongs to (whose `onnx.sha256` names the file's version). */
export interface ModelExplainer {
  card: ModelCard;
  explainer: TreeExplainer;
}

/**
 * Reads models/<id> and prepares its explainer exactly as the registry does (same bytes, same covers, same
 * preparation), so both give the same contributions bit for bit. The registry's checks of card against graph are not
 * repeated: this serves a model the registry has already loaded and checked.
 */
export async function loadModelExplainer(modelsDir: string, id: string): Promise<ModelExplainer> {
  const { card, onnx } = await readModelFiles(modelsDir, id);
  const parsed = readTreeEnsemble(withoutZipMap(onnx).bytes);
  const featureSet = featureSetOfCard(card);
  const ensemble = await coveredEnsemble(
    modelsDir,
    card,
    parsed,
    featureSet,
    vectorNamesOfCard(card, featureSet).length,
  );
  return { card, explainer: prepareExplainer(ensemble) };
}
