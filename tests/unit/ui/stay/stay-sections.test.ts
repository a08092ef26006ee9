/**
 * The stay page's other sections as the server renders them: the hours table (partial NEWS2 shown as partial, naming
 * what is missing; hour links that work without JavaScript), an hour's explanation (the arithmetic, carried-forward
 * values marked), ICU mortality before 48 h, and the alerts with forms only for roles that may move them.
 */
import { explanationView, stayPageView } from '@/dashboard/stay-page';
import type { AuditRecord } from '@/audit/audit-record';
import type { ModelCard } from '@/inference/model-card';
import { HourExplanation } from '@/ui/stay/hour-explanation';
import { HoursTable } from '@/ui/stay/hours-table';
import { IcuMortality } from '@/ui/stay/icu-mortality';
import { StayAlerts } from '@/ui/stay/stay-alerts';
import { EMPTY_ALERT_FORM_STATE } from '@/dashboard/stay-alert-action';
import { shippedVocabulary } from '../../../support/monitor-vocabulary';
import { stayDetail } from '../../../support/stay-detail';
import { attr, render, tags } from '../charts/svg-markup';

const view = stayPageView(stayDetail(), { vocabulary: shippedVocabulary(), sepsisThreshold: 0.05, hour: '3' });

/** The text of a table row (tags dropped, entities decoded, spaces collapsed). */
function rowText(markup: string, hour: number): string {
  const row = markup.match(new RegExp(`<tr[^>]*data-hour="${hour}"[^>]*>[\\s\\S]*?</tr>`))![0];
  return row
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

describe('the hours table of a long stay', () => {
  // 60 hours, each a copy of hour 1 renumbered.
  const long = Array.from({ length: 60 }, (_, i) => ({ ...view.hours[0], hour: i + 1 }));

  it('lists the latest 48 hours and the chosen one, and links to all of them', () => {
    const markup = render(HoursTable, { hours: long, selectedHour: 5, allHref: '?hour=5&hours=all#hours-heading' });
    const listed = tags(markup, 'tr')
      .map((t) => attr(t, 'data-hour'))
      .filter(Boolean);
    expect(listed).toEqual([...Array.from({ length: 48 }, (_, i) => String(60 - i)), '5']);
    expect(markup).toContain('Listing the latest 48 of 60 assessed hours.');
    expect(markup).toContain('<a href="?hour=5&amp;hours=all#hours-heading">List all 60 hours</a>');
  });

  it('lists every hour when asked', () => {
    const markup = render(HoursTable, { hours: long, selectedHour: 5, all: true });
    expect(tags(markup, 'tr').filter((t) => attr(t, 'data-hour'))).toHaveLength(60);
    expect(markup).not.toContain('Listing the latest');
  });
});

describe('the hours table', () => {
  const markup = render(HoursTable, { hours: view.hours, selectedHour: 3 });

  it('shows an incomplete NEWS2 as a lower bound naming what is missing, never as a total', () => {
    const hour3 = rowText(markup, 3);
    expect(hour3).toContain('at least 3 (partial: missing respiration rate, SpO2');
    expect(hour3).toContain('consciousness level');
    // Unscored components are said to be unscored, not given 0.
    expect(hour3).toContain('not scored: not measured within the hour');
    expect(hour3).toMatch(/^Hour 3 – not scored/);
  });

  it('links each hour to its explanation with ?hour=N, marks the chosen one, and heads every column', () => {
    const links = tags(markup, 'a');
    expect(links.map((a) => attr(a, 'href'))).toEqual([
      '?hour=3#explanation',
      '?hour=2#explanation',
      '?hour=1#explanation',
    ]);
    expect(links.filter((a) => attr(a, 'aria-current') === 'true').map((a) => attr(a, 'href'))).toEqual([
      '?hour=3#explanation',
    ]);
    const headings = tags(markup, 'th').filter((t) => attr(t, 'scope') === 'col');
    expect(headings).toHaveLength(12);
    expect(rowText(markup, 2)).toContain('(revision 2)');
    expect(rowText(markup, 3)).toContain('8.00% ▲');
  });
});

describe("an hour's explanation", () => {
  const record = {
    id: 'p3-1',
    modelId: 'sepsis',
    modelVersion: '2.0.0',
    probability: 0.08,
    positive: true,
    riskBand: 'high',
    baseValue: -3,
    contributions: [
      { name: 'HR', value: 112, contribution: Math.log(0.08 / 0.92) + 3 - 0.25 },
      { name: 'Temp', value: 38.2, contribution: 0.25 },
    ],
    createdAt: new Date(),
  } as unknown as AuditRecord;
  const card = {
    version: '2.0.0',
    threshold: { value: 0.05 },
    dataset: { positives: 5, rows: 100, preprocessing: ['one row per patient-hour'] },
    features: [
      { name: 'HR', label: 'Heart rate', unit: 'beats/min' },
      { name: 'Temp', label: 'Temperature', unit: '°C' },
    ],
    derivedFeatures: [],
  } as unknown as ModelCard;
  const markup = render(HourExplanation, {
    hours: view.hours,
    selectedHour: 3,
    hourProblem: null,
    explanation: explanationView(record, card),
    observations: view.hourObservations,
  });

  it('states that base + Σ contributions = logit p, in log-odds, and draws the waterfall', () => {
    expect(markup).toContain(
      'They add up: base −3.000 + Σ contributions +0.558 = −2.442 log-odds = logit(8.00%), the probability stated (−2.442).',
    );
    expect(markup).toContain('data-agrees="true"');
    expect(markup).toContain('Sepsis risk, hour 3: contributions in log-odds');
    expect(markup).toContain('href="/predictions/p3-1"');
  });

  it('marks each carried-forward value with the hour it comes from', () => {
    const carried = [...markup.matchAll(/<tr class="carried" data-code="([^"]+)">[\s\S]*?<\/tr>/g)];
    expect(carried.map((m) => m[1])).toEqual(['SBP', 'MAP', 'Resp', 'Lactate', 'Consciousness']);
    expect(carried[2][0]).toContain('carried forward from hour 1');
    expect(markup).toMatch(/data-code="HR">[\s\S]*?measured in hour 3/);
  });

  it('links to the hours either side without JavaScript, and says why an hour asked for is not shown', () => {
    const other = render(HourExplanation, {
      hours: view.hours,
      selectedHour: 2,
      hourProblem: 'hour: hour 9 of this stay has no assessment; showing the latest assessed hour',
      explanation: null,
      observations: [],
    });
    expect(tags(other, 'a').map((a) => attr(a, 'href'))).toEqual(['?hour=1#explanation', '?hour=3#explanation']);
    expect(other).toContain('role="alert">hour: hour 9 of this stay has no assessment');
  });
});

describe('ICU mortality', () => {
  it('says "not yet (needs 48 h)" before 48 hours', () => {
    const markup = render(IcuMortality, { icu: { state: 'not-yet', hoursSoFar: 3, needs: 48 } });
    expect(markup).toContain('Not yet (needs 48 h)');
    expect(markup).toContain('this one has 3 assessed');
  });
});

describe('the alerts', () => {
  const action = async () => EMPTY_ALERT_FORM_STATE;

  it('lists each alert with its state, reason, hour and moves (who, when, note)', () => {
    const markup = render(StayAlerts, { alerts: view.alerts, manage: { acknowledge: action, resolve: action } });
    expect(markup).toContain('NEWS2 alert, hour 2: <span class="alert-state">acknowledged</span>');
    expect(markup).toContain('open → acknowledged by key-1');
    expect(markup).toContain('seen, fluids given');
    expect(markup).toContain('2026-03-01 10:10:00 UTC');
  });

  it('offers acknowledge (open only) and resolve to a role that may, each with a required, labelled note', () => {
    const markup = render(StayAlerts, { alerts: view.alerts, manage: { acknowledge: action, resolve: action } });
    const forms = tags(markup, 'form').map((f) => attr(f, 'aria-label'));
    // The open sepsis alert: acknowledge and resolve; the acknowledged NEWS2 alert: resolve only.
    expect(forms).toEqual(['Acknowledge the alert', 'Resolve the alert', 'Resolve the alert']);
    const notes = tags(markup, 'textarea');
    expect(notes.every((t) => attr(t, 'name') === 'note' && attr(t, 'required') !== undefined)).toBe(true);
    expect(notes.map((t) => markup.match(new RegExp(`<label for="${attr(t, 'id')}">([^<]*)</label>`))?.[1])).toEqual([
      'Note for acknowledging (required)',
      'Note for resolving (required)',
      'Note for resolving (required)',
    ]);
  });

  it('shows no form to a role that may not, and says who may', () => {
    const markup = render(StayAlerts, {
      alerts: view.alerts,
      manage: { refusal: 'You are signed in as Audit, and the auditor role may not acknowledge or resolve alerts' },
    });
    expect(tags(markup, 'form')).toEqual([]);
    expect(markup).toContain('the auditor role may not acknowledge or resolve alerts.');
  });
});
