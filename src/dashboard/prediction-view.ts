/**
 * An audit record made readable for a page: each contribution with its feature's label and unit from the model card.
 */
import type { AuditRecord } from '@/audit/audit-record';
import type { ModelCard } from '@/inference/model-card';

export interface ContributionView {
  name: string;
  label: string;
  unit: string | null;
  /** The input as sent (or the derived value as computed); null = missing. */
  value: number | null;
  /** Log-odds. */
  contribution: number;
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
  /** Log-odds. */
  baseValue: number;
  /** Sorted by |contribution|, largest first, as stored. */
  contributions: ContributionView[];
  createdAt: string;
}

export function labelsOf(card: ModelCard): Map<string, { label: string; unit: string | null }> {
  return new Map([
    ...card.features.map((f) => [f.name, { label: f.label, unit: f.unit ?? null }] as const),
    ...card.derivedFeatures.map((f) => [f.name, { label: f.label, unit: f.unit ?? null }] as const),
  ]);
}

export function predictionView(record: AuditRecord, card: ModelCard): PredictionView {
  const labels = labelsOf(card);
  return {
    id: record.id,
    modelId: record.modelId,
    modelVersion: record.modelVersion,
    probability: record.probability,
    positive: record.positive,
    riskBand: record.riskBand,
    // A record made by an older model version was decided at that version's threshold, which the
    // current card does not know; showing today's would contradict the stored decision.
    threshold: record.modelVersion === card.version ? card.threshold.value : null,
    baseValue: record.baseValue,
    contributions: record.contributions.map((c) => ({
      name: c.name,
      label: labels.get(c.name)?.label ?? c.name,
      unit: labels.get(c.name)?.unit ?? null,
      value: c.value,
      contribution: c.contribution,
    })),
    createdAt: record.createdAt.toISOString(),
  };
}
