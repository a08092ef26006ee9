/** The line under a predict page's title: the card's outcome as a sentence before the link to the model's card. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PredictLead } from '@/ui/predict-lead';
import { render } from './charts/svg-markup';

const outcome = (id: string): string =>
  JSON.parse(readFileSync(join(__dirname, '../../../models', id, 'card.json'), 'utf8')).outcome;

describe('the predict page lead', () => {
  it.each(['sepsis', 'icu-mortality', 'diabetes', 'heart-failure'])(
    'ends the %s outcome with a full stop before “About this model”',
    (id) => {
      const markup = render(PredictLead, { card: { id, outcome: outcome(id) } });
      const text = markup.replace(/<[^>]+>/g, '').replace(/&#x27;/g, "'");
      expect(text).toContain(`${outcome(id)}. About this model: its validation, limitations and inputs.`);
      expect(markup).toContain(`href="/models/${id}"`);
    },
  );

  it('adds no second full stop to an outcome that is already a sentence', () => {
    const text = render(PredictLead, { card: { id: 'x', outcome: 'Death in hospital.' } }).replace(/<[^>]+>/g, '');
    expect(text).toContain('Death in hospital. About this model');
  });
});
