import { CalibrationPlot } from '@/ui/charts/calibration-plot';
import { colours, seriesStyles } from '@/ui/charts/chart-theme';
import { ImportanceChart } from '@/ui/charts/importance-chart';
import { RocCurve } from '@/ui/charts/roc-curve';
import { WaterfallChart } from '@/ui/charts/waterfall-chart';
import { attr, innerText, render, tags } from './svg-markup';

/** WCAG 2 contrast ratio against white, written out here rather than taken from the theme. */
function contrastOnWhite(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
  return 1.05 / (luminance + 0.05);
}

const roc = [
  { fpr: 0, tpr: 0 },
  { fpr: 0.1, tpr: 0.5 },
  { fpr: 1, tpr: 1 },
];
const bins = [
  { lower: 0, upper: 0.5, count: 10, meanPredicted: 0.2, observedRate: 0.25 },
  { lower: 0.5, upper: 1, count: 0, meanPredicted: null, observedRate: null },
];
const charts: [string, string][] = [
  [
    'ROC curve',
    render(RocCurve, {
      series: [
        { name: 'GBDT', auroc: 0.8, points: roc },
        { name: 'Baseline', auroc: 0.7, points: roc },
      ],
    }),
  ],
  [
    'calibration plot',
    render(CalibrationPlot, {
      series: [
        { name: 'GBDT', bins },
        { name: 'Baseline', bins },
      ],
    }),
  ],
  [
    'importance chart',
    render(ImportanceChart, { features: [{ name: 'age', label: 'Age', meanAbsContribution: 0.3 }] }),
  ],
  [
    'waterfall chart',
    render(WaterfallChart, {
      baseValue: -1,
      contributions: [
        { name: 'age', label: 'Age', value: 75, unit: 'years', contribution: 0.4 },
        { name: 'ef', label: 'Ejection fraction', value: 60, unit: '%', contribution: -0.3 },
        { name: 'x', label: 'X', value: null, contribution: 0 },
      ],
      probability: 1 / (1 + Math.exp(0.9)),
      threshold: 0.25,
    }),
  ],
];

describe.each(charts)('the %s, read without JavaScript and by assistive technology', (_name, markup) => {
  const svg = tags(markup, 'svg')[0];

  it('is one <svg role="img"> named by its <title> and described by its <desc>', () => {
    expect(tags(markup, 'svg')).toHaveLength(1);
    expect(attr(svg, 'role')).toBe('img');
    const titleId = attr(svg, 'aria-labelledby')!;
    const descId = attr(svg, 'aria-describedby')!;
    expect(tags(markup, 'title').map((t) => attr(t, 'id'))).toEqual([titleId]);
    expect(tags(markup, 'desc').map((t) => attr(t, 'id'))).toEqual([descId]);
    expect(innerText(markup, 'title').length).toBeGreaterThan(3);
    expect(innerText(markup, 'desc').length).toBeGreaterThan(40);
  });

  it('scales with its container: a viewBox and width 100%, height from the aspect ratio', () => {
    expect(attr(svg, 'viewBox')).toMatch(/^0 0 \d+(\.\d+)? \d+(\.\d+)?$/);
    expect(attr(svg, 'width')).toBe('100%');
    expect(attr(svg, 'height')).toBeUndefined();
    expect(attr(svg, 'style')).toContain('height:auto');
  });

  it('needs no script and no external resources', () => {
    expect(markup).not.toMatch(/<script|<foreignObject|\shref=|\son[a-z]+=/i);
  });

  it('writes every text in a colour with at least 4.5:1 contrast on white', () => {
    const fills = [...tags(markup, 'text'), ...tags(markup, 'tspan'), ...tags(markup, 'g'), svg]
      .map((t) => attr(t, 'fill'))
      .filter((f): f is string => f !== undefined);
    expect(fills.length).toBeGreaterThan(0);
    // Filtering (rather than asserting in a loop) makes a failure name the colour.
    expect([...new Set(fills)].filter((fill) => !(contrastOnWhite(fill) >= 4.5))).toEqual([]);
  });
});

describe('the chart theme', () => {
  it('gives every text colour and every series colour at least 4.5:1 on white', () => {
    for (const c of [
      colours.ink,
      colours.muted,
      colours.increase,
      colours.decrease,
      colours.warning,
      ...seriesStyles.map((s) => s.colour),
    ]) {
      expect(contrastOnWhite(c)).toBeGreaterThanOrEqual(4.5);
    }
  });

  it('tells series apart by dash pattern and marker shape, not colour alone', () => {
    expect(new Set(seriesStyles.map((s) => s.dash)).size).toBe(seriesStyles.length);
    expect(new Set(seriesStyles.map((s) => s.marker)).size).toBe(seriesStyles.length);
  });
});

describe('two charts on one page', () => {
  it('do not share element ids', () => {
    const ids = charts.flatMap(([, m]) => [...m.matchAll(/\sid="([^"]+)"/g)].map((x) => x[1]));
    expect(new Set(ids).size).toBe(ids.length);
    const a = render(RocCurve, { series: [{ name: 'GBDT', auroc: 0.8, points: roc }], title: 'Heart failure' });
    const b = render(RocCurve, { series: [{ name: 'GBDT', auroc: 0.8, points: roc }], title: 'Sepsis' });
    expect(attr(tags(a, 'svg')[0], 'id')).not.toBe(attr(tags(b, 'svg')[0], 'id'));
  });
});
