/**
 * `npm run bench:pages [-- --requests N] [--warmup N] [--no-build]`: server time of every dashboard page.
 * Seeds a fresh Postgres database with 10,000 audit records through the real PredictionService (three
 * models, varied patients) and a ward of 200 active stays × 72 hours plus one 14-day stay through the real monitor,
 * starts the app's server (`npm start`) on it, then times N sequential GETs per page (one at a
 * time, so the figure is server time, not queueing): time to last byte, `fetch` + `res.text()`. Every
 * response must be 200 and contain the page's marker. Writes bench-results/pages.json.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { prismaApiKeyStore } from '../../src/access/api-keys';
import { prismaSessionStore, SESSION_COOKIE } from '../../src/access/sessions';
import { prismaAuditLog } from '../../src/audit/audit-log';
import { type AuditRecord } from '@/audit/audit-record';
import { openDatabase } from '../../src/db/database';
import { ModelRegistry } from '../../src/inference/model-registry';
import type { ObservationInput } from '../../src/monitoring/monitor-input';
import { MonitorService } from '../../src/monitoring/monitor-service';
import { PredictionService, type FeatureValue, type PredictionRow } from '../../src/prediction/prediction-service';
import { fmt, machine } from '../support/bench-report';
import { withHeldResources } from '../support/held-resources';
import { buildApp, startApp, type RunningApp } from '../support/next-server';
import { createMigratedPostgresDatabase } from '../support/test-databases';

/**
 * The pages measured, in order. `{recordId}` becomes the id of a seeded sepsis record; `{nextPage}` the
 * "next page" link (`href="/predictions?…after=…"`) found in the HTML of `/predictions`. `marker` is text
 * the answer must contain; any other status than 200 fails the run.
 */
/** The ward the board shows: active stays × hours of hourly vitals (labs 6-hourly), on four units. */
const WARD_STAYS = 200;
const WARD_HOURS = 72;
const WARD_UNITS = ['ward-a', 'ward-b', 'ward-c', 'ward-d'];
/** One stay of 14 days, for its stay page. */
const LONG_STAY = 'bench-long-14d';
const LONG_STAY_HOURS = 14 * 24;

const PAGES: { path: string; marker: string }[] = [
  { path: '/', marker: '<h1' },
  { path: '/models/heart-failure', marker: '<h1' },
  { path: '/models/diabetes', marker: '<h1' },
  { path: '/models/sepsis', marker: '<h1' },
  { path: '/models/heart-failure/predict', marker: '<h1' },
  { path: '/models/diabetes/predict', marker: '<h1' },
  { path: '/models/sepsis/predict', marker: '<h1' },
  { path: '/predictions', marker: '<h1' },
  { path: '/predictions?modelId=sepsis&riskBand=HIGH', marker: '<h1' },
  { path: '/predictions?patientRef=MRN-00042', marker: 'MRN-00042' },
  { path: '/predictions/{recordId}', marker: '<h1' },
  { path: '/predictions/export.csv?modelId=diabetes', marker: 'id,created_at,' },
  { path: '{nextPage}', marker: '<h1' },
  { path: '/ward', marker: 'data-stay-ref' },
  { path: '/ward?unit=ward-b', marker: 'data-stay-ref' },
  { path: `/stays/${LONG_STAY}`, marker: '<h1' },
];

const POSTGRES = process.env.BENCH_POSTGRES ?? 'postgresql://postgres@127.0.0.1:5432';
const OUT = join('bench-results', 'pages.json');
const TARGET_P95_MS = 300;
const SEED_BATCHES = 10;
const SEED_BATCH_ROWS = 1000;
/** Distinct patients: each appears in about five records, across the models. */
const PATIENTS = 2000;

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const REQUESTS = Number(argValue('--requests') ?? 50);
const WARMUP = Number(argValue('--warmup') ?? 5);
const BUILD = !process.argv.includes('--no-build');
if (!Number.isInteger(REQUESTS) || REQUESTS <= 0)
  throw new Error(`--requests must be a positive integer, got ${argValue('--requests')}`);
