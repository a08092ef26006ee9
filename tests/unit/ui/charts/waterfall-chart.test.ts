import { WaterfallChart, type WaterfallChartProps } from '@/ui/charts/waterfall-chart';
import { attr, axisTicks, element, innerText, num, parseSigned, render, tags, texts, textContent } from './svg-markup';

/** log-odds → probability and back, written out independently of the chart's own helpers. */
const probabilityOf = (x: number) => 1 / (1 + Math.exp(-x));
const logOddsOf = (p: number) => Math.log(p / (1 - p));

// The heart-failure record of a 75-year-old with ejection fraction 20% and serum creatinine 1.9 mg/dL (rounded).
const heartFailure: WaterfallChartProps = {
  baseValue: -0.7571,
  contributions: [
    { name: 'ejection_fraction', label: 'Ejection fraction', value: 20, unit: '%', contribution: 1.7325 },
    { name: 'serum_creatinine', label: 'Serum creatinine', value: 1.9, unit: 'mg/dL', contribution: 1.5763 },
    { name: 'age', label: 'Age', value: 75, unit: 'years', contribution: 0.226 },
  ],
  probability: probabilityOf(-0.7571 + 1.7325 + 1.5763 + 0.226),
  threshold: 0.2892154,
  title: "Why: each feature's contribution (log-odds)",
};

/** Pixel x → log-odds, from two labelled ticks of the chart's own log-odds axis. */
function logOddsAt(markup: string): (px: number) => number {
  const ticks = axisTicks(markup, 'log-odds', parseSigned);
  const [a, b] = [ticks[0], ticks[ticks.length - 1]];
  return (px) => a.value + ((px - a.x) * (b.value - a.value)) / (b.x - a.x);
}

function arrow(markup: string, row: string): { tail: number; tip: number } {
  const points = attr(tags(element(markup, 'data-row', row), 'polygon')[0], 'points')!
    .split(' ')
    .map((p) => p.split(',').map(Number));
  // points: tail-top, neck-top, tip, neck-bottom, tail-bottom
  return { tail: points[0][0], tip: points[2][0] };
}

describe('the waterfall of one prediction', () => {
  const markup = render(WaterfallChart, heartFailure);
  const toLogOdds = logOddsAt(markup);

  it('starts at the base value and ends at the output log-odds, logit(p)', () => {
    const baseLine = tags(element(markup, 'data-row', 'base'), 'line')[0];
    expect(toLogOdds(num(baseLine, 'x1'))).toBeCloseTo(-0.7571, 9);
    const output = tags(element(markup, 'data-row', 'output'), 'circle')[0];
    expect(toLogOdds(num(output, 'cx'))).toBeCloseTo(logOddsOf(heartFailure.probability), 9);
    expect(textContent(markup)).toContain('+2.78 → 94.1%');
  });

  it('moves one step per feature, in the given order, each starting where the previous ended', () => {
    const rows = [...markup.matchAll(/data-row="([^"]+)"/g)].map((m) => m[1]);
    expect(rows).toEqual(['base', 'ejection_fraction', 'serum_creatinine', 'age', 'output']);
    const ef = arrow(markup, 'ejection_fraction');
    const sc = arrow(markup, 'serum_creatinine');
    expect(toLogOdds(ef.tail)).toBeCloseTo(-0.7571, 9);
    expect(toLogOdds(ef.tip)).toBeCloseTo(-0.7571 + 1.7325, 9);
    expect(sc.tail).toBe(ef.tip);
  });

  it('labels each row with the feature, its value and unit, and the signed contribution', () => {
    const ef = textContent(element(markup, 'data-row', 'ejection_fraction'));
    expect(ef).toEqual(['Ejection fraction 20%', '+1.73']);
    expect(textContent(element(markup, 'data-row', 'serum_creatinine'))).toEqual([
      'Serum creatinine 1.9 mg/dL',
      '+1.58',
    ]);
  });

  it('reads "missing" for a feature without a value', () => {
    const m = render(WaterfallChart, {
      baseValue: -4,
      contributions: [{ name: 'lactate', label: 'Lactate', value: null, unit: 'mmol/L', contribution: -0.19 }],
      probability: probabilityOf(-4.19),
    });
    expect(textContent(element(m, 'data-row', 'lactate'))).toEqual(['Lactate missing', '−0.19']);
  });

  it('marks a decrease by a left-pointing arrow and a minus sign as well as its colour', () => {
    const m = render(WaterfallChart, {
      baseValue: 0,
      contributions: [
        { name: 'up', label: 'Up', value: 1, contribution: 0.42 },
        { name: 'down', label: 'Down', value: 1, contribution: -0.07 },
      ],
      probability: probabilityOf(0.35),
    });
    const up = arrow(m, 'up');
    const down = arrow(m, 'down');
    expect(up.tip).toBeGreaterThan(up.tail);
    expect(down.tip).toBeLessThan(down.tail);
    expect(textContent(element(m, 'data-row', 'up'))).toContain('+0.42');
    expect(textContent(element(m, 'data-row', 'down'))).toContain('−0.07');
    const fill = (row: string) => attr(tags(element(m, 'data-row', row), 'polygon')[0], 'fill');
    expect(fill('up')).not.toBe(fill('down'));
    expect(textContent(m)).toEqual(expect.arrayContaining(['+ raises risk', '− lowers risk']));
  });

  it('marks the decision threshold at logit(threshold) with a dashed line labelled with the probability', () => {
    const threshold = element(markup, 'class', 'threshold');
    const line = tags(threshold, 'line')[0];
    expect(attr(line, 'stroke-dasharray')).toBeDefined();
    expect(toLogOdds(num(line, 'x1'))).toBeCloseTo(logOddsOf(0.2892154), 9);
    expect(textContent(threshold)).toEqual(['threshold 28.9%']);
    const without = render(WaterfallChart, { ...heartFailure, threshold: undefined });
    expect(without).not.toContain('threshold 28.9%');
  });

  it('says "log-odds" on the axis and shows probabilities at their log-odds on a second axis, only inside the domain', () => {
    expect(textContent(markup)).toContain('Log-odds (contributions add up on this scale)');
    const probabilities = axisTicks(markup, 'probability', (label) => Number(label.replace('%', '')) / 100);
    expect(probabilities.map((t) => t.label)).toEqual(['25%', '50%', '75%', '90%', '95%']);
    for (const t of probabilities) expect(toLogOdds(t.x)).toBeCloseTo(logOddsOf(t.value), 9);
  });

  it('tells the whole explanation in its description, saying the scale is log-odds', () => {
    const desc = innerText(markup, 'desc');
    expect(desc).toContain('contributions are log-odds, not probabilities');
    expect(desc).toContain('Starts at the base value −0.76 (31.9%)');
    expect(desc).toContain(
      'Ejection fraction (20%) +1.73, raises risk; Serum creatinine (1.9 mg/dL) +1.58, raises risk; Age (75 years) +0.23, raises risk.',
    );
    expect(desc).toContain('Ends at +2.778 log-odds, probability 94.1%.');
    expect(desc).toContain('Decision threshold 28.9% (−0.90 log-odds): the output is at or above it.');
    expect(desc).not.toContain('Mismatch');
  });
});

