/** A risk band as a badge: the word carries the meaning, the colour only repeats it. */
import type { PredictionView } from '@/dashboard/prediction-view';

export function RiskBadge({ band }: { band: PredictionView['riskBand'] }) {
  return <span className={`badge badge-${band.toLowerCase()}`}>{band}</span>;
}