if (!Number.isInteger(WARMUP) || WARMUP < 0)
  throw new Error(`--warmup must be a non-negative integer, got ${argValue('--warmup')}`);

// ---------- seed rows: plausible, varied, inside every card's ranges (deterministic) ----------

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

type ModelId = 'heart-failure' | 'diabetes' | 'sepsis';
/** Batch k scores model SEED_MODELS[k]: 4 heart-failure, 3 diabetes, 3 sepsis batches. */
const SEED_MODELS: ModelId[] = [
  'heart-failure',
  'diabetes',
  'sepsis',
  'heart-failure',
  'diabetes',
  'sepsis',
  'heart-failure',
  'diabetes',
  'sepsis',
  'heart-failure',
];

/**
 * [low, high] for a patient in a stable state, [low, high] for one who is unwell (about a third of the rows),
 * decimals, probability of being missing (optional inputs only). Sampled uniformly, clamped to the card's
 * min..max; the mix gives every risk band a share, so the list filters select something and not everything.
 */
type Draw = [number, number, number, number, number, number?];
const DRAWS: Record<ModelId, Record<string, Draw>> = {
  'heart-failure': {
    age: [40, 70, 55, 95, 0],
    ejection_fraction: [35, 70, 14, 40, 0],
    serum_creatinine: [0.6, 1.3, 1.0, 6, 1],
  },
  diabetes: {
    pregnancies: [0, 5, 0, 12, 0],
    glucose: [70, 125, 110, 199, 0, 0.01],
    blood_pressure: [55, 85, 60, 110, 0, 0.05],
    skin_thickness: [10, 30, 20, 60, 0, 0.3],
    insulin: [15, 150, 80, 600, 0, 0.5],
    bmi: [19, 30, 28, 55, 1, 0.01],
    diabetes_pedigree_function: [0.08, 0.6, 0.3, 2.4, 3],
    age: [21, 40, 30, 81, 0],
  },
  sepsis: {
    heart_rate: [60, 100, 90, 150, 0, 0.1],
    o2_sat: [94, 100, 82, 97, 0, 0.12],
    temperature: [36.2, 37.6, 37.5, 40.5, 1, 0.6],
    sbp: [105, 150, 75, 115, 0, 0.15],
    map: [70, 100, 45, 75, 0, 0.12],
    dbp: [55, 85, 35, 65, 0, 0.3],
    resp_rate: [12, 20, 20, 38, 0, 0.15],
    etco2: [30, 45, 20, 50, 0, 0.95],
    base_excess: [-2, 3, -12, 0, 0, 0.9],
    hco3: [22, 28, 14, 24, 0, 0.9],
    fio2: [0.21, 0.4, 0.4, 1, 2, 0.85],
    ph: [7.35, 7.45, 7.1, 7.38, 2, 0.88],
    paco2: [35, 45, 25, 65, 0, 0.9],
    sao2: [94, 100, 85, 97, 0, 0.95],
    ast: [10, 40, 30, 400, 0, 0.95],
    bun: [7, 25, 20, 90, 0, 0.9],
    alkaline_phosphatase: [40, 120, 80, 300, 0, 0.95],
    calcium: [8.5, 10.2, 6.5, 9, 1, 0.9],
    chloride: [98, 107, 90, 120, 0, 0.9],
    creatinine: [0.5, 1.2, 1.0, 5, 1, 0.9],
    bilirubin_direct: [0.1, 0.3, 0.2, 5, 1, 0.99],
    glucose: [80, 160, 120, 300, 0, 0.8],
    lactate: [0.5, 2, 1.5, 8, 1, 0.95],
    magnesium: [1.7, 2.3, 1.4, 3, 1, 0.9],
    phosphate: [2.5, 4.5, 1.5, 6.5, 1, 0.9],
    potassium: [3.5, 5, 3, 6, 1, 0.88],
    bilirubin_total: [0.2, 1.2, 0.8, 8, 1, 0.95],
    troponin_i: [0, 0.04, 0, 10, 2, 0.98],
    hct: [36, 48, 20, 38, 1, 0.9],
    hgb: [12, 16, 7, 12, 1, 0.9],
    ptt: [25, 35, 30, 90, 1, 0.96],
    wbc: [4, 11, 10, 25, 1, 0.92],
    fibrinogen: [200, 400, 100, 600, 0, 0.99],
    platelets: [150, 400, 20, 200, 0, 0.92],
    age: [18, 100, 18, 100, 0],
    gender: [0, 1, 0, 1, 0],
    hosp_adm_time: [-48, 0, -200, 0, 2, 0.05],
    iculos: [1, 48, 24, 240, 0],
  },
};
/** Share of rows drawn from the unwell ranges. */
const UNWELL_SHARE = 0.3;

