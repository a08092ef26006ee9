/**
 * Sepsis risk hour by hour on the stay's time axis: each assessed hour's probability at the hour's end (the course the
 * model read ends there), the model's decision threshold, and a marker where each alert was raised.
 */
import type { StayPageView } from '@/dashboard/stay-page';
import { HorizontalGrid, LeftAxis } from '../charts/axis';
import { ChartFrame } from '../charts/chart-frame';
import { chartId } from '../charts/chart-id';
import { colours, font, seriesStyle } from '../charts/chart-theme';
import { SeriesMarker } from '../charts/legend';
import { labelledTicks, linearScale, niceExtent, probabilityLabel } from '../charts/scale';
import { percent } from '../format';
import { PLOT_LEFT, STAY_CHART_WIDTH, TimeAxisLayer, type TimeAxis } from './time-axis';

const ALERT_ROW_Y = 50;
const PLOT_TOP = 66;
const PLOT_BOTTOM = 196;
const HEIGHT = 242;
const THRESHOLD_DASH = '6 4';

/** Each kind of alert has its own letter, so the markers do not rely on colour. */
export const ALERT_LETTER: Record<string, string> = { sepsis: 'S', news2: 'N', qsofa: 'Q' };

export function describeRisk(risk: StayPageView['risk']): string {
  const parts = ['Sepsis risk (probability of onset within 6 hours) at the end of each assessed hour.'];
  if (risk.points.length === 0) parts.push('No hour has a sepsis risk yet.');
  else {
    const last = risk.points[risk.points.length - 1];
    const peak = risk.points.reduce((a, b) => (b.probability > a.probability ? b : a));
    parts.push(
      `${risk.points.length} hours; latest ${percent(last.probability)} at hour ${last.hour}; highest ${percent(peak.probability)} at hour ${peak.hour}.`,
    );
  }
  if (risk.threshold !== null) {
    const above = risk.points.filter((p) => p.probability >= risk.threshold!).map((p) => p.hour);
    parts.push(
      `Decision threshold ${percent(risk.threshold)}: ${above.length === 0 ? 'no hour reaches it' : `at or above it in hour${above.length === 1 ? '' : 's'} ${above.join(', ')}`}.`,
    );
  }
  parts.push(
    risk.alerts.length === 0
      ? 'No alerts.'
      : `Alerts raised: ${risk.alerts.map((a) => `${a.kind} at hour ${a.hour} (${a.state})`).join('; ')}.`,
  );
  return parts.join(' ');
}

export function RiskChart({
  risk,
  axis,
  selectedHour,
}: {
  risk: StayPageView['risk'];
  axis: TimeAxis;
  selectedHour: number | null;
}) {
  const top = Math.max(...risk.points.map((p) => p.probability), risk.threshold ?? 0, 0.01);
  const [, hi] = niceExtent(0, top * 1.1, 4);
  const y = linearScale([0, hi], [PLOT_BOTTOM, PLOT_TOP]);
  const ticks = labelledTicks(0, hi, 4).map((t) => ({ ...t, label: probabilityLabel(t.value) }));
  const style = seriesStyle(0);
  const desc = describeRisk(risk);
  return (
    <ChartFrame
      id={chartId('stay-risk', `${desc}|${axis.lastHour}|${selectedHour}`)}
      width={STAY_CHART_WIDTH}
      height={HEIGHT}
      title="Sepsis risk (probability)"
      desc={desc}
    >
      <TimeAxisLayer axis={axis} top={ALERT_ROW_Y - 12} bottom={PLOT_BOTTOM} selectedHour={selectedHour} />
      <HorizontalGrid scale={y} ticks={ticks} x0={PLOT_LEFT} x1={axis.x(axis.lastHour)} />
      <LeftAxis scale={y} ticks={ticks} x={PLOT_LEFT} y0={PLOT_TOP} y1={PLOT_BOTTOM} name="probability" />
      <text x={PLOT_LEFT - 8} y={ALERT_ROW_Y + 4} textAnchor="end" fontSize={font.small} fill={colours.muted}>
        alerts
      </text>
      {risk.threshold !== null ? (
        <g className="threshold">
          <line
            x1={PLOT_LEFT}
            x2={axis.x(axis.lastHour)}
            y1={y(risk.threshold)}
            y2={y(risk.threshold)}
            stroke={colours.ink}
            strokeWidth={1.5}
            strokeDasharray={THRESHOLD_DASH}
          />
          <text
            x={axis.x(axis.lastHour) - 4}
            y={y(risk.threshold) - 5}
            textAnchor="end"
            fontSize={font.small}
            fontWeight={600}
            stroke={colours.background}
            strokeWidth={4}
            paintOrder="stroke"
          >
            threshold {percent(risk.threshold)}
          </text>
        </g>
      ) : null}
      <g className="series" data-code="sepsis">
        <polyline
          points={risk.points.map((p) => `${axis.x(p.hour).toFixed(1)},${y(p.probability).toFixed(1)}`).join(' ')}
          fill="none"
          stroke={style.colour}
          strokeWidth={2}
        />
        {risk.points.map((p) => (
          <SeriesMarker
            key={p.hour}
            shape="circle"
            x={axis.x(p.hour)}
            y={y(p.probability)}
            r={3}
            colour={risk.threshold !== null && p.probability >= risk.threshold ? colours.warning : style.colour}
          />
        ))}
      </g>
      <g className="alert-markers" fontSize={font.small} fontWeight={700}>
        {risk.alerts.map((a, i) => {
          // Alerts raised in the same hour stack sideways instead of hiding one another.
          const same = risk.alerts.slice(0, i).filter((b) => b.hour === a.hour).length;
          const cx = axis.x(a.hour) + same * 13;
          return (
            <g key={a.alertId} className="alert-marker" data-kind={a.kind} data-hour={a.hour} data-state={a.state}>
              <line
                x1={axis.x(a.hour)}
                x2={axis.x(a.hour)}
                y1={ALERT_ROW_Y + 7}
                y2={PLOT_BOTTOM}
                stroke={colours.warning}
                strokeWidth={1}
                strokeDasharray="2 3"
              />
              <circle
                cx={cx}
                cy={ALERT_ROW_Y}
                r={7}
                fill={a.state === 'open' ? colours.warning : colours.background}
                stroke={colours.warning}
                strokeWidth={1.5}
              />
              <text
                x={cx}
                y={ALERT_ROW_Y + 4}
                textAnchor="middle"
                fill={a.state === 'open' ? colours.background : colours.warning}
              >
                {ALERT_LETTER[a.kind] ?? '!'}
              </text>
            </g>
          );
        })}
      </g>
    </ChartFrame>
  );
}
