/** The ward board as the server renders it: rows in urgency order, every cell in words, the sparkline's geometry. */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { wardBoard } from '@/dashboard/ward';
import { news2 } from '@/monitoring/news2';
import { qsofa } from '@/monitoring/qsofa';
import type { WardSnapshot, WardStay } from '@/monitoring/ward-snapshot';
import { describeSparkline, sparklineGeometry } from '@/ui/ward/risk-sparkline';
import { LiveStatus } from '@/ui/ward/ward-live';
import { WardTable } from '@/ui/ward/ward-table';
import { attr, tags } from '../charts/svg-markup';

const ADMITTED = new Date('2026-03-01T08:00:00Z');
const READ_AT = new Date('2026-03-01T12:00:00Z');
const NORMAL = new Map(
  Object.entries({ Resp: 16, O2Sat: 97, SupplementalO2: 0, SBP: 120, HR: 70, Consciousness: 0, Temp: 37 }),
);

function stay(stayRef: string, over: Partial<WardStay> = {}): WardStay {
  return {
    id: stayRef,
    stayRef,
    patientRef: `patient ${stayRef}`,
    unit: 'icu-a',
    admittedAt: ADMITTED,
    latest: [],
    risk: [],
    scores: null,
    icuMortality: null,
    alerts: [],
    ...over,
  };
}

function render(stays: WardStay[], unit: string | null = null): string {
  const snapshot: WardSnapshot = { readAt: READ_AT, units: ['icu-a'], stays };
  return renderToStaticMarkup(
    createElement(WardTable, { board: wardBoard(snapshot, { unit, sepsisThreshold: 0.02 }) }),
  );
}

describe('the ward table', () => {
  const stays = [
    stay('calm', {
      latest: [{ name: 'HR', value: 72, time: new Date('2026-03-01T11:46:00Z') }],
      risk: [1, 2].map((hour) => ({
        hour,
        revision: 1,
        sepsisProbability: hour / 100,
        sepsisPositive: hour / 100 >= 0.02,
      })),
      scores: { hour: 2, news2: news2(NORMAL), qsofa: qsofa(NORMAL) },
    }),
    stay('alerted', {
      alerts: [
        {
          id: 'a1',
          kind: 'news2',
          state: 'open',
          hour: 2,
          reason: 'NEWS2 7 ≥ 5',
          raisedAt: ADMITTED,
          acknowledgedAt: null,
          acknowledgedBy: null,
        },
      ],
      icuMortality: { hour: 48, probability: 0.125 },
    }),
  ];
  const markup = render(stays);

  it('renders one row per stay, most urgent first, each linking to its stay page', () => {
    const rows = markup.match(/<tr data-stay-ref="[^"]+"/g);
    expect(rows).toEqual(['<tr data-stay-ref="alerted"', '<tr data-stay-ref="calm"']);
    expect(markup).toContain('<a href="/stays/calm">patient calm</a>');
    expect(markup).toContain('2 active stays, most urgent first');
  });

  it('says each cell in words: vitals with their age, NEWS2 band, risk against the threshold, alerts', () => {
    expect(markup).toContain('<li>HR 72 /min, 14 min ago</li>');
    expect(markup).toContain('<strong>0</strong> low');
    expect(markup).toContain('2.00% ≥ 2.00%');
    expect(markup).toContain('Alert: NEWS2');
    expect(markup).toContain('title="NEWS2 7 ≥ 5"');
    expect(markup).toContain('12.5%');
    expect(markup).toContain('after 48 h');
    expect(markup).toContain('not assessed');
    expect(markup).toContain('no vitals yet');
  });

  it('draws the sparkline with an accessible name that says what it shows', () => {
    const svg = tags(markup, 'svg').find((t) => attr(t, 'class') === 'sparkline');
    expect(attr(svg!, 'aria-label')).toBe(
      'Sepsis risk from 1.00% at hour 1 to 2.00% at hour 2; threshold 2.00%; 1 of 2 hours at or above it',
    );
  });

  it('names what a partial score is missing in text, and the hour of a risk older than the latest hour', () => {
    const partialHour = new Map(Object.entries({ Resp: 26, SBP: 120, HR: 70, Temp: 37 }));
    const markup = render([
      stay('past-span', {
        risk: [
          { hour: 336, revision: 1, sepsisProbability: 0.01, sepsisPositive: false },
          { hour: 337, revision: 1, sepsisProbability: null, sepsisPositive: null },
        ],
        scores: { hour: 337, news2: news2(partialHour), qsofa: qsofa(partialHour) },
      }),
    ]);
    expect(markup).toMatch(/<span class="visually-hidden">; NEWS2 partial, at least 3; missing [^<]*consciousness/);
    expect(markup).toMatch(/≥ 1 partial<span class="visually-hidden">; qSOFA partial, at least 1 of 3; missing/);
    expect(markup).toContain('1.00% &lt; 2.00% (hour 336)');
  });

  it('says when there are no active stays', () => {
    expect(render([], 'icu-b')).toContain('No active stays on icu-b.');
  });
});

describe('the sparkline geometry', () => {
  it('places hours across the last 24 and risk from 0 to 15% above the highest of risk and threshold', () => {
    const points = [
      { hour: 1, probability: 0.01 },
      { hour: 2, probability: 0.02 },
    ];
    // x: hours −21…2 onto 3…117 (114/23 px an hour: hour 1 at 3 + 22·114/23 = 112.04); y: 0…0.023 onto 29…3.
    const geometry = sparklineGeometry({ points, threshold: 0.02, spanHours: 24 });
    expect(geometry.line).toBe('112.0,17.7 117.0,6.4');
    // 29 − (0.02 / 0.023) · 26 = 6.391…, to a tenth of a pixel.
    expect(geometry.thresholdY).toBe(6.4);
    expect(geometry.last).toEqual({ x: 117, y: 6.4 });
    expect(describeSparkline({ points: [], threshold: 0.02, spanHours: 24 })).toBe('Sepsis risk: not scored yet');
  });
});

describe('the live status', () => {
  it('says, as rendered without JavaScript, that the board does not update and how to get newer data', () => {
    const status = renderToStaticMarkup(createElement(LiveStatus, { state: 'static', failures: 0 }));
    expect(status).toContain('role="status"');
    expect(status).toContain('Not updating live (live updates need JavaScript): reload the page for newer data.');
  });

  it('says a lost connection is being retried, and that the rows are as of the time shown', () => {
    const status = renderToStaticMarkup(createElement(LiveStatus, { state: 'lost', failures: 3 }));
    expect(status).toContain('class="ward-live ward-live-lost"');
    expect(status).toContain('Live updates lost; retrying (attempt 3). The rows below are as of the time shown.');
  });
});
