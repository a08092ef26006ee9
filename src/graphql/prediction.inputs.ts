/** The inputs of the prediction mutations and of the predictions filter. */
import 'reflect-metadata';
import { DateTimeResolver } from 'graphql-scalars';
import { Field, Float, ID, InputType } from 'type-graphql';
import type { RiskBand } from '@/audit/risk-band';
import { RiskBandEnum } from './risk-band.enum';

@InputType('FeatureValueInput', {
  description: 'One input value; `RiskModel.features` lists the names, units and allowed ranges.',
})
export class FeatureValueInput {
  @Field(() => String)
  name!: string;

  @Field(() => Float, {
    nullable: true,
    description: 'null (or omitted) = missing; allowed only for features that are not required.',
  })
  value?: number | null;
}

@InputType('ObservationInput', {
  description:
    "One observation of a stay's course: a code of the model's `RiskModel.timeline.observations`, the instant it was taken, and its value in the code's unit. A fact of the stay (age, gender, height, ICU type, weight at admission) is an observation at the admission instant.",
})
export class ObservationInput {
  @Field(() => String, {
    description: 'An observation code, e.g. `HR`, `GCS`, `Age` (`RiskModel.timeline.observations`).',
  })
  name!: string;

  @Field(() => DateTimeResolver, {
    description: 'When it was taken: an ISO-8601 instant with a time zone (RFC 3339), e.g. `2026-03-01T14:30:00Z`.',
  })
  time!: Date;

  @Field(() => Float, {
    description: "The value in the code's unit, inside its range (a value on a scale a unit rule names is rescaled).",
  })
  value!: number;
}

const FEATURES_OR_OBSERVATIONS =
  'Send `features` to a model that takes FEATURES, `observations` to one that takes OBSERVATIONS (`RiskModel.takes`); a model taking both accepts either, not both in one request.';

const OBSERVATIONS_DESCRIPTION =
  "A stay's course, 1 to 20,000 observations in any order (the answer does not depend on it). The moment scored is the end of the model's window (`RiskModel.timeline.windowMinutes` from admission: icu-mortality, 48 h), and an observation after it is refused; for a model without a window, the latest observation. " +
  FEATURES_OR_OBSERVATIONS;

const ADMITTED_AT_DESCRIPTION =
  "Admission to the unit: time 0 of the course, an ISO-8601 instant. When absent, the earliest observation's instant is admission (send the facts of the stay, such as age, at that instant). Observations before admission are refused.";

@InputType('PredictInput')
export class PredictInput {
  @Field(() => ID, { description: 'A `RiskModel.id`.' })
  modelId!: string;

  @Field(() => [FeatureValueInput], {
    nullable: true,
    description: `The inputs of a tabular model. ${FEATURES_OR_OBSERVATIONS}`,
  })
  features?: FeatureValueInput[] | null;

  @Field(() => [ObservationInput], { nullable: true, description: OBSERVATIONS_DESCRIPTION })
  observations?: ObservationInput[] | null;

  @Field(() => DateTimeResolver, { nullable: true, description: ADMITTED_AT_DESCRIPTION })
  admittedAt?: Date | null;

  @Field(() => String, {
    nullable: true,
    description: 'Your patient identifier (1 to 128 characters), kept with the audit record.',
  })
  patientRef?: string | null;
}

@InputType('PredictRowInput')
export class PredictRowInput {
  @Field(() => [FeatureValueInput], { nullable: true, description: FEATURES_OR_OBSERVATIONS })
  features?: FeatureValueInput[] | null;

  @Field(() => [ObservationInput], { nullable: true, description: OBSERVATIONS_DESCRIPTION })
  observations?: ObservationInput[] | null;

  @Field(() => DateTimeResolver, { nullable: true, description: ADMITTED_AT_DESCRIPTION })
  admittedAt?: Date | null;

  @Field(() => String, { nullable: true })
  patientRef?: string | null;
}

@InputType('PredictBatchInput')
export class PredictBatchInput {
  @Field(() => ID)
  modelId!: string;

  @Field(() => [PredictRowInput], {
    description: '1 to 1000 rows; all are validated before any is scored, and an error refuses the whole batch.',
  })
  rows!: PredictRowInput[];
}

@InputType('PredictionFilter', { description: 'Every given condition must hold.' })
export class PredictionFilter {
  @Field(() => ID, { nullable: true })
  modelId?: string | null;

  @Field(() => String, { nullable: true })
  patientRef?: string | null;

  @Field(() => RiskBandEnum, { nullable: true })
  riskBand?: RiskBand | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'Created at or after this instant.' })
  from?: Date | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'Created before this instant.' })
  to?: Date | null;

  @Field(() => ID, {
    nullable: true,
    description: "Asked for by this API key (`ApiKey.id`). A clinician's own key is always applied.",
  })
  requester?: string | null;
}
