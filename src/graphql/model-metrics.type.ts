/** A model card's cross-validated metrics as the API shows them: point estimates with 95% intervals. */
import 'reflect-metadata';
import { Field, Float, ObjectType } from 'type-graphql';
import type { ModelMetrics as CardMetrics } from '@/inference/model-card';

@ObjectType('MetricInterval', { description: 'An estimate with its 95% confidence interval.' })
export class MetricInterval {
  @Field(() => Float)
  estimate!: number;

  @Field(() => Float, { description: 'Lower bound of the 95% interval.' })
  lower!: number;

  @Field(() => Float, { description: 'Upper bound of the 95% interval.' })
  upper!: number;
}

@ObjectType('ModelMetrics', {
  description:
    'Out-of-fold metrics from cross-validation, pooled over every held-out prediction; ' +
    "sensitivity, specificity, PPV, F1 and MCC are at the card's decision threshold.",
})
export class ModelMetrics {
  @Field(() => MetricInterval, { description: 'Area under the ROC curve.' })
  auroc!: MetricInterval;

  @Field(() => MetricInterval, { description: 'Area under the precision-recall curve.' })
  auprc!: MetricInterval;

  @Field(() => MetricInterval, { description: 'Brier score (mean squared error of the probability; lower is better).' })
  brier!: MetricInterval;

  @Field(() => MetricInterval)
  sensitivity!: MetricInterval;

  @Field(() => MetricInterval)
  specificity!: MetricInterval;

  @Field(() => MetricInterval, { description: 'Positive predictive value.' })
  ppv!: MetricInterval;

  @Field(() => Float, { description: 'Negative predictive value (point estimate).' })
  npv!: number;

  @Field(() => MetricInterval)
  f1!: MetricInterval;

  @Field(() => MetricInterval, { description: 'Matthews correlation coefficient.' })
  mcc!: MetricInterval;

  @Field(() => Float, { description: 'Expected calibration error over 10 reliability bins.' })
  ece!: number;

  @Field(() => MetricInterval, {
    nullable: true,
    description: 'PhysioNet/CinC 2019 normalized utility; null for models other than sepsis.',
  })
  utility!: MetricInterval | null;
}

export function modelMetricsOf(metrics: CardMetrics): ModelMetrics {
  const at = metrics.atThresholdIntervals;
  return {
    auroc: metrics.auroc,
    auprc: metrics.auprc,
    brier: metrics.brier,
    sensitivity: at.sensitivity,
    specificity: at.specificity,
    ppv: at.ppv,
    npv: metrics.atThreshold.npv,
    f1: at.f1,
    mcc: at.mcc,
    ece: metrics.ece,
    utility: metrics.utility ?? null,
  };
}
