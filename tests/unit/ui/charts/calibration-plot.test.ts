import { CalibrationPlot, compactCount, filledBins, markerRadius } from '@/ui/charts/calibration-plot';
import { attr, axisTicks, element, innerText, render, tags, textContent } from './svg-markup';

const gbdt = {
  name: 'GBDT (shipped)',
  bins: [
    { lower: 0, upper: 0.1, count: 756327, meanPredicted: 0.0158773, observedRate: 0.0159151 },
    { lower: 0.1, upper: 0.2, count: 27482, meanPredicted: 0.141153, observedRate: 0.1358708 },
    { lower: 0.2, upper: 0.3, count: 29, meanPredicted: 0.25, observedRate: 0.5 },
    { lower: 0.3, upper: 0.4, count: 0, meanPredicted: null, observedRate: null },
    // A page may pass an empty bin with zeros instead of nulls: still skipped.
    { lower: 0.4, upper: 0.5, count: 0, meanPredicted: 0, observedRate: 0 },
  ],
};
const markup = render(CalibrationPlot, { series: [gbdt], title: 'Calibration (out-of-fold, 10 bins)' });

describe('the calibration plot', () => {
  it('plots observed rate against mean predicted probability on unit axes, with the perfect-calibration diagonal', () => {
    const text = textContent(markup);
    expect(text).toContain('Mean predicted probability');
    expect(text).toContain('Observed event rate');
    expect(text).toContain('Perfect calibration');
    expect(axisTicks(markup, 'predicted', Number).map((t) => t.value)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
  });

  it('puts a bin with mean prediction 0.25 and observed rate 0.5 a quarter across and half way up', () => {
    const ticks = axisTicks(markup, 'predicted', Number);
    const x0 = ticks[0].x;
    const x1 = ticks[ticks.length - 1].x;
    const size = x1 - x0;
    const bottom = Number(attr(tags(element(markup, 'data-axis', 'predicted'), 'line')[0], 'y1'));
    const series = element(markup, 'data-series', 'GBDT (shipped)');
    expect(
      tags(series, 'circle').some(
        (c) => Number(attr(c, 'cx')) === x0 + size * 0.25 && Number(attr(c, 'cy')) === bottom - size * 0.5,
      ),
    ).toBe(true);
  });

  it('joins the filled bins by a line and skips empty bins', () => {
    const series = element(markup, 'data-series', 'GBDT (shipped)');
    expect(tags(series, 'circle')).toHaveLength(3);
    expect(attr(tags(series, 'path')[0], 'd')!.match(/[ML]/g)).toHaveLength(3);
    expect(filledBins(gbdt.bins).map((b) => b.lower)).toEqual([0, 0.1, 0.2]);
  });

  it('shows every bin count in a strip under the axis, compactly', () => {
    const counts = textContent(element(markup, 'class', 'bin-counts'));
    expect(counts).toEqual(['Predictions per bin (larger markers, more predictions):', '756k', '27k', '29', '0', '0']);
  });

  it('gives every bin in words in the description, empty ones counted', () => {
    const desc = innerText(markup, 'desc');
    expect(desc).toContain('GBDT (shipped): 5 bins, 2 empty and not shown');
    expect(desc).toContain('bin 0.0–0.1: n = 756,327, mean predicted 1.59%, observed 1.59%');
    expect(desc).toContain('bin 0.2–0.3: n = 29, mean predicted 25.0%, observed 50.0%');
  });

  it('tells series apart by marker shape as well as colour', () => {
    const two = render(CalibrationPlot, { series: [gbdt, { ...gbdt, name: 'Baseline' }] });
    expect(tags(element(two, 'data-series', 'GBDT (shipped)'), 'circle')).toHaveLength(3);
    expect(tags(element(two, 'data-series', 'Baseline'), 'rect')).toHaveLength(3);
  });
});

describe('bin counts and marker sizes', () => {
  it('abbreviates counts to at most four characters', () => {
    expect(compactCount(0)).toBe('0');
    expect(compactCount(626)).toBe('626');
    expect(compactCount(5751)).toBe('5.8k');
    expect(compactCount(27482)).toBe('27k');
    expect(compactCount(756327)).toBe('756k');
    expect(compactCount(1_234_567)).toBe('1.2M');
  });

  it('grows markers with log(count), from 2.5 at one prediction to 7 at the largest bin', () => {
    expect(markerRadius(1, 1000)).toBe(2.5);
    expect(markerRadius(1000, 1000)).toBe(7);
    expect(markerRadius(Math.sqrt(1000), 1000)).toBeCloseTo(4.75, 12);
    expect(markerRadius(5, 0)).toBe(2.5);
  });
});
