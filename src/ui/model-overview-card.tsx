/**
 * A model on the overview: its name, version and outcome, headline AUROC with its interval, prediction counts, and
 * links to predict and to its records.
 */
import type { ModelCounts } from '@/dashboard/overview';
import { interval } from './format';
import { NavLink } from './nav-link';

export function ModelOverviewCard({ model }: { model: ModelCounts }) {
  const { card, today, total } = model;
  return (
    <section className="card" aria-labelledby={`model-${card.id}`}>
      <h2 id={`model-${card.id}`}>
        <NavLink href={`/models/${card.id}`}>{card.name}</NavLink>
      </h2>
      <p className="muted">
        Version {card.version}. {card.outcome}
      </p>
      <p>
        AUROC <span className="stat">{card.evaluation.gbdt.auroc.estimate.toFixed(3)}</span>
        <br />
        <span className="muted">95% CI {interval(card.evaluation.gbdt.auroc)}</span>
      </p>
      <p>
        Predictions: <strong>{today.toLocaleString('en-US')}</strong> today (UTC),{' '}
        <strong>{total.toLocaleString('en-US')}</strong> in total
      </p>
      <p>
        <NavLink className="button" href={`/models/${card.id}/predict`}>
          Predict
        </NavLink>{' '}
        <NavLink className="button button-secondary" href={`/predictions?modelId=${card.id}`}>
          Audit records
        </NavLink>
      </p>
    </section>
  );
}
