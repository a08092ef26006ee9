/** One answered prediction as the API shows it; resolvers return audit records, whose fields these mirror. */
import 'reflect-metadata';
import { DateTimeResolver } from 'graphql-scalars';
import { Field, Float, ID, ObjectType } from 'type-graphql';
import type { RiskBand } from '@/audit/risk-band';
import { RiskBandEnum } from './risk-band.enum';
import { RiskModel } from './risk-model.type';

/** Contributions are misread as probabilities: every description of them says which scale they are on. */
const ADDS_UP = 'baseValue + Σ contributions = logit(probability) = ln(p / (1 − p))';

@ObjectType('FeatureValue', { description: 'One input as the client sent it; value null = missing.' })
export class FeatureValue {
  @Field(() => String)
  name!: string;

  @Field(() => Float, { nullable: true })
  value!: number | null;
}

@ObjectType('ObservationValue', { description: 'One observation of a course as the client sent it.' })
export class ObservationValue {
  @Field(() => String)
  name!: string;

  @Field(() => String, { description: 'When it was taken, as an ISO-8601 instant in UTC.' })
  time!: string;

  @Field(() => Float, { description: 'The value as sent (before any unit rule).' })
  value!: number;
}

@ObjectType('PredictionCourse', {
  description: "The stay's course a timeline model was asked about, kept with the audit record as it was sent.",
})
export class PredictionCourse {
  @Field(() => String, {
    description: "Admission, an ISO-8601 instant in UTC: the one sent, or the earliest observation's.",
  })
  admittedAt!: string;

  @Field(() => Float, {
    description:
      "The moment scored, in minutes from admission: the end of the model's window, or the latest observation for a model without one.",
  })
  moment!: number;

  @Field(() => [ObservationValue], { description: 'The observations as received, in the order sent.' })
  observations!: ObservationValue[];
}

@ObjectType('FeatureContribution', {
  description: `One feature's exact TreeSHAP contribution to this prediction, in LOG-ODDS (not probability); ${ADDS_UP}.`,
})
export class FeatureContribution {
  @Field(() => String, {
    description:
      "An input or a derived feature of the model vector (for a course, an entry of the timeline function's vector).",
  })
  name!: string;

  @Field(() => Float, { nullable: true, description: 'The value the model saw; null = missing.' })
  value!: number | null;

  @Field(() => Float, {
    description:
      "How far this feature's value moves the prediction, in LOG-ODDS (not probability): positive raises the risk, negative lowers it.",
  })
  contribution!: number;
}

@ObjectType('Prediction', {
  description: `A stored, audited prediction with its explanation. Contributions and baseValue are in LOG-ODDS, not probabilities: ${ADDS_UP}.`,
})
export class Prediction {
  @Field(() => ID)
  id!: string;

  @Field(() => RiskModel, {
    description: 'The model as it is loaded now; `modelVersion` is the version that answered.',
  })
  model!: RiskModel;

  @Field(() => ID)
  modelId!: string;

  @Field(() => String, { description: 'Version of the model that made this prediction.' })
  modelVersion!: string;

  @Field(() => String, { description: 'sha256 of the ONNX file that made this prediction.' })
  onnxSha256!: string;

  @Field(() => Float, { description: 'P(outcome), from 0 to 1.' })
  probability!: number;

  @Field(() => Boolean, { description: "probability ≥ the model's decision threshold." })
  positive!: boolean;

  @Field(() => RiskBandEnum)
  riskBand!: RiskBand;

  @Field(() => Float, {
    description: `The model's expected output over its training data, where every explanation starts, in LOG-ODDS (not probability); ${ADDS_UP}.`,
  })
  baseValue!: number;

  @Field(() => [FeatureContribution], {
    description: `One per feature of the model vector, largest |contribution| first, in LOG-ODDS (not probability); ${ADDS_UP}.`,
  })
  contributions!: FeatureContribution[];

  // The audit record calls them inputs; clients know them as the features they sent.
  @Field(() => [FeatureValue], {
    name: 'features',
    description: 'The inputs as received, in the order sent; empty for a prediction from a course.',
  })
  inputs!: FeatureValue[];

  @Field(() => PredictionCourse, {
    nullable: true,
    description: 'The course as received, for a prediction from observations; null for a row of features.',
  })
  course?: PredictionCourse | null;

  @Field(() => String, { nullable: true, description: "The client's patient identifier, if it sent one." })
  patientRef!: string | null;

  @Field(() => DateTimeResolver)
  createdAt!: Date;

  @Field(() => String, { description: 'Id of the request that produced it (the `x-request-id` header when given).' })
  requestId!: string;

  @Field(() => Float, {
    description: 'Server time spent on validation, inference and explanation, per row, in milliseconds.',
  })
  latencyMs!: number;

  @Field(() => ID, {
    nullable: true,
    description: 'Id of the API key that asked for it (`ApiKey.id`); null only for records older than access control.',
  })
  requester!: string | null;
}

/** What a resolver returns for a Prediction: an audit record fits it; `model` is resolved from the registry. */
export type PredictionRecord = Omit<Prediction, 'model'>;
