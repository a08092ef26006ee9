/**
 * The stay's course as the server renders it: one named SVG per panel, all on the same time axis (a tick of hour 2 and
 * the chosen hour's band at the same x in every chart), the risk line with its threshold and an alert marker at the
 * hour each alert was raised.
 */
import { stayPageView } from '@/dashboard/stay-page';
import { StayCourse } from '@/ui/stay/stay-course';
import { PLOT_LEFT, PLOT_RIGHT } from '@/ui/stay/time-axis';
import { shippedVocabulary } from '../../../support/monitor-vocabulary';
import { stayDetail } from '../../../support/stay-detail';
import { attr, axisTicks, element, innerText, num, render, tags } from '../charts/svg-markup';

const view = stayPageView(stayDetail(), { vocabulary: shippedVocabulary(), sepsisThreshold: 0.05, hour: '2' });
const markup = render(StayCourse, { view });
const svgs = markup.match(/<svg[\s\S]*?<\/svg>/g) ?? [];

describe('the course charts', () => {
  it('renders the risk chart and one chart per panel with data, each named by its title and described in words', () => {
    expect(svgs).toHaveLength(1 + view.panels.length);
    for (const svg of svgs) {
      const [open] = tags(svg, 'svg');
      expect(attr(open, 'role')).toBe('img');
      const titleId = attr(open, 'aria-labelledby')!;
      expect(svg).toContain(`id="${titleId}"`);
      expect(innerText(svg, 'desc').length).toBeGreaterThan(20);
    }
    expect(innerText(svgs[0]!, 'title')).toBe('Sepsis risk (probability)');
    expect(svgs.slice(1).map((s) => innerText(s, 'title'))).toEqual([
      'Heart rate (beats/min)',
      'Blood pressure (mm Hg)',
      'Respiration rate (breaths/min)',
      'Temperature (°C)',
      'Lactate (mmol/L)',
    ]);
    expect(innerText(svgs[1]!, 'desc')).toContain('latest 112/min at 2.5 h (hour 3)');
  });

  it('puts every chart on one time axis: the same hours at the same x, and the chosen hour shaded alike', () => {
    const ticksOf = (svg: string) => axisTicks(svg, 'hours', Number).map((t) => [t.value, t.x]);
    const first = ticksOf(svgs[0]!);
    // Whole hours only, even on a 3-hour axis.
    expect(first.map(([v]) => v)).toEqual([0, 1, 2, 3]);
    expect(first.find(([v]) => v === 0)![1]).toBe(PLOT_LEFT);
    expect(first.find(([v]) => v === 3)![1]).toBe(PLOT_RIGHT);
    for (const svg of svgs) {
      expect(ticksOf(svg)).toEqual(first);
      const [band] = tags(svg, 'rect').filter((r) => attr(r, 'class') === 'selected-hour');
      expect(attr(band, 'data-hour')).toBe('2');
      expect(num(band, 'x')).toBeCloseTo(PLOT_LEFT + (PLOT_RIGHT - PLOT_LEFT) / 3, 6);
    }
  });

  it("draws the threshold and a marker at each alert's hour, filled while open", () => {
    const risk = svgs[0]!;
    expect(element(risk, 'class', 'threshold')).toContain('threshold 5.00%');
    const markers = tags(risk, 'g').filter((g) => attr(g, 'class') === 'alert-marker');
    expect(markers.map((m) => [attr(m, 'data-kind'), attr(m, 'data-hour'), attr(m, 'data-state')])).toEqual([
      ['news2', '2', 'acknowledged'],
      ['sepsis', '3', 'open'],
    ]);
    const sepsis = element(risk, 'data-kind', 'sepsis');
    const [circle] = tags(sepsis, 'circle');
    expect(num(circle, 'cx')).toBe(PLOT_RIGHT);
    expect(innerText(risk, 'desc')).toContain(
      'Alerts raised: news2 at hour 2 (acknowledged); sepsis at hour 3 (open).',
    );
    expect(innerText(risk, 'desc')).toContain('at or above it in hour 3');
  });

  it('says so when a stay has no data yet instead of drawing empty charts', () => {
    const empty = stayPageView(
      { ...stayDetail(), observations: [], assessments: [], alerts: [] },
      {
        vocabulary: shippedVocabulary(),
        sepsisThreshold: 0.05,
      },
    );
    const html = render(StayCourse, { view: empty });
    expect(html).toContain('No vitals or labs recorded yet.');
    expect(innerText(html, 'desc')).toContain('No hour has a sepsis risk yet.');
  });
});
