/**
 * The ward board's rows: each active stay read as a clinician scans it (latest vitals with their age, NEWS2 with its
 * band, qSOFA, sepsis risk over the last day against the threshold, ICU-mortality risk, alerts), sorted by urgency.
 * Pure over a ward snapshot: the page reads the snapshot, this decides what it says.
 */
import type { News2Risk } from '@/monitoring/news2';
import { requirePermission, type Principal } from '@/access/roles';
import type { WardAlert, WardQuery, WardSnapshot, WardStay } from '@/monitoring/ward-snapshot';

/** The vitals each row shows, as a ward chart writes them. Codes are the monitor's (src/monitoring/vocabulary.ts). */
export const WARD_VITALS = [
  { code: 'HR', label: 'HR', unit: '/min', decimals: 0 },
  { code: 'SBP', label: 'SBP', unit: 'mmHg', decimals: 0 },
  { code: 'Resp', label: 'RR', unit: '/min', decimals: 0 },
  { code: 'Temp', label: 'Temp', unit: '°C', decimals: 1 },
  { code: 'O2Sat', label: 'SpO₂', unit: '%', decimals: 0 },
] as const;

/** Hours of sepsis risk the sparkline draws, counted back from the latest assessed hour. */
export const SPARKLINE_HOURS = 24;

/** A vital older than this reads as stale: a ward's routine observations are at most 4-hourly. */
const STALE_MINUTES = 4 * 60;

export interface WardVital {
  code: string;
  label: string;
  /** "112 /min" */
  text: string;
  /** "14 min ago"; "2 h ahead of this clock" for a time stamped after the board was read (a fast replay). */
  age: string;
  stale: boolean;
}

/** NEWS2's colour band: the RCP's clinical risk, or partial when an input is missing and the risk is not certain. */
export type News2Band = News2Risk | 'partial';

export interface WardNews2 {
  hour: number;
  /** Every component scored; otherwise `text` is a lower bound and `description` names what is missing. */
  complete: boolean;
  /** The total, or for a partial score the sum of what was scored: a lower bound. */
  score: number;
  /**
   * The band the score makes certain, for ranking: a complete score's own; a partial one's from its lower bound (what is
   * missing can only add points), so "≥ 6" ranks as medium though it reads partial. Null: nothing is certain yet.
   */
  certain: News2Risk | null;
  /** "6", or "≥ 3" when partial (the scored components' sum: a lower bound). */
  text: string;
  band: News2Band;
  /** "NEWS2 6, medium clinical risk" or "NEWS2 partial: at least 3; missing consciousness level". */
  description: string;
}

export interface WardQsofa {
  hour: number;
  complete: boolean;
  text: string;
  /** 2 or more criteria met (Sepsis-3). */
  high: boolean;
  description: string;
}

export interface WardSepsis {
  /** The latest assessed hour's risk. */
  hour: number;
  probability: number;
  positive: boolean;
  threshold: number;
  /** Oldest first, the last SPARKLINE_HOURS assessed hours with a risk. */
  points: { hour: number; probability: number }[];
}

export interface WardRow {
  stayRef: string;
  patientRef: string;
  unit: string;
  href: string;
  /** Whole hours since admission, by the board's clock. */
  hoursSinceAdmission: number;
  /** The latest hour assessed; null before the first assessment. */
  assessedHour: number | null;
  vitals: WardVital[];
  news2: WardNews2 | null;
  qsofa: WardQsofa | null;
  sepsis: WardSepsis | null;
  /** The latest ICU-mortality risk; `pending` before hour 48 has been scored. */
  icuMortality: { probability: number; hour: number } | 'pending';
  openAlerts: WardAlert[];
  acknowledgedAlerts: WardAlert[];
}

export interface WardBoard {
  readAt: Date;
  unit: string | null;
  units: string[];
  rows: WardRow[];
}

const NEWS2_RISK_WORDS: Record<News2Risk, string> = {
  low: 'low clinical risk',
  'low-medium': 'low-medium clinical risk (a single parameter scores 3)',
  medium: 'medium clinical risk',
  high: 'high clinical risk',
};

/** How long ago `time` was at `now`, in the largest unit that keeps it short. */
export function ageText(now: Date, time: Date): string {
  const minutes = Math.round((now.getTime() - time.getTime()) / 60_000);
  const span = (m: number) =>
    m < 60 ? `${m} min` : m < 48 * 60 ? `${Math.floor(m / 60)} h` : `${Math.floor(m / 1440)} d`;
  if (minutes < 0) return `${span(-minutes)} ahead of this clock`;
  return minutes === 0 ? 'just now' : `${span(minutes)} ago`;
}

function vitalsOf(stay: WardStay, now: Date): WardVital[] {
  const vitals: WardVital[] = [];
  for (const spec of WARD_VITALS) {
    const latest = stay.latest.find((v) => v.name === spec.code);
    if (!latest) continue;
    const minutes = (now.getTime() - latest.time.getTime()) / 60_000;
    vitals.push({
      code: spec.code,
      label: spec.label,
      text: `${latest.value.toFixed(spec.decimals)} ${spec.unit}`,
      age: ageText(now, latest.time),
      stale: minutes > STALE_MINUTES,
    });
  }
  return vitals;
}

/** The RCP band a partial sum already reaches (5–6 medium, 7+ high, any single 3 low-medium); null below that. */
function certainBand(partialTotal: number, anySingleThree: boolean): News2Risk | null {
  if (partialTotal >= 7) return 'high';
  if (partialTotal >= 5) return 'medium';
  return anySingleThree ? 'low-medium' : null;
}

