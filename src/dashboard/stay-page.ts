/**
 * The stay page's view model: a stay's course as chart series on one time axis (hours since admission), each assessed
 * hour's risk, NEWS2 and qSOFA, the observations behind a chosen hour (carried-forward values marked), its explanation,
 * ICU-mortality risk once 48 h exist, and the alerts with their moves. `stayPageView` is pure; `loadStayPage` reads the
 * services. Past 400 lines because about half is the view model's types, the contract the page's components read.
 */
import { AccessDeniedError, can, type Principal } from '@/access/roles';
import type { AuditRecord } from '@/audit/audit-record';
import type { ModelCard } from '@/inference/model-card';
import type { ModelRegistry } from '@/inference/model-registry';
import { MONITOR_ACTOR } from '@/monitoring/alerts';
import type { News2Result } from '@/monitoring/news2';
import type { QsofaResult } from '@/monitoring/qsofa';
import { hourOf, observationsInForce } from '@/monitoring/stay-course';
import type { StayDetail, StayViews } from '@/monitoring/stay-views';
import type { MonitorVocabulary } from '@/monitoring/vocabulary';
import { predictionView, type PredictionView } from './prediction-view';

/** Assessments of icu-mortality start here (src/monitoring/assessment.ts): before it the page says "not yet". */
export const ICU_MORTALITY_HOURS = 48;

/**
 * Codes drawn together in one panel, in the order clinicians read a chart: vitals, then the key labs. Any other code
 * with numeric data follows in the vocabulary's order, one panel each.
 */
const PANEL_GROUPS: readonly (readonly string[])[] = [
  ['HR'],
  ['SBP', 'MAP', 'DBP'],
  ['Resp'],
  ['Temp'],
  ['O2Sat'],
  ['FiO2'],
  ['Lactate'],
  ['WBC'],
  ['Creatinine'],
  ['Platelets'],
];

/** NEWS2's own categorical inputs are read in the NEWS2 table, not drawn as lines. */
const NOT_CHARTED = new Set(['Consciousness', 'SupplementalO2']);

const PANEL_TITLES: Record<string, string> = {
  'SBP MAP DBP': 'Blood pressure',
  'SBP MAP': 'Blood pressure',
  'SBP DBP': 'Blood pressure',
  'MAP DBP': 'Blood pressure',
};

export interface SeriesPoint {
  /** Hours since admission (fractional): the x of the shared time axis. */
  at: number;
  /** The stay hour it falls in. */
  hour: number;
  value: number;
}

export interface CourseSeries {
  code: string;
  label: string;
  unit: string | null;
  points: SeriesPoint[];
}

export interface CoursePanel {
  key: string;
  title: string;
  unit: string | null;
  series: CourseSeries[];
}

export interface AlertMarker {
  alertId: string;
  kind: string;
  hour: number;
  state: string;
}

export interface HourRow {
  hour: number;
  /** The revision shown (the hour's latest) and how many there were. */
  revision: number;
  revisions: number;
  sepsisPredictionId: string | null;
  sepsisProbability: number | null;
  sepsisPositive: boolean | null;
  icuMortalityPredictionId: string | null;
  icuMortalityProbability: number | null;
  news2: News2Result;
  qsofa: QsofaResult;
  /** Kinds of alert this hour raised. */
  alertKinds: string[];
}

export interface HourObservation {
  code: string;
  label: string;
  unit: string | null;
  value: number;
  /** A coded value's label ("Alert"); null for a measurement. */
  codeLabel: string | null;
  /** ISO instant of the measurement, and minutes since admission. */
  time: string;
  minutes: number;
  /** The stay hour it was measured in. */
  fromHour: number;
  /** Measured in an earlier hour and still the latest value at the chosen hour's end. */
  carriedForward: boolean;
}

export interface AlertEventView {
  from: string | null;
  to: string;
  /** An API key id, or `monitor` for the monitor's own moves. */
  actor: string;
  /** The key behind `actor`, when it is one (filled in by loadStayPage). */
  actorKey: { name: string; role: string; prefix: string } | null;
  note: string | null;
  at: string;
}

export interface AlertView {
  id: string;
  kind: string;
  state: string;
  reason: string;
  hour: number;
  raisedAt: string;
  events: AlertEventView[];
}

export interface StayPageView {
  stayRef: string;
  patientRef: string;
  unit: string;
  admittedAt: string;
  dischargedAt: string | null;
  facts: { name: string; label: string; value: number; unit: string | null; codeLabel: string | null }[];
  /** The end of the shared time axis: the latest hour with data or an assessment (at least 1). */
  lastHour: number;
  panels: CoursePanel[];
  /** Every assessed hour, ascending. */
  hours: HourRow[];
  risk: { threshold: number | null; points: { hour: number; probability: number }[]; alerts: AlertMarker[] };
  /** The hour whose explanation is shown: the one asked for when assessed, else the latest assessed; null: none yet. */
  selectedHour: number | null;
  /** The asked-for hour could not be shown (not a whole number, or not assessed): said on the page. */
  hourProblem: string | null;
  /** What the model read at the chosen hour's end, one line per code (the latest value in force). */
  hourObservations: HourObservation[];
  alerts: AlertView[];
}

