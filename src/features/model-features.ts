/**
 * The feature set a model card describes: its inputs as the card lists them, and derived features computed by this
 * code.
 */
import { CodedError } from '@/errors/coded-error';
import type { DerivedFeature, FeatureSet, FeatureSpec } from './feature-set';
import { diabetesFeatureSet } from './diabetes';
import { heartFailureFeatureSet } from './heart-failure';
import { sepsisFeatureSet } from './sepsis';
import { TIMELINE_FUNCTIONS, type TimelineFunction } from './timeline-functions';

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

/** A card naming a timeline function this code does not have, or one whose vector or codes differ from the card's. */
export class TimelineFunctionMismatchError extends CodedError {
  readonly code = 'TIMELINE_FUNCTION_MISMATCH';
  constructor(modelId: string, problem: string) {
    super(`model "${modelId}": ${problem}`);
  }
}

interface CardFeatures {
  id: string;
  features: FeatureSpec[];
  derivedFeatures: { name: string }[];
  timeline?: {
    function: string;
    windowMinutes: number | null;
    lastMinute?: number;
    observations: { name: string }[];
  };
}

/**
 * Inputs from the card (the card is the contract), with their form groups from this code; derived features looked up by
 * name. A model that takes only a
 * timeline has no inputs and no derived features computed from them: its vector comes from `timelineOfCard`.
 */
export function featureSetOfCard(card: CardFeatures): FeatureSet {
  if (card.features.length === 0) return { inputs: [], derived: [] };
  const known = KNOWN[card.id]?.derived ?? [];
  const derived: DerivedFeature[] = card.derivedFeatures.map(({ name }) => {
    const d = known.find((k) => k.name === name);
    if (!d) throw new UnknownDerivedFeatureError(card.id, name);
    return d;
  });
  const groups = KNOWN[card.id]?.groups;
  return { inputs: card.features, derived, ...(groups ? { groups } : {}) };
}

/**
 * The timeline function a card names, checked against it: the vector it computes must be the card's (`features` then
 * `derivedFeatures`, in order) and it must read exactly the observation codes the card lists.
 */
export function timelineOfCard(card: CardFeatures): TimelineFunction | undefined {
  if (!card.timeline) return undefined;
  const fn = TIMELINE_FUNCTIONS[card.timeline.function];
  if (!fn) {
    throw new TimelineFunctionMismatchError(
      card.id,
      `names timeline function "${card.timeline.function}", which this version of the code does not have`,
    );
  }
  const vector = [...card.features, ...card.derivedFeatures].map((f) => f.name).join(',');
  if (
    fn
      .features()
      .map((f) => f.name)
      .join(',') !== vector
  )
    throw new TimelineFunctionMismatchError(
      card.id,
      `timeline function "${fn.name}" computes another vector than the card lists`,
    );
  const span = (t: { windowMinutes: number | null; lastMinute?: number }) => `${t.windowMinutes}/${t.lastMinute}`;
  if (span(card.timeline) !== span(fn))
    throw new TimelineFunctionMismatchError(
      card.id,
      `the card's window/last minute (${span(card.timeline)}) differ from timeline function "${fn.name}" (${span(fn)})`,
    );
  const codes = (list: { name: string }[]) => list.map((o) => o.name).join(',');
  if (codes(card.timeline.observations) !== codes([...fn.observations]))
    throw new TimelineFunctionMismatchError(
      card.id,
      `timeline function "${fn.name}" reads other observation codes than the card lists`,
    );
  return fn;
}
