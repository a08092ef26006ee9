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

@InputType('PredictInput')
export class PredictInput {
  @Field(() => ID, { description: 'A `RiskModel.id`.' })
  modelId!: string;

  @Field(() => [FeatureValueInput])
  features!: FeatureValueInput[];

  @Field(() => String, {
    nullable: true,
    description: 'Your patient identifier (1 to 128 characters), kept with the audit record.',
  })
  patientRef?: string | null;
}

@InputType('PredictRowInput')
export class PredictRowInput {
  @Field(() => [FeatureValueInput])
  features!: FeatureValueInput[];

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