export interface StayPageOptions {
  vocabulary: Pick<MonitorVocabulary, 'get' | 'codes'>;
  /** The sepsis model's decision threshold, from its card; null when the model is not served. */
  sepsisThreshold: number | null;
  /** `?hour=` as given. */
  hour?: string | string[] | null;
}

type Observation = StayDetail['observations'][number];

function label(vocabulary: StayPageOptions['vocabulary'], code: string): { label: string; unit: string | null } {
  const spec = vocabulary.get(code)?.spec;
  return { label: spec?.label ?? code, unit: spec?.unit ?? null };
}

/** The label of a coded value ("male" for Gender 1, "Alert" for Consciousness 0); null for a measurement. */
export function codeLabel(vocabulary: StayPageOptions['vocabulary'], code: string, value: number): string | null {
  return vocabulary.get(code)?.spec.codes?.find((c) => c.value === value)?.label ?? null;
}

/** `?hour=N` read strictly: a whole number ≥ 1, else a problem naming the parameter. */
export function parseHour(raw: string | string[] | null | undefined): { hour: number | null; problem: string | null } {
  const text = Array.isArray(raw) ? raw[0] : raw;
  if (text === undefined || text === null || text === '') return { hour: null, problem: null };
  if (!/^\d{1,6}$/.test(text) || Number(text) < 1)
    return { hour: null, problem: `hour: must be a whole number of hours from 1; got "${text}"` };
  return { hour: Number(text), problem: null };
}

/** The latest revision of each assessed hour, with the count of revisions. */
function latestRevisions(stay: StayDetail) {
  const byHour = new Map<number, { latest: StayDetail['assessments'][number]; revisions: number }>();
  for (const a of stay.assessments) {
    const seen = byHour.get(a.hour);
    if (!seen || a.revision > seen.latest.revision)
      byHour.set(a.hour, { latest: a, revisions: (seen?.revisions ?? 0) + 1 });
    else seen.revisions += 1;
  }
  return [...byHour.values()].sort((a, b) => a.latest.hour - b.latest.hour);
}

/** Each charted code's observations in force, as points on the shared axis, grouped into panels. */
function coursePanels(
  vocabulary: StayPageOptions['vocabulary'],
  admittedAt: Date,
  inForce: readonly Observation[],
): CoursePanel[] {
  const byCode = new Map<string, SeriesPoint[]>();
  for (const o of inForce) {
    if (o.value === null || NOT_CHARTED.has(o.name)) continue;
    const code = vocabulary.get(o.name);
    if (code && code.spec.kind !== 'continuous' && code.spec.kind !== 'integer') continue;
    const minutes = (o.time.getTime() - admittedAt.getTime()) / 60_000;
    const list = byCode.get(o.name) ?? [];
    list.push({ at: minutes / 60, hour: hourOf(admittedAt, o.time), value: o.value });
    byCode.set(o.name, list);
  }
  for (const points of byCode.values()) points.sort((a, b) => a.at - b.at);
  const series = (code: string): CourseSeries => ({ code, ...label(vocabulary, code), points: byCode.get(code)! });
  const panels: CoursePanel[] = [];
  const used = new Set<string>();
  for (const group of PANEL_GROUPS) {
    const present = group.filter((c) => byCode.has(c));
    if (present.length === 0) continue;
    present.forEach((c) => used.add(c));
    const first = series(present[0]);
    const key = present.join(' ');
    panels.push({
      key,
      title: PANEL_TITLES[key] ?? first.label,
      unit: first.unit,
      series: present.map(series),
    });
  }
  const rest = [...byCode.keys()].filter((c) => !used.has(c));
  const order = new Map(vocabulary.codes.map((c, i) => [c.code, i]));
  rest.sort((a, b) => (order.get(a) ?? Infinity) - (order.get(b) ?? Infinity) || a.localeCompare(b));
  for (const code of rest) {
    const s = series(code);
    panels.push({ key: code, title: s.label, unit: s.unit, series: [s] });
  }
  return panels;
}

/**
 * The latest value of each code in force at `hour`'s end, among the observations the hour's assessment read (seq up
 * to its throughSeq): what the model was given. A value from an earlier hour is carried forward, and says from when.
 */
