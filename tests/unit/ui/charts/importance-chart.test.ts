import { ImportanceChart, importanceValue, rankFeatures } from '@/ui/charts/importance-chart';
import { attr, axisTicks, innerText, num, render, tags, texts, textContent } from './svg-markup';

const features = [
  { name: 'age', label: 'Age', meanAbsContribution: 0.5 },
  { name: 'ejection_fraction', label: 'Ejection fraction', meanAbsContribution: 1 },
  { name: 'troponin_i', label: 'Troponin I', meanAbsContribution: 0 },
];
const markup = render(ImportanceChart, { features });
const bars = tags(markup, 'rect').slice(1); // the first rect is the white background

describe('the importance chart', () => {
  it('sorts features by mean |contribution|, largest first', () => {
    const labels = textContent(markup).filter((t) => ['Age', 'Ejection fraction', 'Troponin I'].includes(t));
    expect(labels).toEqual(['Ejection fraction', 'Age', 'Troponin I']);
    expect(rankFeatures(features).map((f) => f.name)).toEqual(['ejection_fraction', 'age', 'troponin_i']);
  });

  it('draws bar lengths in proportion: 0.5 on the domain [0, 1] is half the axis', () => {
    const ticks = axisTicks(markup, 'importance', Number);
    expect(ticks[0].value).toBe(0);
    expect(ticks[ticks.length - 1].value).toBe(1);
    const axis = ticks[ticks.length - 1].x - ticks[0].x;
    expect(bars.map((b) => num(b, 'width'))).toEqual([axis, axis / 2, 0]);
    for (const b of bars) expect(num(b, 'x')).toBe(ticks[0].x);
  });

  it('labels each bar with its value, and the axis in log-odds', () => {
    const text = textContent(markup);
    expect(text).toEqual(expect.arrayContaining(['1.000', '0.500', '0.000', 'Mean |contribution| (log-odds)']));
    expect(importanceValue(0.41724)).toBe('0.417');
    expect(importanceValue(0.0004)).toBe('<0.001');
    expect(importanceValue(0)).toBe('0.000');
  });

  it('lists every feature and value in the description, in log-odds', () => {
    expect(innerText(markup, 'desc')).toBe(
      'Feature importance. 3 features ranked by mean absolute contribution in log-odds (not probability): Ejection fraction 1.000; Age 0.500; Troponin I 0.000.',
    );
  });

  it('grows with the number of features (43 for sepsis), one 20-unit row each, with the axis repeated on top', () => {
    const many = Array.from({ length: 43 }, (_, i) => ({
      name: `f${i}`,
      label: `Feature number ${i}`,
      meanAbsContribution: (43 - i) / 100,
    }));
    const tall = render(ImportanceChart, { features: many });
    const height = (m: string) => Number(attr(tags(m, 'svg')[0], 'viewBox')!.split(' ')[3]);
    expect(height(tall)).toBeGreaterThanOrEqual(height(markup) + 40 * 20);
    const rows = texts(tall)
      .filter((t) => t.text.startsWith('Feature number'))
      .map((t) => num(t.tag, 'y'));
    expect(rows).toHaveLength(43);
    rows.slice(1).forEach((y, i) => expect(y - rows[i]).toBe(20));
    expect(textContent(tall).filter((t) => t === 'Mean |contribution| (log-odds)')).toHaveLength(2);
    expect(textContent(markup).filter((t) => t === 'Mean |contribution| (log-odds)')).toHaveLength(1);
  });
});
