/**
 * The feature set a model card describes: its inputs as the card lists them, and derived features computed by this
 * code.
 */
import { CodedError } from '@/errors/coded-error';
import type { DerivedFeature, FeatureSet, FeatureSpec } from './feature-set';
import { diabetesFeatureSet } from './diabetes';
import { heartFailureFeatureSet } from './heart-failure';
import { sepsisFeatureSet } from './sepsis';

const KNOWN: Record<string, FeatureSet> = {
  diabetes: diabetesFeatureSet,
  'heart-failure': heartFailureFeatureSet,
  sepsis: sepsisFeatureSet,
};

/** A card naming a derived feature this code does not compute: the model cannot be served as its card describes. */
export class UnknownDerivedFeatureError extends CodedError {
  readonly code = 'UNKNOWN_DERIVED_FEATURE';
  constructor(modelId: string, name: string) {
    super(`model "${modelId}" names derived feature "${name}", which this version of the code cannot compute`);
  }
}

/** Inputs from the card (the card is the contract); derived features looked up by name. */
export function featureSetOfCard(card: {
  id: string;
  features: FeatureSpec[];
  derivedFeatures: { name: string }[];
}): FeatureSet {
  const known = KNOWN[card.id]?.derived ?? [];
  const derived: DerivedFeature[] = card.derivedFeatures.map(({ name }) => {
    const d = known.find((k) => k.name === name);
    if (!d) throw new UnknownDerivedFeatureError(card.id, name);
    return d;
  });
  return { inputs: card.features, derived };
}
