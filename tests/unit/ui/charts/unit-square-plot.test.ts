/**
 * The unit square under the ROC curve and the calibration plot: [0,1] on both axes, y upwards, values held inside it.
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { unitSquare, UnitSquarePlot, unitSquarePath } from '@/ui/charts/unit-square-plot';

describe('the unit square', () => {
  const square = unitSquare();

  it('maps 0 and 1 to its edges, with y growing upwards', () => {
    expect([square.x(0), square.x(1)]).toEqual([square.x0, square.x1]);
    expect([square.y(0), square.y(1)]).toEqual([square.yBottom, square.yTop]);
    expect(square.x1 - square.x0).toBe(square.yBottom - square.yTop);
    expect(square.ticks.map((t) => t.value)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
  });

  it('draws a path through its points, holding values past 0 or 1 at the edge', () => {
    expect(
      unitSquarePath(square, [
        [0, 0],
        [0.5, 0.5],
        [1.2, -0.1],
      ]),
    ).toBe(
      `M${square.x0.toFixed(2)},${square.yBottom.toFixed(2)}L${square.x(0.5).toFixed(2)},${square.y(0.5).toFixed(2)}L${square.x1.toFixed(2)},${square.yBottom.toFixed(2)}`,
    );
  });

  it('draws the series between the diagonal and the axes, and names both axes', () => {
    const svg = renderToStaticMarkup(
      createElement(
        'svg',
        null,
        createElement(UnitSquarePlot, {
          square,
          xAxis: { name: 'fpr', label: 'X' },
          yAxis: { name: 'tpr', label: 'Y' },
          children: createElement('path', { id: 'series' }),
        }),
      ),
    );
    const diagonal = svg.indexOf(
      `<line x1="${square.x0}" y1="${square.yBottom}" x2="${square.x1}" y2="${square.yTop}"`,
    );
    expect(diagonal).toBeGreaterThan(0);
    expect(svg.indexOf('id="series"')).toBeGreaterThan(diagonal);
    expect(svg.indexOf('data-axis="fpr"')).toBeGreaterThan(svg.indexOf('id="series"'));
    expect(svg).toContain('data-axis="tpr"');
  });
});
