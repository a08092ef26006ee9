/**
 * The head of a model's card: name and description, links to predict and to its records, what it predicts, its version,
 * threshold and risk bands, its intended use and limitations.
 */
import type { ModelCard } from '@/inference/model-card';
import { percent } from '../format';
import { NavLink } from '../nav-link';

export function CardSummary({ card }: { card: ModelCard }) {
  return (
    <>
      <h1>{card.name}</h1>
      <p className="lead">{card.description}</p>
      <p>
        <NavLink className="button" href={`/models/${card.id}/predict`}>
          Predict with this model
        </NavLink>{' '}
        <NavLink className="button button-secondary" href={`/predictions?modelId=${card.id}`}>
          Its audit records
        </NavLink>
      </p>
      <dl className="facts">
        <dt>Outcome</dt>
        <dd>{card.outcome}</dd>
        <dt>Version</dt>
        <dd>
          {card.version} (ONNX sha256 <code>{card.onnx.sha256}</code>, {card.onnx.trees} trees)
        </dd>
        <dt>Decision threshold</dt>
        <dd>
          {percent(card.threshold.value)}: {card.threshold.rule}
        </dd>
        <dt>Risk bands</dt>
        <dd>
          LOW below {percent(card.riskBands.moderateFrom)}, MODERATE below {percent(card.riskBands.highFrom)}, HIGH from
          there. {card.riskBands.rule}
        </dd>
      </dl>

      <h2>Intended use</h2>
      <p>{card.intendedUse}</p>
      <h2>Limitations</h2>
      <ul>
        {card.limitations.map((text) => (
          <li key={text}>{text}</li>
        ))}
      </ul>
    </>
  );
}
