/**
 * What drives a model's answers: the mean absolute TreeSHAP contribution of each feature over the training rows, in
 * log-odds.
 */
import { labelsOf } from '@/dashboard/prediction-view';
import type { ModelCard } from '@/inference/model-card';
import { ImportanceChart } from '../charts/importance-chart';

export function CardImportance({ card }: { card: ModelCard }) {
  const labels = labelsOf(card);
  return (
    <>
      <h2>What drives its answers</h2>
      <p className="muted">
        Mean absolute TreeSHAP contribution of each feature over {card.globalImportanceRows.toLocaleString('en-US')}{' '}
        training rows, in log-odds (not probability).
      </p>
      <div className="chart">
        <ImportanceChart
          title="Global feature importance"
          features={card.globalImportance.map((f) => ({ ...f, label: labels.get(f.name)?.label ?? f.name }))}
        />
      </div>
    </>
  );
}