describe('a waterfall with many features', () => {
  const contributions = Array.from({ length: 43 }, (_, i) => ({
    name: `f${i}`,
    label: `Feature ${i}`,
    value: i,
    unit: null,
    contribution: (i % 3 === 0 ? -1 : 1) * 0.5 * 0.8 ** i,
  }));
  const total = contributions.reduce((s, c) => s + c.contribution, 0);

  it('merges the smallest into one row "N other features" after maxSteps − 1 rows (12 by default)', () => {
    const m = render(WaterfallChart, { baseValue: -3.5, contributions, probability: probabilityOf(-3.5 + total) });
    expect(tags(m, 'g').filter((g) => attr(g, 'data-direction') !== undefined)).toHaveLength(12);
    expect(textContent(element(m, 'data-row', 'other-features'))[0]).toBe('32 other features combined');
    expect(logOddsAt(m)(num(tags(element(m, 'data-row', 'output'), 'circle')[0], 'cx'))).toBeCloseTo(-3.5 + total, 9);
  });

  it('honours maxSteps', () => {
    const m = render(WaterfallChart, {
      baseValue: -3.5,
      contributions,
      probability: probabilityOf(-3.5 + total),
      maxSteps: 5,
    });
    expect(textContent(m)).toContain('39 other features combined');
  });
});

describe('a record whose contributions do not add up to logit(p)', () => {
  const markup = render(WaterfallChart, { ...heartFailure, probability: 0.5 });

  it('still ends at base + Σ contributions', () => {
    const output = tags(element(markup, 'data-row', 'output'), 'circle')[0];
    expect(logOddsAt(markup)(num(output, 'cx'))).toBeCloseTo(-0.7571 + 1.7325 + 1.5763 + 0.226, 9);
  });

  it('says so in the description and visibly', () => {
    expect(innerText(markup, 'desc')).toContain(
      'Mismatch: base value plus contributions is +2.7777 log-odds, but the stated probability 50.0% is ±0.0000 log-odds; the chart shows the computed sum.',
    );
    expect(texts(markup).filter((t) => t.text.startsWith('Mismatch'))).toHaveLength(1);
  });
});

describe('a computed feature in the waterfall', () => {
  it('shows its value rounded like the contribution table, not the float32 the model saw; a code with its meaning', () => {
    const shock = Math.fround(118 / 92);
    const markup = render(WaterfallChart, {
      baseValue: -3.8,
      contributions: [
        { name: 'shock_index', label: 'Shock index', value: shock, unit: null, computed: true, contribution: 0.4 },
        { name: 'heart_rate', label: 'Heart rate', value: 118, unit: 'beats/min', contribution: 0.1 },
        { name: 'gender', label: 'Gender', value: 1, unit: null, codeLabel: 'male', contribution: 0.05 },
      ],
      probability: probabilityOf(-3.25),
    });
    const desc = innerText(markup, 'desc');
    expect(desc).toContain('Shock index (1.28) +0.40');
    expect(desc).toContain('Heart rate (118/min) +0.10');
    expect(desc).toContain('Gender (male) +0.05');
    expect(textContent(markup).join(' ')).not.toContain(String(shock).slice(0, 7));
  });
});
