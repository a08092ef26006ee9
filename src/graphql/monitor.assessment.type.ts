/**
 * One hour's assessment of a stay as the API shows it: the timeline models' predictions, NEWS2 and qSOFA with their
 * components. The score classes implement the monitor's own result interfaces, so a field they drop or retype fails
 * the type check.
 */
import 'reflect-metadata';
import { DateTimeResolver } from 'graphql-scalars';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import type { News2Component, News2Parameter, News2Result, News2Risk } from '@/monitoring/news2';
import type { QsofaComponent, QsofaCriterion, QsofaResult } from '@/monitoring/qsofa';

@ObjectType('News2Component', { description: 'One NEWS2 parameter of the hour: the value read and its points.' })
export class News2ComponentType implements News2Component {
  @Field(() => String, {
    description:
      'respirationRate, spo2, airOrOxygen, systolicBP, pulse, consciousness or temperature (the RCP chart rows).',
  })
  parameter!: News2Parameter;

  @Field(() => String, { description: 'The parameter, named for a person.' })
  label!: string;

  @Field(() => Float, {
    nullable: true,
    description:
      "The value read, in the code's unit (consciousness: the ACVPU code or GCS; air or oxygen: the flag or FiO2); null when not measured within the hour.",
  })
  value!: number | null;

  @Field(() => Int, { nullable: true, description: 'Points, 0 to 3; null when the parameter could not be scored.' })
  points!: number | null;

  @Field(() => String, { description: 'The reading and its points in words, e.g. `RR 26/min: 3`.' })
  text!: string;
}

@ObjectType('News2Score', {
  description:
    "NEWS2 (Royal College of Physicians, 2017) at the end of the hour, from the hour's latest values. Honest about missing inputs: `total` is given only when every parameter was scored.",
})
export class News2Score implements News2Result {
  @Field(() => Boolean, { description: 'Every parameter was scored.' })
  complete!: boolean;

  @Field(() => Int, { nullable: true, description: 'The aggregate score, 0 to 20; null when incomplete.' })
  total!: number | null;

  @Field(() => Int, {
    description: 'The sum of the parameters scored: a lower bound of the total (no parameter scores below 0).',
  })
  partialTotal!: number;

  @Field(() => [String], { description: 'What could not be scored, named for a person; empty when complete.' })
  missing!: string[];

  @Field(() => String, {
    nullable: true,
    description:
      'The RCP clinical risk: low, low-medium, medium or high. When incomplete, only what the lower bound already makes certain (high), else null.',
  })
  risk!: News2Risk | null;

  @Field(() => Int, { description: "The SpO₂ scale used (1, or 2 for hypercapnic respiratory failure): the stay's." })
  spo2Scale!: 1 | 2;

  @Field(() => Boolean, { description: 'Some parameter scored 3 (an alert on its own).' })
  anySingleThree!: boolean;

  @Field(() => [News2ComponentType], { description: 'Every parameter, in chart order.' })
  components!: News2ComponentType[];
}

@ObjectType('QsofaComponent', { description: 'One qSOFA criterion of the hour: the value read and whether it is met.' })
export class QsofaComponentType implements QsofaComponent {
  @Field(() => String, { description: 'respiratoryRate, systolicBP or alteredMentation.' })
  criterion!: QsofaCriterion;

  @Field(() => String, { description: 'The criterion, e.g. `Respiratory rate ≥ 22/min`.' })
  label!: string;

  @Field(() => Float, {
    nullable: true,
    description:
      "The value read, in the code's unit (mentation: the ACVPU code or GCS); null when not measured within the hour.",
  })
  value!: number | null;

  @Field(() => Boolean, { nullable: true, description: 'Whether it is met; null when it could not be judged.' })
  met!: boolean | null;

  @Field(() => String, { description: 'The reading and the verdict in words.' })
  text!: string;
}

@ObjectType('QsofaScore', {
  description:
    "qSOFA (Sepsis-3, Singer et al., JAMA 2016) at the end of the hour, from the hour's latest values. `total` is given only when every criterion was judged.",
})
export class QsofaScore implements QsofaResult {
  @Field(() => Boolean, { description: 'Every criterion was judged.' })
  complete!: boolean;

  @Field(() => Int, { nullable: true, description: 'Criteria met, 0 to 3; null when incomplete.' })
  total!: number | null;

  @Field(() => Int, { description: 'Criteria met among those judged: a lower bound of the total.' })
  partialTotal!: number;

  @Field(() => [String], { description: 'What could not be judged, named for a person; empty when complete.' })
  missing!: string[];

  @Field(() => [QsofaComponentType], { description: 'Every criterion.' })
  components!: QsofaComponentType[];
}

@ObjectType('AssessmentPrediction', {
  description:
    "A timeline model's prediction at the end of the hour, stored as an ordinary audit record (`Query.prediction(id)` gives its explanation).",
})
export class AssessmentPrediction {
  @Field(() => ID, { description: 'The audit record: `Prediction.id`.' })
  predictionId!: string;

  @Field(() => Float, { description: "The model's probability of the outcome, 0 to 1 (not log-odds)." })
  probability!: number;

  @Field(() => Boolean, { description: "The probability is at or above the model's decision threshold." })
  positive!: boolean;
}

@ObjectType('Assessment', {
  description:
    "The monitor's view of a stay at the end of one hour of its course. Hour h covers (h−1)·60 < minutes from admission ≤ h·60. Data arriving late for a past hour re-assesses the stay's latest hour as a new revision.",
})
export class Assessment {
  @Field(() => Int, { description: 'The hour of the stay, from 1.' })
  hour!: number;

  @Field(() => Int, { description: "The hour's revision, from 1; a later revision read later data." })
  revision!: number;

  @Field(() => DateTimeResolver, { description: 'The end of the hour assessed: admission + `hour` hours.' })
  at!: Date;

  @Field(() => DateTimeResolver, { description: 'When this revision was made.' })
  createdAt!: Date;

  @Field(() => AssessmentPrediction, {
    nullable: true,
    description: 'The sepsis model (onset within 6 h); null when it did not score this hour.',
  })
  sepsis!: AssessmentPrediction | null;

  @Field(() => AssessmentPrediction, {
    nullable: true,
    description:
      'The icu-mortality model (in-hospital death, from the first 48 h); null when it did not score this hour.',
  })
  icuMortality!: AssessmentPrediction | null;

  @Field(() => News2Score)
  news2!: News2Score;

  @Field(() => QsofaScore)
  qsofa!: QsofaScore;
}
