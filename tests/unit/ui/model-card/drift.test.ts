/** The model page's drift section: inputs by PSI with the band in words, the long vector folded, too few requests said. */
import { readFileSync } from 'node:fs';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { psiBand, type InputDrift } from '@/features/population-stability';
import { modelCardSchema, type ModelCard } from '@/inference/model-card';
import type { ModelDrift } from '@/monitoring/input-drift';
import { CardDrift, DRIFT_TOP_INPUTS } from '@/ui/model-card/drift';

const cardOf = (id: string): ModelCard =>
  modelCardSchema.parse(JSON.parse(readFileSync(`models/${id}/card.json`, 'utf8')));
const vectorOf = (card: ModelCard) => [...card.features, ...card.derivedFeatures];

function driftOf(card: ModelCard, psi: (j: number) => number, over: Partial<ModelDrift> = {}): ModelDrift {
  const inputs: InputDrift[] = vectorOf(card)
    .map((f, j) => ({
      name: f.name,
      psi: psi(j),
      band: psiBand(psi(j)),
      missingShare: 0.25,
      trainingMissingShare: 0.1,
    }))
    .sort((a, b) => b.psi - a.psi);
  return {
    modelId: card.id,
    modelVersion: card.version,
    from: new Date('2026-11-27T12:00:00Z'),
    to: new Date('2026-12-04T12:00:00Z'),
    windowDays: 7,
    requestsInWindow: 25_000,
    sampled: 20_000,
    sampleLimit: 20_000,
    minRequests: 100,
    trainingRows: card.dataset.rows,
    inputs,
    ...over,
  };
}

const render = (card: ModelCard, drift: ModelDrift | null) =>
  renderToStaticMarkup(
    createElement(CardDrift, { card, view: drift ? { kind: 'drift', drift } : { kind: 'no-reference' } }),
  );

/** The row headers (input labels) of a piece of markup, in order. */
const rowLabels = (html: string) => [...html.matchAll(/<th scope="row">([^<]*)<\/th>/g)].map((m) => m[1]);

describe('the drift section of a model page', () => {
  it('lists every input by its card label, highest PSI first, with the band in words and the missing shares', () => {
    const card = cardOf('diabetes');
    const psi = [0.02, 0.4, 0.05, 0.01, 0.12, 0.03, 0.0, 0.09];
    const html = render(
      card,
      driftOf(card, (j) => psi[j]),
    );
    expect(rowLabels(html).slice(0, 2)).toEqual(['Plasma glucose (2 h OGTT)', vectorOf(card)[4].label]);
    expect(html).toContain('0.400</td><td><span class="drift-band drift-shift">shift</span>');
    expect(html).toContain('0.120</td><td><span class="drift-band drift-watch">watch</span>');
    expect(html).toContain('<span class="drift-band drift-stable">stable</span>');
    expect(html).toContain('25.0%</td><td class="num">10.0%');
    expect(html).toContain('8 inputs: 1 shifted, 1 to watch, 6 stable');
    // The sample bound and the window are said.
    expect(html).toContain('the latest 20,000 of its 25,000 requests');
    expect(html).toContain('2026-11-27 12:00:00 UTC');
    expect(html).not.toContain('<details');
  });

  it(`folds icu-mortality's 301 inputs after the top ${DRIFT_TOP_INPUTS} into a <details>`, () => {
    const card = cardOf('icu-mortality');
    const html = render(
      card,
      driftOf(card, (j) => (j % 50) / 100),
    );
    const [top, rest] = html.split('<details');
    expect(rowLabels(top)).toHaveLength(DRIFT_TOP_INPUTS);
    expect(rowLabels(rest)).toHaveLength(301 - DRIFT_TOP_INPUTS);
    expect(rest).toContain(`The other ${301 - DRIFT_TOP_INPUTS} inputs`);
    const shown = [...top.matchAll(/<td class="num">(\d\.\d{3})<\/td>/g)].map((m) => Number(m[1]));
    expect(shown).toEqual([...shown].sort((a, b) => b - a));
  });

  it('says there are too few requests instead of showing noisy figures', () => {
    const card = cardOf('sepsis');
    const html = render(
      card,
      driftOf(card, () => 0, { requestsInWindow: 42, sampled: 42, inputs: null }),
    );
    expect(html).toContain('Too few requests to tell: 42 in the last 7 days');
    expect(html).toContain('from 100 on');
    expect(html).not.toContain('<table');
  });

  it('says so for a model without a stored training distribution', () => {
    expect(render(cardOf('diabetes'), null)).toContain('no training distribution stored beside its card');
  });

  it('says why when the figures cannot be read, leaving the rest of the card to render', () => {
    const html = renderToStaticMarkup(
      createElement(CardDrift, {
        card: cardOf('diabetes'),
        view: { kind: 'unavailable', reason: 'the audit database is unavailable: connection refused' },
      }),
    );
    expect(html).toContain('Drift cannot be shown now: the audit database is unavailable: connection refused.');
  });
});
