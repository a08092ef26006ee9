/**
 * The model page's performance and inputs sections as the server renders them from the committed cards: which
 * threshold each table uses is said in words, the fold-threshold table is there for every model, and a timeline
 * model lists its observation codes and its computed vector.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { modelCardSchema, type ModelCard } from '@/inference/model-card';
import { CardInputs } from '@/ui/model-card/inputs';
import { CardPerformance } from '@/ui/model-card/performance';

const card = (id: string): ModelCard =>
  modelCardSchema.parse(JSON.parse(readFileSync(join('models', id, 'card.json'), 'utf8')));

describe('the model page', () => {
  it('shows the metrics at the shipped threshold and again at thresholds chosen inside each training fold', () => {
    const markup = renderToStaticMarkup(createElement(CardPerformance, { card: card('heart-failure') }));
    expect(markup).toContain('MCC at the shipped threshold');
    expect(markup).toContain('chosen on all out-of-fold predictions');
    expect(markup).toContain('With the threshold chosen inside each training fold');
    expect(markup).toContain('MCC at the fold’s own threshold');
    expect(markup).toContain('The folds’ thresholds: median (lowest–highest)');
    expect(markup).not.toContain('Event 1');
  });

  it('for icu-mortality, adds Event 1, Hosmer–Lemeshow H and a SAPS-I column', () => {
    const markup = renderToStaticMarkup(createElement(CardPerformance, { card: card('icu-mortality') }));
    expect(markup).toContain('SAPS-I (score baseline)');
    expect(markup).toContain('Event 1, min(sensitivity, PPV), at the shipped threshold');
    expect(markup).toContain('Event 1, min(sensitivity, PPV) at the fold’s own threshold');
    expect(markup).toContain('Hosmer–Lemeshow H, 10 risk deciles');
  });

  it('lists a timeline model’s observation codes and the vector computed from them', () => {
    const c = card('icu-mortality');
    const markup = renderToStaticMarkup(createElement(CardInputs, { card: c }));
    expect(markup).toContain('first 48 hours from admission');
    for (const o of c.timeline!.observations) expect(markup).toContain(`<code>${o.name}</code>`);
    expect(markup).toContain('301 features, each with its own contribution');
    expect(markup).toContain('<code>GCS_min</code>');
  });
});
