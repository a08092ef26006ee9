/** The line under a predict page's title: the model's outcome as a sentence, then where to read about the model. */
import type { ModelCard } from '@/inference/model-card';
import { sentence } from './format';
import { NavLink } from './nav-link';

export function PredictLead({ card }: { card: Pick<ModelCard, 'id' | 'outcome'> }) {
  // A card's outcome is a phrase that may end in a parenthesis ("… (the challenge's SepsisLabel: …)"), not a sentence.
  return (
    <p className="lead">
      {sentence(card.outcome)} <NavLink href={`/models/${card.id}`}>About this model</NavLink>: its validation,
      limitations and inputs.
    </p>
  );
}