function readCardRanges(modelId: ModelId): Map<string, { min: number; max: number; required: boolean }> {
  const card = JSON.parse(readFileSync(join('models', modelId, 'card.json'), 'utf8')) as {
    features: { name: string; min: number; max: number; required: boolean }[];
  };
  return new Map(card.features.map((f) => [f.name, f]));
}

function makeRows(modelId: ModelId, batch: number): PredictionRow[] {
  const r = lcg(4242 + batch);
  const ranges = readCardRanges(modelId);
  const draws = Object.entries(DRAWS[modelId]);
  return Array.from({ length: SEED_BATCH_ROWS }, (_, i) => {
    const n = batch * SEED_BATCH_ROWS + i;
    const features: FeatureValue[] = [];
    const unwell = r() < UNWELL_SHARE;
    for (const [name, [low, high, unwellLow, unwellHigh, digits, missing = 0]] of draws) {
      const range = ranges.get(name);
      if (!range) throw new Error(`${modelId}: the card has no feature "${name}"`);
      if (!range.required && r() < missing) continue; // optional and missing: omitted, as clients may do
      const [lo, hi] = unwell ? [unwellLow, unwellHigh] : [low, high];
      const value = Number((lo + r() * (hi - lo)).toFixed(digits));
      features.push({ name, value: Math.min(range.max, Math.max(range.min, value)) });
    }
    return { patientRef: `MRN-${String(1 + (n % PATIENTS)).padStart(5, '0')}`, features };
  });
}

// ---------- fresh database, seeded ----------

interface SeedSummary {
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  modelLoadSeconds: number;
  byModel: Record<string, { rows: number; seconds: number; LOW: number; MODERATE: number; HIGH: number }>;
  recordId: string;
}

async function seed(service: PredictionService, registry: ModelRegistry): Promise<SeedSummary> {
  const loadStarted = performance.now();
  await registry.load();
  const modelLoadSeconds = (performance.now() - loadStarted) / 1000;
  const byModel: SeedSummary['byModel'] = {};
  let recordId: string | undefined;
  const started = performance.now();
  let rows = 0;
  for (let k = 0; k < SEED_BATCHES; k++) {
    const modelId = SEED_MODELS[k];
    const batch = makeRows(modelId, k);
    const batchStarted = performance.now();
    const records: AuditRecord[] = await service.predictBatch(modelId, batch, {
      requestId: `bench-pages-seed-${k}`,
      requester: 'bench-pages',
    });
    rows += records.length;
    const counts = (byModel[modelId] ??= { rows: 0, seconds: 0, LOW: 0, MODERATE: 0, HIGH: 0 });
    counts.seconds += (performance.now() - batchStarted) / 1000;
    for (const record of records) {
      counts.rows++;
      counts[record.riskBand]++;
    }
    // A sepsis record: the model with the most inputs, so the detail page has the most to draw.
    if (modelId === 'sepsis') recordId ??= records.find((x) => x.riskBand === 'HIGH')?.id ?? records[0].id;
    if (process.stdout.isTTY) process.stdout.write(`\rseeding: ${rows.toLocaleString('en-US')} records`);
  }
  const seconds = (performance.now() - started) / 1000;
  if (process.stdout.isTTY) process.stdout.write('\n');
  if (!recordId) throw new Error('no sepsis record was seeded');
  return { rows, seconds, rowsPerSecond: rows / seconds, modelLoadSeconds, byModel, recordId };
}

