/**
 * A shipped model as the API shows it: what it predicts, its inputs, how good it is and on what data, read from its
 * card.
 */
import 'reflect-metadata';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import type { FeatureKind } from '@/features/feature-set';
import type { ModelCard } from '@/inference/model-card';
import { FeatureCode } from './feature-code.type';
import { FeatureKindEnum } from './feature-kind.enum';
import { ModelMetrics, modelMetricsOf } from './model-metrics.type';
import {
  inputKindsOf,
  ModelInputKindEnum,
  TimelineSpec,
  timelineSpecOf,
  type ModelInputKind,
} from './timeline-input.type';

export { FeatureCode };

@ObjectType('FeatureSpec', { description: 'One input a client sends, with its unit and the range the server accepts.' })
export class FeatureSpec {
  @Field(() => String, { description: 'snake_case name used in `FeatureValueInput.name`.' })
  name!: string;

  @Field(() => String)
  label!: string;

  @Field(() => String, { nullable: true })
  unit!: string | null;

  @Field(() => String)
  description!: string;

  @Field(() => FeatureKindEnum, {
    description: 'Which values the input takes: codes, whole numbers or any number in the range.',
  })
  kind!: FeatureKind;

  @Field(() => [FeatureCode], {
    description: 'The codes a BINARY input takes, smallest first, with their meaning; empty for other kinds.',
  })
  codes!: FeatureCode[];

  @Field(() => Float, { description: 'Smallest accepted value; a smaller one is rejected with BAD_USER_INPUT.' })
  min!: number;

  @Field(() => Float, { description: 'Largest accepted value; a larger one is rejected with BAD_USER_INPUT.' })
  max!: number;

  @Field(() => Boolean, { description: 'Whether the value must be sent (not null, not omitted).' })
  required!: boolean;

  @Field(() => String, { description: 'How the model treats a missing value.' })
  missing!: string;
}

@ObjectType('DerivedFeatureSpec', {
  description:
    'A feature the server computes from the inputs of the same request; it appears in contributions but is never sent.',
})
export class DerivedFeatureSpec {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  label!: string;

  @Field(() => String)
  description!: string;
}

@ObjectType('FeatureImportance', {
  description: 'Mean |contribution| of one feature over the training rows, in LOG-ODDS (not probability).',
})
export class FeatureImportance {
  @Field(() => String)
  name!: string;

  @Field(() => Float, { description: 'Mean absolute TreeSHAP contribution in log-odds.' })
  meanAbsContribution!: number;
}

@ObjectType('DatasetInfo', { description: 'The data the model was trained and cross-validated on.' })
export class DatasetInfo {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  citation!: string;

  @Field(() => String)
  licence!: string;

  @Field(() => String)
  url!: string;

  @Field(() => Int, { description: 'Training rows.' })
  rows!: number;

  @Field(() => Int, { description: 'Rows with the positive outcome.' })
  positives!: number;

  @Field(() => Int, { nullable: true, description: 'Distinct patients, where a patient contributes several rows.' })
  patients!: number | null;

  @Field(() => String, { description: 'sha256 of the source file the model was trained from.' })
  sha256!: string;

  @Field(() => [String])
  preprocessing!: string[];
}

@ObjectType('RiskBands', { description: 'Probability cut-offs of the risk bands.' })
export class RiskBands {
  @Field(() => Float, { description: 'MODERATE from this probability.' })
  moderateFrom!: number;

  @Field(() => Float, { description: 'HIGH from this probability (the decision threshold).' })
  highFrom!: number;

  @Field(() => String)
  rule!: string;
}

@ObjectType('RiskModel', {
  description:
    'A validated model. Its predictions are explained by per-feature contributions in LOG-ODDS, not probabilities: ' +
    'baseValue + Σ contributions = logit(probability).',
})
export class RiskModel {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  version!: string;

  @Field(() => String)
  outcome!: string;

  @Field(() => String)
  description!: string;

  @Field(() => String)
  intendedUse!: string;

  @Field(() => [String])
  limitations!: string[];

  @Field(() => Float, { description: 'Decision threshold on the probability: `positive` is probability ≥ threshold.' })
  threshold!: number;

  @Field(() => String, { description: 'How the threshold was chosen.' })
  thresholdRule!: string;

  @Field(() => RiskBands)
  riskBands!: RiskBands;

  @Field(() => [ModelInputKindEnum], {
    description:
      'What a prediction request sends: FEATURES (`PredictInput.features`, listed in `features`), OBSERVATIONS (`PredictInput.observations`, codes in `timeline`), or either.',
  })
  takes!: ModelInputKind[];

  @Field(() => [FeatureSpec], {
    description:
      'The inputs a client sends, in the order of the model vector; empty for a model that takes only OBSERVATIONS.',
  })
  features!: FeatureSpec[];

  @Field(() => TimelineSpec, {
    nullable: true,
    description:
      'For a model that takes OBSERVATIONS: the observation codes, their units and ranges, and the window read; null otherwise.',
  })
  timeline!: TimelineSpec | null;

  @Field(() => [DerivedFeatureSpec], {
    description:
      'Features the server computes (from the inputs, or for a timeline model its whole vector, from the course); each has its own contribution.',
  })
  derivedFeatures!: DerivedFeatureSpec[];

  @Field(() => ModelMetrics, { description: 'Cross-validated metrics of this model.' })
  metrics!: ModelMetrics;

  @Field(() => ModelMetrics, {
    description: 'The same metrics for the logistic-regression baseline it was compared with.',
  })
  baselineMetrics!: ModelMetrics;

  @Field(() => String, { description: 'How the metrics were estimated.' })
  evaluationMethod!: string;

  @Field(() => DatasetInfo)
  dataset!: DatasetInfo;

  @Field(() => [FeatureImportance], {
    description: 'Mean |contribution| of every feature over the training rows, in LOG-ODDS, largest first.',
  })
  globalImportance!: FeatureImportance[];
}

// Cards do not change once loaded, and a page or batch of predictions asks for the same few models.
const byCard = new WeakMap<ModelCard, RiskModel>();

export function riskModelOf(card: ModelCard): RiskModel {
  let model = byCard.get(card);
  if (!model) byCard.set(card, (model = fromCard(card)));
  return model;
}

function fromCard(card: ModelCard): RiskModel {
  const { dataset } = card;
  return {
    id: card.id,
    name: card.name,
    version: card.version,
    outcome: card.outcome,
    description: card.description,
    intendedUse: card.intendedUse,
    limitations: card.limitations,
    threshold: card.threshold.value,
    thresholdRule: card.threshold.rule,
    riskBands: card.riskBands,
    takes: inputKindsOf(card),
    features: card.features.map((f) => ({ ...f, codes: f.codes ?? [] })),
    timeline: card.timeline ? timelineSpecOf(card.timeline) : null,
    derivedFeatures: card.derivedFeatures,
    metrics: modelMetricsOf(card.evaluation.gbdt),
    baselineMetrics: modelMetricsOf(card.evaluation.baseline),
    evaluationMethod: card.evaluation.method,
    dataset: {
      name: dataset.name,
      citation: dataset.citation,
      licence: dataset.licence,
      url: dataset.url,
      rows: dataset.rows,
      positives: dataset.positives,
      patients: dataset.patients ?? null,
      sha256: dataset.sha256,
      preprocessing: dataset.preprocessing,
    },
    globalImportance: card.globalImportance,
  };
}