export function observationsAtHour(
  vocabulary: StayPageOptions['vocabulary'],
  admittedAt: Date,
  observations: readonly Observation[],
  hour: number,
  throughSeq: bigint,
): HourObservation[] {
  const read = observationsInForce(observations.filter((o) => o.seq <= throughSeq));
  const end = admittedAt.getTime() + hour * 3_600_000;
  const latest = new Map<string, Observation>();
  for (const o of read) {
    const t = o.time.getTime();
    if (t > end || o.value === null) continue;
    const seen = latest.get(o.name);
    if (!seen || t > seen.time.getTime() || (t === seen.time.getTime() && o.seq > seen.seq)) latest.set(o.name, o);
  }
  const order = new Map(vocabulary.codes.map((c, i) => [c.code, i]));
  return [...latest.values()]
    .sort((a, b) => (order.get(a.name) ?? Infinity) - (order.get(b.name) ?? Infinity) || a.name.localeCompare(b.name))
    .map((o) => {
      const fromHour = hourOf(admittedAt, o.time);
      return {
        code: o.name,
        ...label(vocabulary, o.name),
        value: o.value as number,
        codeLabel: codeLabel(vocabulary, o.name, o.value as number),
        time: o.time.toISOString(),
        minutes: (o.time.getTime() - admittedAt.getTime()) / 60_000,
        fromHour,
        carriedForward: fromHour < hour,
      };
    });
}

/** The page's data from a stay as stored: pure, so the page's rules are tested without a database. */
export function stayPageView(stay: StayDetail, options: StayPageOptions): StayPageView {
  const { vocabulary } = options;
  const admittedAt = stay.admittedAt;
  const inForce = observationsInForce(stay.observations);
  const revisions = latestRevisions(stay);
  const raisedAt = new Map<number, string[]>();
  for (const a of stay.alerts) raisedAt.set(a.hour, [...(raisedAt.get(a.hour) ?? []), a.kind]);
  const hours: HourRow[] = revisions.map(({ latest: a, revisions: count }) => ({
    hour: a.hour,
    revision: a.revision,
    revisions: count,
    sepsisPredictionId: a.sepsisPredictionId,
    sepsisProbability: a.sepsisProbability,
    sepsisPositive: a.sepsisPositive,
    icuMortalityPredictionId: a.icuMortalityPredictionId,
    icuMortalityProbability: a.icuMortalityProbability,
    news2: a.news2 as unknown as News2Result,
    qsofa: a.qsofa as unknown as QsofaResult,
    alertKinds: raisedAt.get(a.hour) ?? [],
  }));
  const lastHour = Math.max(
    1,
    ...hours.map((h) => h.hour),
    ...inForce.filter((o) => o.time >= admittedAt).map((o) => hourOf(admittedAt, o.time)),
  );

  const asked = parseHour(options.hour);
  let selectedHour = hours.at(-1)?.hour ?? null;
  let hourProblem = asked.problem;
  if (asked.hour !== null) {
    if (hours.some((h) => h.hour === asked.hour)) selectedHour = asked.hour;
    else hourProblem = `hour: hour ${asked.hour} of this stay has no assessment; showing the latest assessed hour`;
  }
  const selected = revisions.find((r) => r.latest.hour === selectedHour)?.latest;

  return {
    stayRef: stay.stayRef,
    patientRef: stay.patientRef,
    unit: stay.unit,
    admittedAt: admittedAt.toISOString(),
    dischargedAt: stay.dischargedAt?.toISOString() ?? null,
    facts: (stay.facts as { name: string; value: number }[]).map((f) => ({
      name: f.name,
      ...label(vocabulary, f.name),
      value: f.value,
      codeLabel: codeLabel(vocabulary, f.name, f.value),
    })),
    lastHour,
    panels: coursePanels(vocabulary, admittedAt, inForce),
    hours,
    risk: {
      threshold: options.sepsisThreshold,
      points: hours
        .filter((h) => h.sepsisProbability !== null)
        .map((h) => ({ hour: h.hour, probability: h.sepsisProbability as number })),
      alerts: stay.alerts.map((a) => ({ alertId: a.id, kind: a.kind, hour: a.hour, state: a.state })),
    },
    selectedHour,
    hourProblem,
    hourObservations: selected
      ? observationsAtHour(vocabulary, admittedAt, stay.observations, selected.hour, selected.throughSeq)
      : [],
    alerts: [...stay.alerts]
      .sort((a, b) => b.raisedAt.getTime() - a.raisedAt.getTime())
      .map((a) => ({
        id: a.id,
        kind: a.kind,
        state: a.state,
        reason: a.reason,
        hour: a.hour,
        raisedAt: a.raisedAt.toISOString(),
        events: a.events.map((e) => ({
          from: e.fromState,
          to: e.toState,
          actor: e.actor,
          actorKey: null,
          note: e.note,
          at: e.at.toISOString(),
        })),
      })),
  };
}