// ---------- the ward: stays with their course, through the monitor ----------

/** Hour h's observations of a stay: vitals every hour, lactate and WBC every 6 hours; an unwell stay drifts. */
function stayHour(
  stayRef: string,
  admittedAt: Date,
  hour: number,
  r: () => number,
  unwell: boolean,
): ObservationInput[] {
  const drift = unwell ? Math.min(1, hour / WARD_HOURS) : 0;
  const time = new Date(admittedAt.getTime() + (hour * 60 - 10) * 60_000);
  const values: Record<string, number> = {
    HR: Math.round(72 + 30 * drift + 10 * r()),
    Resp: Math.round(14 + 10 * drift + 4 * r()),
    O2Sat: Math.round(98 - 6 * drift - 2 * r()),
    SBP: Math.round(128 - 30 * drift - 10 * r()),
    Temp: Number((36.8 + 1.6 * drift + 0.4 * r()).toFixed(1)),
    Consciousness: 0,
    SupplementalO2: drift > 0.5 ? 1 : 0,
  };
  if (hour % 6 === 0) {
    values.Lactate = Number((1 + 3 * drift + r()).toFixed(1));
    values.WBC = Number((7 + 10 * drift + 2 * r()).toFixed(1));
  }
  return Object.entries(values).map(([name, value]) => ({ name, time, value, sourceId: `${stayRef}/${hour}/${name}` }));
}

async function seedStay(
  monitor: MonitorService,
  stayRef: string,
  unit: string,
  hours: number,
  unwell: boolean,
  r: () => number,
) {
  const admittedAt = new Date(Date.now() - hours * 3600_000);
  const origin = { source: 'replay' as const, requester: 'bench-pages' };
  await monitor.admitStay(
    {
      stayRef,
      patientRef: `PAT-${stayRef}`,
      unit,
      admittedAt,
      facts: [{ name: 'Age', value: 40 + Math.round(r() * 45) }],
    },
    origin,
  );
  // A day at a time: one transaction per day of a stay, as a backfill would send it.
  for (let from = 1; from <= hours; from += 24) {
    const observations: ObservationInput[] = [];
    for (let hour = from; hour < from + 24 && hour <= hours; hour++)
      observations.push(...stayHour(stayRef, admittedAt, hour, r, unwell));
    await monitor.recordObservations({ stayRef, observations }, origin);
  }
}

async function seedWard(monitor: MonitorService): Promise<{ stays: number; hours: number; seconds: number }> {
  const started = performance.now();
  const r = lcg(7);
  for (let i = 0; i < WARD_STAYS; i++) {
    await seedStay(monitor, `bench-stay-${i}`, WARD_UNITS[i % WARD_UNITS.length], WARD_HOURS, r() < UNWELL_SHARE, r);
    if (process.stdout.isTTY) process.stdout.write(`\rseeding the ward: ${i + 1} stays`);
  }
  await seedStay(monitor, LONG_STAY, WARD_UNITS[0], LONG_STAY_HOURS, true, r);
  if (process.stdout.isTTY) process.stdout.write('\n');
  return {
    stays: WARD_STAYS + 1,
    hours: WARD_STAYS * WARD_HOURS + LONG_STAY_HOURS,
    seconds: (performance.now() - started) / 1000,
  };
}

// ---------- measurement ----------

