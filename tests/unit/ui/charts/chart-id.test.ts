import { chartId } from '@/ui/charts/chart-id';

describe('chart element ids', () => {
  it('are the same for the same content, so a chart renders identically every time', () => {
    expect(chartId('roc', 'GBDT 0.796')).toBe(chartId('roc', 'GBDT 0.796'));
  });

  it('differ for different content or kind, so two charts on one page do not share ids', () => {
    expect(chartId('roc', 'GBDT 0.796')).not.toBe(chartId('roc', 'GBDT 0.797'));
    expect(chartId('roc', 'x')).not.toBe(chartId('calibration', 'x'));
  });

  it('are valid HTML ids', () => {
    expect(chartId('waterfall', 'Why: “this” — 28.9%')).toMatch(/^chart-waterfall-[0-9a-z]+$/);
  });
});