/** An explanation as the page shows it: the record's waterfall and its arithmetic, base + Σ contributions = logit p. */
export interface ExplanationView {
  prediction: PredictionView;
  /** Log-odds. */
  base: number;
  sum: number;
  output: number;
  logitProbability: number;
  /** The record's own page, when the viewer may open it (it applies the viewer's record scope); else null. */
  recordHref: string | null;
}

export function explanationView(record: AuditRecord, card: ModelCard, viewer?: Principal): ExplanationView {
  const sum = record.contributions.reduce((s, c) => s + c.contribution, 0);
  const p = record.probability;
  return {
    prediction: predictionView(record, card),
    base: record.baseValue,
    sum,
    output: record.baseValue + sum,
    logitProbability: Math.log(p) - Math.log1p(-p),
    recordHref:
      !viewer || can(viewer, 'read-all-records') || record.requester === viewer.keyId
        ? `/predictions/${record.id}`
        : null,
  };
}

export type IcuMortalityView =
  | { state: 'not-yet'; hoursSoFar: number; needs: number }
  | { state: 'none'; hoursSoFar: number }
  | { state: 'scored'; hour: number; probability: number; explanation: ExplanationView | null };

export interface StayPage {
  view: StayPageView;
  /** The sepsis explanation of the selected hour; null when not assessed or the record cannot be read. */
  explanation: ExplanationView | null;
  icuMortality: IcuMortalityView;
  /** Whether the viewer may acknowledge and resolve alerts. */
  canManageAlerts: boolean;
}

export interface StayPageServices {
  stays: Pick<StayViews, 'get'>;
  registry: Pick<ModelRegistry, 'load'>;
  audit: { get(id: string): Promise<AuditRecord | null> };
  monitor: { vocabulary: MonitorVocabulary };
  keys: { get(id: string): Promise<{ name: string; role: string; prefix: string } | null> };
}

/** Without read-stays: the refusal the page shows, in the words other refusals use. */
export function stayRefusal(viewer: Principal): string | null {
  return can(viewer, 'read-stays') ? null : new AccessDeniedError(viewer.role, 'read-stays').message;
}

/**
 * The whole page for a viewer allowed to read stays; null for an unknown stay. Audit records are read without the
 * viewer's record scope: the monitor's records belong to the stay, which read-stays covers (as the GraphQL `stay` does);
 * only the link to a record's own page follows the scope, since that page applies it.
 */
export async function loadStayPage(
  services: StayPageServices,
  viewer: Principal,
  stayRef: string,
  hour: string | string[] | null | undefined,
): Promise<StayPage | null> {
  const stay = await services.stays.get(stayRef);
  if (!stay) return null;
  const models = await services.registry.load();
  const sepsisCard = models.get('sepsis')?.card ?? null;
  const icuCard = models.get('icu-mortality')?.card ?? null;
  const view = stayPageView(stay, {
    vocabulary: services.monitor.vocabulary,
    sepsisThreshold: sepsisCard?.threshold.value ?? null,
    hour,
  });
  // Who moved an alert, by the key's name as the audit record pages show it; a key since deleted keeps its id.
  const actors = new Map<string, { name: string; role: string; prefix: string } | null>();
  for (const a of view.alerts)
    for (const e of a.events)
      if (e.actor !== MONITOR_ACTOR && !actors.has(e.actor)) {
        const key = await services.keys.get(e.actor).catch(() => null);
        actors.set(e.actor, key ? { name: key.name, role: key.role, prefix: key.prefix } : null);
      }
  for (const a of view.alerts) for (const e of a.events) e.actorKey = actors.get(e.actor) ?? null;
  const selected = view.hours.find((h) => h.hour === view.selectedHour);
  const explain = async (id: string | null | undefined, card: ModelCard | null) => {
    if (!id || !card) return null;
    const record = await services.audit.get(id);
    return record ? explanationView(record, card, viewer) : null;
  };
  const icuRow = [...view.hours].reverse().find((h) => h.icuMortalityPredictionId !== null);
  const icuMortality: IcuMortalityView = icuRow
    ? {
        state: 'scored',
        hour: icuRow.hour,
        probability: icuRow.icuMortalityProbability as number,
        explanation: await explain(icuRow.icuMortalityPredictionId, icuCard),
      }
    : view.lastHour < ICU_MORTALITY_HOURS
      ? { state: 'not-yet', hoursSoFar: view.hours.at(-1)?.hour ?? 0, needs: ICU_MORTALITY_HOURS }
      : { state: 'none', hoursSoFar: view.lastHour };
  return {
    view,
    explanation: await explain(selected?.sepsisPredictionId, sepsisCard),
    icuMortality,
    canManageAlerts: can(viewer, 'manage-alerts'),
  };
}