interface PageFigures {
  /** The entry of PAGES, placeholders and all; `path` is the URL requested. */
  page: string;
  path: string;
  status: 'measured' | 'skipped' | 'failed';
  note?: string;
  requests: number;
  p50Ms?: number;
  p95Ms?: number;
  maxMs?: number;
  bytes?: number;
  met?: boolean;
  failures: number;
  firstProblem?: string;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** The session cookie every GET sends: pages are read as an auditor, who sees every seeded record. */
let sessionCookie = '';

/** One GET, timed from before `fetch` to the last byte of the body. */
async function timedGet(url: string): Promise<{ status: number; body: string; ms: number }> {
  const t = performance.now();
  const res = await fetch(url, { redirect: 'manual', headers: { cookie: sessionCookie } });
  const body = await res.text();
  return { status: res.status, body, ms: performance.now() - t };
}

/** The first "next page" link of a list page's HTML (attribute-escaped `&amp;` undone), or undefined. */
function nextPageLink(html: string): string | undefined {
  const match = /href="(\/predictions\?[^"]*\bafter=[^"]*)"/.exec(html);
  return match?.[1].replace(/&amp;/g, '&');
}

async function measure(app: RunningApp, page: string, path: string, marker: string): Promise<PageFigures> {
  const url = `${app.url}${path}`;
  const first = await timedGet(url);
  const problem = (r: { status: number; body: string }) =>
    r.status !== 200
      ? `status ${r.status}: ${r.body.slice(0, 200)}`
      : r.body.includes(marker)
        ? undefined
        : `no "${marker}" in the body: ${r.body.slice(0, 200)}`;
  let failures = 0;
  let firstProblem = problem(first);
  if (firstProblem) failures++;
  for (let i = 1; i < WARMUP; i++) {
    const p = problem(await timedGet(url));
    if (p) failures++;
    firstProblem ??= p;
  }
  const times = new Float64Array(REQUESTS);
  let bytes = 0;
  for (let i = 0; i < REQUESTS; i++) {
    const r = await timedGet(url);
    times[i] = r.ms;
    bytes = Buffer.byteLength(r.body);
    const p = problem(r);
    if (p) failures++;
    firstProblem ??= p;
  }
  times.sort();
  const p95Ms = percentile(times, 95);
  return {
    page,
    path,
    status: failures > 0 ? 'failed' : 'measured',
    requests: REQUESTS,
    p50Ms: percentile(times, 50),
    p95Ms,
    maxMs: percentile(times, 100),
    bytes,
    met: p95Ms <= TARGET_P95_MS,
    failures,
    firstProblem,
  };
}

// ---------- report ----------

function printTable(pages: PageFigures[]): void {
  const header = ['page', 'p50', 'p95', 'max', 'size', `p95 ≤ ${TARGET_P95_MS} ms`];
  const table = pages.map((p) => [
    p.page,
    p.p50Ms === undefined ? '' : `${fmt(p.p50Ms, 1)} ms`,
    p.p95Ms === undefined ? '' : `${fmt(p.p95Ms, 1)} ms`,
    p.maxMs === undefined ? '' : `${fmt(p.maxMs, 1)} ms`,
    p.bytes === undefined ? '' : `${fmt(p.bytes / 1024, 1)} KiB`,
    p.status === 'measured'
      ? p.met
        ? 'MET'
        : 'MISSED'
      : p.status === 'failed'
        ? `FAILED (${p.met ? 'met' : 'missed'})`
        : p.status,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of table) console.log(line(r).trimEnd());
}

async function main(): Promise<void> {
  const started = new Date();
  await withHeldResources(async (held) => {
    if (BUILD) {
      console.log('next build …');
      await buildApp();
    }
    const database = held.hold(await createMigratedPostgresDatabase('crc_bench', POSTGRES), (d) => d.drop());
    console.log(`database ${database.name}`);
    const db = held.hold(await openDatabase({ databaseUrl: database.url }), (d) => d.close());
    const registry = held.hold(new ModelRegistry('models'), (r) => r.close());
    const prediction = new PredictionService(registry, prismaAuditLog(db.prisma));
    const seeded = await seed(prediction, registry);
    const ward = await seedWard(await MonitorService.create(db.prisma, registry, prediction));
    console.log(
      `seeded the ward: ${fmt(ward.stays)} active stays, ${fmt(ward.hours)} stay-hours assessed, in ${fmt(ward.seconds, 1)} s`,
    );
    const { record: auditor } = await prismaApiKeyStore(db.prisma).create({
      name: 'page bench',
      role: 'auditor',
      createdBy: 'bench',
    });
    sessionCookie = `${SESSION_COOKIE}=${(await prismaSessionStore(db.prisma).start(auditor.id)).token}`;
    // The seeder's models and connections would only compete with the server measured next.
    await held.release(registry);
    await held.release(db);
    console.log(
      `seeded ${fmt(seeded.rows)} records in ${fmt(seeded.seconds, 1)} s (${fmt(seeded.rowsPerSecond)} rows/s; models loaded beforehand in ${fmt(seeded.modelLoadSeconds, 1)} s): ` +
        Object.entries(seeded.byModel)
          .map(
            ([id, c]) =>
              `${id} ${fmt(c.rows)} in ${fmt(c.seconds, 1)} s (LOW ${c.LOW}, MODERATE ${c.MODERATE}, HIGH ${c.HIGH})`,
          )
          .join('; '),
    );

    const app = held.hold(await startApp({ DATABASE_URL: database.url }), (a) => a.stop());
    console.log(
      `server at ${app.url}; per page: ${WARMUP} warm-up requests, then ${REQUESTS} sequential GETs timed to the last byte\n`,
    );

    const pages: PageFigures[] = [];
    for (const { path: template, marker } of PAGES) {
      let path = template.replace('{recordId}', seeded.recordId);
      if (path.includes('{nextPage}')) {
        const list = await timedGet(`${app.url}/predictions`);
        const next = list.status === 200 ? nextPageLink(list.body) : undefined;
        if (!next) {
          const note =
            list.status === 200
              ? 'no next-page link (href="/predictions?…after=…") in /predictions'
              : `/predictions answered ${list.status}`;
          pages.push({ page: template, path: template, status: 'skipped', note, requests: 0, failures: 0 });
          console.log(`${template} (page 2 of /predictions): skipped (${note})`);
          continue;
        }
        path = path.replace('{nextPage}', next);
      }
      process.stdout.write(`${path} … `);
      const figures = await measure(app, template, path, marker);
      pages.push(figures);
      console.log(
        `p50 ${fmt(figures.p50Ms, 1)} ms, p95 ${fmt(figures.p95Ms, 1)} ms${figures.failures ? `; ${figures.failures} FAILED: ${figures.firstProblem}` : ''}`,
      );
    }
    await held.release(app);

    const m = machine();
    console.log(
      `\nMachine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node} (${m.platform}); Postgres at ${POSTGRES.replace(/\/\/[^@]*@/, '//')} with ${fmt(seeded.rows)} audit records`,
    );
    console.log(
      `Time to last byte of sequential GETs (fetch + text) against the app's server; target p95 ≤ ${TARGET_P95_MS} ms\n`,
    );
    printTable(pages);
    for (const p of pages) if (p.page !== p.path) console.log(`${p.page} = ${p.path}`);
    for (const p of pages) if (p.note) console.log(`note: ${p.page}: ${p.note}`);
    const failed = pages.filter((p) => p.status === 'failed');
    for (const p of failed)
      console.log(
        `FAILED ${p.path}: ${p.failures} of ${p.requests + Math.max(1, WARMUP)} responses; first: ${p.firstProblem}`,
      );

    const result = {
      startedAt: started.toISOString(),
      machine: m,
      postgres: POSTGRES.replace(/\/\/[^@]*@/, '//'),
      requestsPerPage: REQUESTS,
      warmupPerPage: WARMUP,
      targetP95Ms: TARGET_P95_MS,
      seed: seeded,
      ward,
      pages,
    };
    mkdirSync('bench-results', { recursive: true });
    writeFileSync(OUT, JSON.stringify(result, null, 2) + '\n');
    console.log(`\nwrote ${OUT}`);
    if (failed.length > 0) process.exitCode = 1;
  });
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
