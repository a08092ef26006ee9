/** The model page's transfer section and the comparisons table: what a sepsis card reports about variants and transfer. */
import { readFileSync } from 'node:fs';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { modelCardSchema, type ModelCard } from '@/inference/model-card';
import { CardProvenance } from '@/ui/model-card/provenance';
import { CardTransfer } from '@/ui/model-card/transfer';

const shipped = modelCardSchema.parse(JSON.parse(readFileSync('models/sepsis/card.json', 'utf8')));

const withTransfer: ModelCard = modelCardSchema.parse({
  ...shipped,
  evaluation: {
    ...shipped.evaluation,
    transfer: {
      method: 'Fitted on Unit1, tested on Unit2, and the reverse.',
      results: [
        {
          train: 'Unit1',
          test: 'Unit2',
          thresholdFrom: 'out-of-fold predictions of a grouped 5-fold CV inside Unit1',
          trainRows: 204894,
          trainPatients: 5344,
          rows: 199156,
          patients: 5470,
          positivePatients: 480,
          auroc: 0.7751,
          threshold: 0.03,
          utility: 0.2104,
        },
      ],
    },
  },
});

describe('CardTransfer', () => {
  it('renders nothing for a card without a transfer check', () => {
    const { transfer, ...evaluation } = shipped.evaluation;
    void transfer;
    expect(renderToStaticMarkup(createElement(CardTransfer, { card: { ...shipped, evaluation } }))).toBe('');
  });

  it('shows each direction with its patients, AUROC, utility and the threshold chosen inside the training unit', () => {
    const html = renderToStaticMarkup(createElement(CardTransfer, { card: withTransfer }));
    expect(html).toContain('<h2>Transfer check</h2>');
    expect(html).toContain('Fitted on Unit1, tested on Unit2, and the reverse.');
    expect(html).toMatch(/<th scope="row">Unit1<\/th><td>Unit2<\/td>/);
    expect(html).toContain('5,470 (480)');
    expect(html).toContain('0.775');
    expect(html).toContain('0.210');
    expect(html).toContain('title="chosen on out-of-fold predictions of a grouped 5-fold CV inside Unit1"');
  });
});

describe('CardProvenance comparisons', () => {
  it('adds a utility column only when a comparison has a utility', () => {
    const withoutUtility = modelCardSchema.parse({
      ...shipped,
      evaluation: {
        ...shipped.evaluation,
        comparisons: shipped.evaluation.comparisons.map(({ utility: _utility, ...c }) => c),
      },
    });
    const plain = renderToStaticMarkup(createElement(CardProvenance, { card: withoutUtility }));
    expect(plain).not.toContain('>Utility<');
    // The shipped card lists the trend variants tried for 2.0.0, each with its utility.
    expect(renderToStaticMarkup(createElement(CardProvenance, { card: shipped }))).toContain('>Utility<');
    const tried = modelCardSchema.parse({
      ...shipped,
      evaluation: {
        ...shipped.evaluation,
        comparisons: [
          {
            name: 'trends',
            description: 'Snapshot + trends',
            auroc: { estimate: 0.8161, lower: 0.8076, upper: 0.8243 },
            utility: { estimate: 0.4222, lower: 0.4052, upper: 0.4397 },
            note: 'not shipped',
          },
        ],
      },
    });
    const html = renderToStaticMarkup(createElement(CardProvenance, { card: tried }));
    expect(html).toContain('>Utility<');
    expect(html).toContain('0.422 (0.405–0.440)');
  });
});