function news2Of(stay: WardStay): WardNews2 | null {
  const last = stay.scores;
  if (!last) return null;
  const n = last.news2;
  if (n.complete && n.total !== null && n.risk) {
    return {
      hour: last.hour,
      complete: true,
      score: n.total,
      certain: n.risk,
      text: String(n.total),
      band: n.risk,
      description: `NEWS2 ${n.total}, ${NEWS2_RISK_WORDS[n.risk]}, hour ${last.hour}`,
    };
  }
  // A partial score is never shown as if the missing part were normal: its sum is a lower bound, and says so.
  return {
    hour: last.hour,
    complete: false,
    score: n.partialTotal,
    certain: certainBand(n.partialTotal, n.anySingleThree),
    text: `≥ ${n.partialTotal}`,
    band: n.risk === 'high' ? 'high' : 'partial',
    description: `NEWS2 partial, at least ${n.partialTotal}${n.risk === 'high' ? ' (high clinical risk already)' : ''}; missing ${n.missing.join(', ')}; hour ${last.hour}`,
  };
}

function qsofaOf(stay: WardStay): WardQsofa | null {
  const last = stay.scores;
  if (!last) return null;
  const q = last.qsofa;
  if (q.complete && q.total !== null)
    return {
      hour: last.hour,
      complete: true,
      text: String(q.total),
      high: q.total >= 2,
      description: `qSOFA ${q.total} of 3, hour ${last.hour}`,
    };
  return {
    hour: last.hour,
    complete: false,
    text: `≥ ${q.partialTotal}`,
    high: q.partialTotal >= 2,
    description: `qSOFA partial, at least ${q.partialTotal} of 3; missing ${q.missing.join(', ')}; hour ${last.hour}`,
  };
}

function sepsisOf(stay: WardStay, threshold: number): WardSepsis | null {
  const scored = stay.risk.filter((a) => a.sepsisProbability !== null);
  const last = scored.at(-1);
  if (!last || last.sepsisProbability === null) return null;
  return {
    hour: last.hour,
    probability: last.sepsisProbability,
    positive: last.sepsisPositive ?? last.sepsisProbability >= threshold,
    threshold,
    points: scored
      .filter((a) => a.hour > last.hour - SPARKLINE_HOURS)
      .map((a) => ({ hour: a.hour, probability: a.sepsisProbability as number })),
  };
}

// A partial score with nothing certain ranks above a complete low one: what is missing may not be normal.
const BAND_ORDER: Record<News2Band, number> = { high: 4, medium: 3, 'low-medium': 2, partial: 1, low: 0 };

/**
 * Most urgent first: open alerts (more first), then NEWS2 (the band it makes certain, then score; a partial score by its
 * lower bound), then
 * sepsis risk; then the stay admitted earliest, so equal rows keep their places between refreshes.
 */
export function byUrgency(a: WardRow, b: WardRow): number {
  const key = (r: WardRow) => [
    r.openAlerts.length,
    r.news2 ? BAND_ORDER[r.news2.certain ?? r.news2.band] : -1,
    r.news2?.score ?? -1,
    r.sepsis?.probability ?? -1,
  ];
  const ka = key(a);
  const kb = key(b);
  for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return kb[i] - ka[i];
  return 0;
}

/** The board for a snapshot; `threshold` is the sepsis model's (its card's), drawn on every sparkline. */
export function wardBoard(
  snapshot: WardSnapshot,
  options: { unit: string | null; sepsisThreshold: number },
): WardBoard {
  const now = snapshot.readAt;
  const rows = snapshot.stays.map((stay): WardRow => ({
    stayRef: stay.stayRef,
    patientRef: stay.patientRef,
    unit: stay.unit,
    href: `/stays/${encodeURIComponent(stay.stayRef)}`,
    hoursSinceAdmission: Math.max(0, Math.floor((now.getTime() - stay.admittedAt.getTime()) / 3_600_000)),
    assessedHour: stay.scores?.hour ?? null,
    vitals: vitalsOf(stay, now),
    news2: news2Of(stay),
    qsofa: qsofaOf(stay),
    sepsis: sepsisOf(stay, options.sepsisThreshold),
    icuMortality: stay.icuMortality ?? 'pending',
    openAlerts: stay.alerts.filter((a) => a.state === 'open'),
    acknowledgedAlerts: stay.alerts.filter((a) => a.state === 'acknowledged'),
  }));
  // Array.prototype.sort is stable: stays equally urgent keep the snapshot's order (earliest admission first).
  rows.sort(byUrgency);
  return { readAt: now, unit: options.unit, units: snapshot.units, rows };
}

/** Longest unit name the board takes from its address; a longer one names no unit. */
const MAX_UNIT_LENGTH = 100;

/** `?unit=` as the board reads it: trimmed, and absent when empty or too long to be a unit. */
export function wardUnit(param: string | string[] | undefined): string | null {
  const value = (Array.isArray(param) ? param[0] : param)?.trim();
  return value && value.length <= MAX_UNIT_LENGTH ? value : null;
}

/** What loading the board needs of the process's services. */
export interface WardServices {
  stays: { ward(query: WardQuery): Promise<WardSnapshot> };
  registry: { get(id: string): Promise<{ card: { threshold: { value: number } } }> };
}

/** The board for a viewer allowed to read stays; the threshold is the shipped sepsis model's. */
export async function loadWardBoard(
  services: WardServices,
  viewer: Principal,
  unit: string | null,
): Promise<WardBoard> {
  requirePermission(viewer, 'read-stays');
  const [snapshot, sepsis] = await Promise.all([
    services.stays.ward({ unit, codes: WARD_VITALS.map((v) => v.code), hours: SPARKLINE_HOURS }),
    services.registry.get('sepsis'),
  ]);
  return wardBoard(snapshot, { unit, sepsisThreshold: sepsis.card.threshold.value });
}
