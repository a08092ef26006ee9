import { RocCurve } from '@/ui/charts/roc-curve';
import { attr, axisTicks, element, innerText, render, tags, textContent } from './svg-markup';

const gbdt = {
  name: 'GBDT (shipped)',
  auroc: 0.7960673,
  points: [
    { fpr: 0, tpr: 0 },
    { fpr: 0.1, tpr: 0.5 },
    { fpr: 1, tpr: 1 },
  ],
};
const baseline = {
  name: 'Logistic-regression baseline',
  auroc: 0.77,
  points: [
    { fpr: 0, tpr: 0 },
    { fpr: 0.5, tpr: 0.5 },
    { fpr: 1, tpr: 1 },
  ],
};
const markup = render(RocCurve, { series: [gbdt, baseline], title: 'ROC curve (out-of-fold)' });

/** Pixel position of (fpr, tpr), from the axes' own tick labels. */
function position(fpr: number, tpr: number): [number, number] {
  const xs = axisTicks(markup, 'fpr', Number);
  const ys = [...markup.matchAll(/<text x="[\d.]+" y="([\d.]+)" text-anchor="end"[^>]*>([\d.]+)<\/text>/g)].map(
    (m) => ({ y: Number(m[1]) - 4, value: Number(m[2]) }),
  );
  const x0 = xs.find((t) => t.value === 0)!.x;
  const x1 = xs.find((t) => t.value === 1)!.x;
  const y0 = ys.find((t) => t.value === 0)!.y;
  const y1 = ys.find((t) => t.value === 1)!.y;
  return [x0 + fpr * (x1 - x0), y0 + tpr * (y1 - y0)];
}

describe('the ROC curve', () => {
  it('labels both axes and ticks them at 0, 0.2, …, 1', () => {
    const text = textContent(markup);
    expect(text).toContain('False-positive rate (1 − specificity)');
    expect(text).toContain('True-positive rate (sensitivity)');
    expect(axisTicks(markup, 'fpr', Number).map((t) => t.label)).toEqual(['0.0', '0.2', '0.4', '0.6', '0.8', '1.0']);
    expect(axisTicks(markup, 'fpr', Number).map((t) => t.value)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
  });

  it('draws the plot square: as wide as it is tall', () => {
    const [left, bottom] = position(0, 0);
    const [right, top] = position(1, 1);
    expect(right - left).toBe(bottom - top);
  });

  it('draws the chance diagonal from (0, 0) to (1, 1), dotted', () => {
    const [x0, y0] = position(0, 0);
    const [x1, y1] = position(1, 1);
    const diagonal = tags(markup, 'line').find(
      (l) =>
        attr(l, 'x1') === String(x0) &&
        attr(l, 'y1') === String(y0) &&
        attr(l, 'x2') === String(x1) &&
        attr(l, 'y2') === String(y1),
    );
    expect(diagonal).toBeDefined();
    expect(attr(diagonal!, 'stroke-dasharray')).toBeDefined();
  });

  it('draws each series through its points, in its own dash pattern', () => {
    const path = element(markup, 'data-series', 'GBDT (shipped)');
    const [x, y] = position(0.1, 0.5);
    expect(attr(path, 'd')).toContain(`L${x.toFixed(2)},${y.toFixed(2)}`);
    const baselinePath = element(markup, 'data-series', 'Logistic-regression baseline');
    expect(attr(path, 'stroke-dasharray')).toBeUndefined();
    expect(attr(baselinePath, 'stroke-dasharray')).toBeDefined();
  });

  it("gives each series' AUROC to 3 decimals in the legend, and chance's", () => {
    const text = textContent(markup);
    expect(text).toContain('GBDT (shipped): AUROC 0.796');
    expect(text).toContain('Logistic-regression baseline: AUROC 0.770');
    expect(text).toContain('Chance: AUROC 0.500');
  });

  it('summarises each curve in its description: AUROC and sensitivity at 10% and 20% false positives', () => {
    const desc = innerText(markup, 'desc');
    expect(innerText(markup, 'title')).toBe('ROC curve (out-of-fold)');
    // GBDT: (0.1, 0.5) is a point; at 0.2, 0.5 + (0.1 / 0.9) × 0.5 = 0.5556.
    expect(desc).toContain('GBDT (shipped): AUROC 0.796, sensitivity 0.50 at 10% and 0.56 at 20% false-positive rate.');
    expect(desc).toContain(
      'Logistic-regression baseline: AUROC 0.770, sensitivity 0.10 at 10% and 0.20 at 20% false-positive rate.',
    );
  });
});
