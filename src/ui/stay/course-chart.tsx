/** One small multiple of a stay's course: a vital or lab (or a few drawn together) over the shared time axis. */
import type { CoursePanel } from '@/dashboard/stay-page';
import { LeftAxis, HorizontalGrid } from '../charts/axis';
import { ChartFrame } from '../charts/chart-frame';
import { chartId } from '../charts/chart-id';
import { colours, font, seriesStyle } from '../charts/chart-theme';
import { SeriesMarker } from '../charts/legend';
import { labelledTicks, linearScale, niceExtent } from '../charts/scale';
import { featureValue } from '../format';
import { PLOT_LEFT, STAY_CHART_WIDTH, TimeAxisLayer, type TimeAxis } from './time-axis';

const PLOT_TOP = 36;
const PLOT_BOTTOM = 126;
const HEIGHT = 172;
/** Markers are drawn while they stay apart; a long stay's dense series is a line alone. */
const MAX_MARKERS = 120;
const LEGEND_LEFT = 300;
const LEGEND_STEP = 90;

/** "1.5 h" — an instant on the axis, in words. */
export function hoursText(at: number): string {
  return `${Number(at.toFixed(2))} h`;
}

/** The panel's data in words: what a screen reader announces for the drawing. */
export function describePanel(panel: CoursePanel): string {
  const parts = panel.series.map((s) => {
    const values = s.points.map((p) => p.value);
    const last = s.points[s.points.length - 1];
    return `${s.label}: ${s.points.length} value${s.points.length === 1 ? '' : 's'} from ${featureValue(Math.min(...values), s.unit)} to ${featureValue(Math.max(...values), s.unit)}; latest ${featureValue(last.value, s.unit)} at ${hoursText(last.at)} (hour ${last.hour})`;
  });
  return `${panel.title} over hours since admission. ${parts.join('. ')}.`;
}

export function CourseChart({
  panel,
  axis,
  selectedHour,
}: {
  panel: CoursePanel;
  axis: TimeAxis;
  selectedHour: number | null;
}) {
  const values = panel.series.flatMap((s) => s.points.map((p) => p.value));
  const [lo, hi] = niceExtent(Math.min(...values), Math.max(...values), 4);
  const [y0, y1] = lo === hi ? [lo - 1, hi + 1] : [lo, hi];
  const y = linearScale([y0, y1], [PLOT_BOTTOM, PLOT_TOP]);
  const yTicks = labelledTicks(y0, y1, 4);
  const title = panel.unit ? `${panel.title} (${panel.unit})` : panel.title;
  const desc = describePanel(panel);
  return (
    <ChartFrame
      id={chartId('stay-course', `${panel.key}|${desc}|${axis.lastHour}|${selectedHour}`)}
      width={STAY_CHART_WIDTH}
      height={HEIGHT}
      title={title}
      desc={desc}
    >
      <TimeAxisLayer axis={axis} top={PLOT_TOP} bottom={PLOT_BOTTOM} selectedHour={selectedHour} />
      <HorizontalGrid scale={y} ticks={yTicks} x0={PLOT_LEFT} x1={axis.x(axis.lastHour)} />
      <LeftAxis scale={y} ticks={yTicks} x={PLOT_LEFT} y0={PLOT_TOP} y1={PLOT_BOTTOM} name="value" />
      {panel.series.map((s, i) => {
        const style = seriesStyle(i);
        return (
          <g key={s.code} className="series" data-code={s.code}>
            <polyline
              points={s.points.map((p) => `${axis.x(p.at).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ')}
              fill="none"
              stroke={style.colour}
              strokeWidth={2}
              strokeDasharray={style.dash}
            />
            {s.points.length <= MAX_MARKERS
              ? s.points.map((p, k) => (
                  <SeriesMarker
                    key={k}
                    shape={style.marker}
                    x={axis.x(p.at)}
                    y={y(p.value)}
                    r={3}
                    colour={style.colour}
                  />
                ))
              : null}
          </g>
        );
      })}
      {panel.series.length > 1 ? (
        // One row beside the title: the panels keep one height, so their time axes stay aligned on the page.
        <g className="legend" fontSize={font.label}>
          {panel.series.map((s, i) => {
            const style = seriesStyle(i);
            const x = LEGEND_LEFT + i * LEGEND_STEP;
            return (
              <g key={s.code}>
                <line
                  x1={x}
                  x2={x + 26}
                  y1={16}
                  y2={16}
                  stroke={style.colour}
                  strokeWidth={2}
                  strokeDasharray={style.dash}
                />
                <SeriesMarker shape={style.marker} x={x + 13} y={16} r={3.5} colour={style.colour} />
                <text x={x + 32} y={20} fill={colours.ink}>
                  {s.code}
                </text>
              </g>
            );
          })}
        </g>
      ) : null}
    </ChartFrame>
  );
}
