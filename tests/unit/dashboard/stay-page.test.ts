/**
 * The stay page's view model from a hand-built stay: the hours (latest revision each), the chosen hour, the
 * observations behind an hour with carried-forward values marked, partial NEWS2 kept partial, alert markers, and the
 * chart series on the shared time axis.
 */
import { explanationView, parseHour, stayPageView, stayRefusal } from '@/dashboard/stay-page';
import type { AuditRecord } from '@/audit/audit-record';
import type { ModelCard } from '@/inference/model-card';
import { shippedVocabulary } from '../../support/monitor-vocabulary';
import { stayDetail } from '../../support/stay-detail';

const vocabulary = shippedVocabulary();
const view = (hour?: string) => stayPageView(stayDetail(), { vocabulary, sepsisThreshold: 0.05, hour });

describe('the stay page view model', () => {
  it('lists each assessed hour once, at its latest revision, and ends the time axis at the latest hour', () => {
    const v = view();
    expect(v.hours.map((h) => [h.hour, h.revision, h.revisions])).toEqual([
      [1, 1, 1],
      [2, 2, 2],
      [3, 1, 1],
    ]);
    expect(v.hours[1].sepsisProbability).toBe(0.03);
    expect(v.lastHour).toBe(3);
    expect(v.facts.map((f) => [f.name, f.value])).toEqual([
      ['Age', 64],
      ['Gender', 1],
    ]);
  });

  it('explains the latest assessed hour by default, the hour asked for when assessed, and says why otherwise', () => {
    expect(view().selectedHour).toBe(3);
    expect(view('2')).toMatchObject({ selectedHour: 2, hourProblem: null });
    expect(view('7')).toMatchObject({
      selectedHour: 3,
      hourProblem: 'hour: hour 7 of this stay has no assessment; showing the latest assessed hour',
    });
    expect(view('2.5')).toMatchObject({
      selectedHour: 3,
      hourProblem: expect.stringMatching(/^hour: must be a whole/),
    });
    expect(parseHour(['4', '5'])).toEqual({ hour: 4, problem: null });
    expect(parseHour('0').problem).toMatch(/^hour:/);
    expect(parseHour(undefined)).toEqual({ hour: null, problem: null });
  });

  it('shows the observations the hour read: the latest value of each code, carried-forward ones marked with their hour', () => {
    const rows = view('3').hourObservations.map((o) => [o.code, o.value, o.fromHour, o.carriedForward]);
    expect(rows).toEqual([
      ['HR', 112, 3, false],
      ['Temp', 38.2, 3, false],
      ['SBP', 120, 2, true],
      ['MAP', 85, 2, true],
      ['Resp', 16, 1, true],
      ['Lactate', 2.1, 1, true],
      ['Consciousness', 0, 2, true],
    ]);
    // A coded value is named by its label, as the vocabulary gives it.
    expect(view('3').hourObservations.find((o) => o.code === 'Consciousness')!.codeLabel).toBe('Alert');
    expect(view('3').hourObservations.find((o) => o.code === 'HR')!.codeLabel).toBeNull();
    expect(view().facts.find((f) => f.name === 'Gender')!.codeLabel).toBe('male');
  });

  it('reads an hour as its assessment did: corrections applied, nothing after its last observation', () => {
    const rows = view('2').hourObservations;
    // seq 7 amended HR 95 to 100; hour 2's revision 2 read up to seq 8, so hour 3's HR 112 is not there.
    expect(rows.find((o) => o.code === 'HR')).toMatchObject({ value: 100, fromHour: 2, carriedForward: false });
    expect(rows.map((o) => o.code)).not.toContain('Temp');
    expect(view('1').hourObservations.map((o) => o.code)).toEqual(['HR', 'Resp', 'Lactate']);
  });

  it('keeps a NEWS2 with missing inputs partial: no total, a lower bound, and the missing parts named', () => {
    const hour3 = view().hours[2].news2;
    expect(hour3.complete).toBe(false);
    expect(hour3.total).toBeNull();
    // HR 112 scores 2 and 38.2 °C scores 1; the rest was not measured within the hour.
    expect(hour3.partialTotal).toBe(3);
    expect(hour3.missing).toEqual(
      expect.arrayContaining(['respiration rate', 'SpO2', 'systolic blood pressure', 'consciousness level']),
    );
  });

  it('marks each alert at the hour that raised it, with its kind and state, on the risk line and in its hour', () => {
    const v = view();
    expect(v.risk.alerts.map((a) => [a.kind, a.hour, a.state])).toEqual([
      ['news2', 2, 'acknowledged'],
      ['sepsis', 3, 'open'],
    ]);
    expect(v.hours.map((h) => h.alertKinds)).toEqual([[], ['news2'], ['sepsis']]);
    expect(v.risk).toMatchObject({
      threshold: 0.05,
      points: [
        { hour: 1, probability: 0.01 },
        { hour: 2, probability: 0.03 },
        { hour: 3, probability: 0.08 },
      ],
    });
    // Newest first, with every move.
    expect(v.alerts.map((a) => a.kind)).toEqual(['sepsis', 'news2']);
    expect(v.alerts[1].events).toEqual([
      { from: null, to: 'open', actor: 'monitor', actorKey: null, note: null, at: '2026-03-01T10:00:00.000Z' },
      {
        from: 'open',
        to: 'acknowledged',
        actor: 'key-1',
        actorKey: null,
        note: 'seen, fluids given',
        at: '2026-03-01T10:10:00.000Z',
      },
    ]);
  });

  it('draws each charted code with data as a series in hours since admission, blood pressures together', () => {
    const panels = view().panels;
    expect(panels.map((p) => p.key)).toEqual(['HR', 'SBP MAP', 'Resp', 'Temp', 'Lactate']);
    const hr = panels[0].series[0];
    expect(hr).toMatchObject({ code: 'HR', unit: expect.any(String) });
    // The amended value replaces the one it corrects; times are hours from admission.
    expect(hr.points).toEqual([
      { at: 0.5, hour: 1, value: 80 },
      { at: 1.5, hour: 2, value: 100 },
      { at: 2.5, hour: 3, value: 112 },
    ]);
    expect(panels[1]).toMatchObject({ title: 'Blood pressure', series: [{ code: 'SBP' }, { code: 'MAP' }] });
    // NEWS2's categorical inputs are read in its table, not drawn.
    expect(panels.flatMap((p) => p.series.map((s) => s.code))).not.toContain('Consciousness');
  });

  it('states the explanation arithmetic from the record: base + Σ contributions against logit p', () => {
    const record = {
      id: 'p3-1',
      modelId: 'sepsis',
      modelVersion: '2.0.0',
      probability: 0.25,
      positive: true,
      riskBand: 'high',
      baseValue: -2,
      contributions: [
        { name: 'HR', value: 112, contribution: 0.5 },
        { name: 'Temp', value: 38.2, contribution: Math.log(1 / 3) + 1.5 },
      ],
      createdAt: new Date(),
    } as unknown as AuditRecord;
    const card = {
      version: '2.0.0',
      threshold: { value: 0.05 },
      dataset: { positives: 5, rows: 100, preprocessing: ['one row per patient-hour'] },
      features: [],
      derivedFeatures: [],
    } as unknown as ModelCard;
    const e = explanationView(record, card);
    expect(e.base).toBe(-2);
    expect(e.output).toBeCloseTo(Math.log(1 / 3), 12);
    expect(e.logitProbability).toBeCloseTo(Math.log(0.25 / 0.75), 12);
    expect(e.prediction.threshold).toBe(0.05);
    // The record's page applies the viewer's record scope: a clinician is sent there only for a record it asked for.
    expect(e.recordHref).toBe('/predictions/p3-1');
    expect(explanationView(record, card, { keyId: 'k', name: 'n', role: 'clinician' }).recordHref).toBeNull();
    expect(explanationView(record, card, { keyId: 'k', name: 'n', role: 'auditor' }).recordHref).toBe(
      '/predictions/p3-1',
    );
  });

  it('lets every shipped role read stays (a role without read-stays would get the refusal other pages give)', () => {
    for (const role of ['clinician', 'auditor', 'admin'] as const)
      expect(stayRefusal({ keyId: 'k', name: 'n', role })).toBeNull();
  });
});
