/**
 * An audit record made readable for a page: each contribution with its feature's label, unit and (for a computed
 * feature) definition from the model card, and the training data's base rate to read the probability against.
 */
import type { AuditRecord } from '@/audit/audit-record';
import { featureSetOfCard } from '@/features/model-features';
import type { ModelCard } from '@/inference/model-card';

export interface ContributionView {
  name: string;
  label: string;
  unit: string | null;
  /** The input as sent (or the derived value as computed); null = missing. */
  value: number | null;
  /** Log-odds. */
  contribution: number;
  /** Computed by the service (a ratio, a count, a summary of a course), not sent: shown rounded. */
  computed: boolean;
  /** What a feature computed from the inputs is ("Heart rate ÷ systolic blood pressure; …"); null otherwise. */
  definition: string | null;
  /** What a binary input's code stands for ("male" for gender 1); null for other features and a missing value. */
  codeLabel: string | null;
}

/** The share of positive rows in the data the model was trained on: what "average" means beside a probability. */
export interface BaseRate {
  rate: number;
  positives: number;
  rows: number;
  /** What one row is, from the card ("patient-hour", "stay", "patient"). */
  row: string;
}

/** Plain data only: it crosses from a server action to the form that shows it. */
export interface PredictionView {
  id: string;
  modelId: string;
  modelVersion: string;
  probability: number;
  positive: boolean;
  riskBand: AuditRecord['riskBand'];
  /** The decision threshold of the version that answered; null when the service now runs another version. */
  threshold: number | null;
  /** Of the version that answered; null when the service now runs another version. */
  baseRate: BaseRate | null;
  /** Log-odds. */
  baseValue: number;
  /** Sorted by |contribution|, largest first, as stored. */
  contributions: ContributionView[];
  createdAt: string;
}

/** Each feature's label and unit; a derived feature the card lists without a unit takes the unit the code gives it. */
export function labelsOf(card: ModelCard): Map<string, { label: string; unit: string | null }> {
  const computed = new Map(featureSetOfCard(card).derived.map((d) => [d.name, d.unit]));
  return new Map([
    ...card.features.map((f) => [f.name, { label: f.label, unit: f.unit ?? null }] as const),
    ...card.derivedFeatures.map(
      (f) => [f.name, { label: f.label, unit: f.unit ?? computed.get(f.name) ?? null }] as const,
    ),
  ]);
}

/**
 * The card's preprocessing says what a row is ("one row per patient-hour: …"); a card that does not has one row per
 * patient (the tabular data sets).
 */
function rowOf(card: ModelCard): string {
  for (const step of card.dataset.preprocessing) {
    const match = /^one row per ([\w-]+)/.exec(step);
    if (match) return match[1];
  }
  return 'patient';
}

/**
 * The training data's positive share, not the logistic of the base value (the mean log-odds, 2.12% for sepsis where
 * 2.17% of the patient-hours are positive): "average" here is the rate a clinician would count.
 */
export function baseRateOf(card: ModelCard): BaseRate {
  const { positives, rows } = card.dataset;
  return { rate: positives / rows, positives, rows, row: rowOf(card) };
}

export function predictionView(record: AuditRecord, card: ModelCard): PredictionView {
  const labels = labelsOf(card);
  // A course-only model's whole vector is computed, and its labels already say what each entry is ("Albumin, first in
  // 48 h"); a model with inputs computes a few features from them, which need their definitions.
  const definitions = new Map(
    card.features.length > 0 ? card.derivedFeatures.map((f) => [f.name, f.description] as const) : [],
  );
  const computed = new Set(card.derivedFeatures.map((f) => f.name));
  const codes = new Map(card.features.map((f) => [f.name, f.codes ?? []] as const));
  // A record made by an older model version was decided at that version's threshold and trained on that version's data,
  // which the current card does not describe; showing today's would contradict the stored answer.
  const sameVersion = record.modelVersion === card.version;
  return {
    id: record.id,
    modelId: record.modelId,
    modelVersion: record.modelVersion,
    probability: record.probability,
    positive: record.positive,
    riskBand: record.riskBand,
    threshold: sameVersion ? card.threshold.value : null,
    baseRate: sameVersion ? baseRateOf(card) : null,
    baseValue: record.baseValue,
    contributions: record.contributions.map((c) => ({
      name: c.name,
      label: labels.get(c.name)?.label ?? c.name,
      unit: labels.get(c.name)?.unit ?? null,
      value: c.value,
      contribution: c.contribution,
      computed: computed.has(c.name),
      definition: definitions.get(c.name) ?? null,
      codeLabel: codes.get(c.name)?.find((code) => code.value === c.value)?.label ?? null,
    })),
    createdAt: record.createdAt.toISOString(),
  };
}
