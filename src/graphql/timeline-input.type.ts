/** What a timeline model reads, as the API shows it: the kinds of input a model takes, its observation codes, its window. */
import 'reflect-metadata';
import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { ModelCard, TimelineInput } from '@/inference/model-card';
import { FeatureCode } from './feature-code.type';

/** The kinds of input a model takes; GraphQL names → what resolvers return. */
export const ModelInputKindEnum = { FEATURES: 'FEATURES', OBSERVATIONS: 'OBSERVATIONS' } as const;
export type ModelInputKind = keyof typeof ModelInputKindEnum;

registerEnumType(ModelInputKindEnum, {
  name: 'ModelInputKind',
  description: 'What a prediction request sends to a model (`PredictInput.features` or `PredictInput.observations`).',
  valuesConfig: {
    FEATURES: { description: 'A row of feature values (`RiskModel.features`).' },
    OBSERVATIONS: { description: "A stay's course of observations `{ name, time, value }` (`RiskModel.timeline`)." },
  },
});

/** The card's observation kinds → GraphQL names. */
export const ObservationKindEnum = {
  BINARY: 'binary',
  INTEGER: 'integer',
  CONTINUOUS: 'continuous',
  CATEGORICAL: 'categorical',
} as const;

registerEnumType(ObservationKindEnum, {
  name: 'ObservationKind',
  description: 'What the values of an observation code are; a value its kind cannot take is refused.',
  valuesConfig: {
    BINARY: { description: 'One of two `codes`.' },
    INTEGER: { description: 'A whole number from `min` to `max`.' },
    CONTINUOUS: { description: 'A measurement: any number from `min` to `max`.' },
    CATEGORICAL: { description: 'One of `codes`.' },
  },
});

@ObjectType('UnitRule', {
  description:
    'A value recorded on another scale: a value from `from` to `to` (a span outside the plausible range) is read as value / `divideBy`.',
})
export class UnitRule {
  @Field(() => Float)
  from!: number;

  @Field(() => Float)
  to!: number;

  @Field(() => Float)
  divideBy!: number;

  @Field(() => String, { description: 'The evidence for the rule.' })
  why!: string;
}

@ObjectType('ObservationSpec', {
  description: 'One observation code a timeline model reads, with its unit and the range the server accepts.',
})
export class ObservationSpec {
  @Field(() => String, { description: 'The code sent as `ObservationInput.name`, e.g. `HR`.' })
  name!: string;

  @Field(() => String)
  label!: string;

  @Field(() => String, { nullable: true })
  unit!: string | null;

  @Field(() => String)
  description!: string;

  @Field(() => ObservationKindEnum)
  kind!: (typeof ObservationKindEnum)[keyof typeof ObservationKindEnum];

  @Field(() => [FeatureCode], { description: 'The codes a BINARY or CATEGORICAL observation takes; empty otherwise.' })
  codes!: FeatureCode[];

  @Field(() => Float, { description: 'Smallest accepted value (after unit rules); a smaller one is refused.' })
  min!: number;

  @Field(() => Float, { description: 'Largest accepted value (after unit rules); a larger one is refused.' })
  max!: number;

  @Field(() => Boolean, {
    description: 'A fact of the stay: sent once, at the admission instant (`PredictInput.admittedAt`).',
  })
  atAdmissionOnly!: boolean;

  @Field(() => [UnitRule], { description: 'Values on another scale that are rescaled before the range check.' })
  unitRules!: UnitRule[];
}

@ObjectType('TimelineSpec', { description: "What a timeline model reads from a stay's course." })
export class TimelineSpec {
  @Field(() => Int, {
    nullable: true,
    description:
      'Minutes from admission the model reads, scoring at their end (icu-mortality: 2880, the first 48 h; later observations are refused); null: the course up to its latest observation, scored there.',
  })
  windowMinutes!: number | null;

  @Field(() => [ObservationSpec], { description: 'The observation codes it takes.' })
  observations!: ObservationSpec[];
}

/** What a request may send to the model the card describes. */
export function inputKindsOf(card: Pick<ModelCard, 'features' | 'timeline'>): ModelInputKind[] {
  return [
    ...(card.features.length > 0 ? ['FEATURES' as const] : []),
    ...(card.timeline ? ['OBSERVATIONS' as const] : []),
  ];
}

export function timelineSpecOf(timeline: TimelineInput): TimelineSpec {
  return {
    windowMinutes: timeline.windowMinutes,
    observations: timeline.observations.map((o) => ({
      name: o.name,
      label: o.label,
      unit: o.unit,
      description: o.description,
      kind: o.kind,
      codes: o.codes ?? [],
      min: o.min,
      max: o.max,
      atAdmissionOnly: o.atAdmissionOnly ?? false,
      unitRules: o.units ?? [],
    })),
  };
}
