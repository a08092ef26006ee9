/**
 * Experiment for sepsis 2.0.0 (issue 13 §3): 1.0.0's snapshot features against added trend features, by grouped
 * 5-fold CV on set A with 1.0.0's folds, seed and search, and by the Unit1 ↔ Unit2 transfer check.
 *
 *   npx tsx src/training/experiments/sepsis-trends.ts --variants trends,physiology --steps transfer,cv --out FILE.json
 *   npx tsx src/training/experiments/sepsis-trends.ts --summarise A.json,B.json --out models/sepsis/experiments/trends
 *
 * The CV is the GBDT half of outOfFoldPredictions (same outer splits, fold seeds, grid, inner hold-out and
 * reuse of the hold-out fit), without the logistic baseline, so its 1.0.0 variant reproduces the card's figures.
 * Past 400 lines because the experiment is one record: its variants, runs, paired comparison and written summary
 * belong together and nothing else imports them.
 */
import { writeFileSync } from 'node:fs';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import type { TreeEnsemble } from '@/explain/tree-ensemble';
import { blankImplausible, type ChallengeRow } from '@/features/sepsis';
import { SEPSIS_TREND_FEATURES, sepsisTrends } from '@/features/sepsis-trends';
import { subset, type Dataset } from '../dataset';
import { readChallengeCsv, patientRows, type ChallengeTable } from '../datasets/sepsis';
import { icuUnits } from '../datasets/sepsis-units';
import { buildSepsisDataset } from '../datasets/sepsis-patient-hours';
import { bootstrapCI } from '../evaluation/bootstrap';
import { utilityReport } from '../evaluation/utility-report';
import { outerSplits } from '../evaluation/out-of-fold';
import { auroc } from '../evaluation/ranking-metrics';
import { bestUtilityThreshold, groupByPatient, normalizedUtility } from '../evaluation/sepsis-utility';
import { selectColumns } from '../feature-columns';
import { Rng } from '../random';
import { fitGradientBoosting, predictProbabilities } from '../gbdt/gradient-boosting';
import { innerSplits, selectGbdtParams } from '../model-selection';
import { sepsisRecipe } from '../recipes/sepsis';
import { UTILITY_CANDIDATES } from '../train-model';
import { transferCheck, type TransferResult, type TransferUnits } from '../transfer-check';

/** Inputs of 1.0.0 that count a stay's hours or its lab draws: hospital practice, by the issue's prior. */
const HABITS_1_0_0 = ['iculos', 'measured_lab_count'];

const PHYSIOLOGY = SEPSIS_TREND_FEATURES.filter((f) => f.kind === 'physiology').map((f) => f.name);
const ALL_TRENDS = SEPSIS_TREND_FEATURES.map((f) => f.name);

interface Variant {
  name: string;
  description: string;
  columns: (snapshot: string[]) => string[];
}

export const VARIANTS: Variant[] = [
  { name: '1.0.0', description: '1.0.0’s snapshot features (the shipped model)', columns: (s) => s },
  {
    name: 'trends',
    description:
      '1.0.0 + every trend feature of the issue: per vital change over 1/6/12 h, lowest/highest in 24 h, change from own baseline, hours since measured, measurements in 24 h; shock index trend, SpO₂/FiO₂, SOFA-style lab changes',
    columns: (s) => [...s, ...ALL_TRENDS],
  },
  {
    name: 'physiology',
    description: `1.0.0 without its habit features (${HABITS_1_0_0.join(', ')}) + the physiology trends only (no hours since measured, no measurement counts)`,
    columns: (s) => [...s.filter((n) => !HABITS_1_0_0.includes(n)), ...PHYSIOLOGY],
  },
  {
    name: 'snapshot+physiology',
    description: '1.0.0 + the physiology trends only (no hours since measured, no measurement counts)',
    columns: (s) => [...s, ...PHYSIOLOGY],
  },
];

const log = (line: string) => process.stderr.write(`[${new Date().toISOString()}] ${line}\n`);

/** Set A's rows with 1.0.0's columns and every trend column, and the ICU unit of each row. */
export function sepsisTrendDataset(table: ChallengeTable): { data: Dataset; units: TransferUnits } {
  const base = buildSepsisDataset(table);
  const n = base.y.length;
  const f0 = base.featureNames.length;
  const t = ALL_TRENDS.length;
  const f = f0 + t;
  const x = new Float32Array(n * f);
  for (let p = 0; p < table.patientIds.length; p++) {
    const start = table.patientOffsets[p];
    const rows: ChallengeRow[] = patientRows(table, p).map((row) => blankImplausible(row).row);
    const trends = sepsisTrends(rows);
    rows.forEach((row, i) => {
      const r = start + i;
      x.set(base.x.subarray(r * f0, (r + 1) * f0), r * f);
      x.set(trends[i], r * f + f0);
    });
  }
  return {
    data: { featureNames: [...base.featureNames, ...ALL_TRENDS], x, y: base.y, groups: base.groups },
    units: icuUnits(table),
  };
}

function utilityAt(data: Dataset, p: Float64Array, threshold: number): number {
  const alarms = Float64Array.from(p, (q) => (q >= threshold ? 1 : 0));
  return normalizedUtility(groupByPatient(data.groups!, data.y, alarms)).normalized;
}

const chooseThreshold = (rows: Dataset, p: Float64Array) =>
  bestUtilityThreshold(rows.groups!, rows.y, p, UTILITY_CANDIDATES).threshold;

interface CvResult {
  auroc: number;
  utility: number;
  /** 95% percentile bootstrap intervals over patients (200 replicates). */
  aurocInterval: { lower: number; upper: number };
  utilityInterval: { lower: number; upper: number };
  threshold: number;
  /** Utility with the threshold chosen inside each training fold (on its inner hold-out), pooled. */
  utilityFoldThreshold: number;
  folds: { fold: number; maxDepth: number; minChildWeight: number; rounds: number; auroc: number; threshold: number }[];
  seconds: number;
}

/** 1.0.0's grouped CV (GBDT half): outer splits, fold seeds, search and hold-out reuse as in outOfFoldPredictions. */
function groupedCv(data: Dataset, save?: string): CvResult {
  const started = Date.now();
  const { folds, repeats } = sepsisRecipe.evaluation;
  const seed = sepsisRecipe.seed;
  const oof = new Float64Array(data.y.length).fill(NaN);
  const alarmsFoldThreshold = new Float64Array(data.y.length);
  const chosen: CvResult['folds'] = [];
  for (const split of outerSplits(data, folds, repeats, seed)) {
    const foldSeed = seed + 1000 * (split.repeat + 1) + split.fold;
    const train = subset(data, split.train);
    const test = subset(data, split.test);
    const selection = selectGbdtParams(train, sepsisRecipe.search, foldSeed);
    const ensemble =
      selection.holdoutFit ?? fitGradientBoosting(train, { ...selection.params, seed: foldSeed }).ensemble;
    const p = predictProbabilities(ensemble, test);
    split.test.forEach((r, i) => (oof[r] = p[i]));
    // A per-fold threshold from the fold's own inner hold-out (the rows the hold-out fit was early-stopped on).
    const threshold = foldThreshold(train, ensemble, foldSeed);
    split.test.forEach((r, i) => (alarmsFoldThreshold[r] = p[i] >= threshold ? 1 : 0));
    const { maxDepth, minChildWeight, rounds } = selection.params;
    chosen.push({ fold: split.fold, maxDepth, minChildWeight, rounds, auroc: auroc(test.y, p), threshold });
    log(`  fold ${split.fold + 1}/${folds}: AUROC ${auroc(test.y, p).toFixed(4)}, ${rounds} rounds, depth ${maxDepth}`);
  }
  const threshold = chooseThreshold(data, oof);
  if (save) writeFileSync(save, new Uint8Array(oof.buffer));
  const report = { replicates: 200, seed };
  const aurocCi = bootstrapCI(data.y, oof, auroc, { ...report, groups: data.groups });
  const utilityCi = utilityReport(data.groups!, data.y, oof, threshold, report).utility;
  return {
    auroc: auroc(data.y, oof),
    utility: utilityAt(data, oof, threshold),
    aurocInterval: { lower: aurocCi.lower, upper: aurocCi.upper },
    utilityInterval: { lower: utilityCi.lower, upper: utilityCi.upper },
    threshold,
    utilityFoldThreshold: normalizedUtility(groupByPatient(data.groups!, data.y, alarmsFoldThreshold)).normalized,
    folds: chosen,
    seconds: (Date.now() - started) / 1000,
  };
}

function foldThreshold(train: Dataset, ensemble: TreeEnsemble, seed: number): number {
  const holdout = subset(train, innerSplits(train, sepsisRecipe.search.inner, seed)[0].test);
  return chooseThreshold(holdout, predictProbabilities(ensemble, holdout));
}

/** A variant's CV utility minus 1.0.0's on the same patients, with a paired bootstrap interval over patients. */
interface PairedDifference {
  against: string;
  utilityDifference: number;
  lower: number;
  upper: number;
  replicates: number;
}

/**
 * Paired bootstrap of the difference in normalized utility between two sets of out-of-fold predictions of the same
 * rows, each at its own threshold: patients are resampled once per replicate for both, so the interval is the
 * difference's, not two intervals side by side. The normalizer (best − inaction) depends only on the labels.
 */
export function pairedUtilityDifference(
  data: Dataset,
  mine: { p: ArrayLike<number>; threshold: number },
  theirs: { p: ArrayLike<number>; threshold: number },
  replicates: number,
  seed: number,
): { estimate: number; lower: number; upper: number } {
  const parts = (v: { p: ArrayLike<number>; threshold: number }) =>
    groupByPatient(
      data.groups!,
      data.y,
      Float64Array.from(v.p, (q) => (q >= v.threshold ? 1 : 0)),
    ).map((patient) => normalizedUtility([patient]));
  const a = parts(mine);
  const b = parts(theirs);
  const sum = (w: (i: number) => number, f: (i: number) => number) => {
    let total = 0;
    for (let i = 0; i < a.length; i++) total += w(i) * f(i);
    return total;
  };
  const gain = (i: number) => a[i].observed - b[i].observed;
  const scale = (i: number) => a[i].best - a[i].inaction;
  const rng = new Rng(seed);
  const draws = new Float64Array(a.length);
  const values: number[] = [];
  for (let r = 0; r < replicates; r++) {
    draws.fill(0);
    for (let i = 0; i < a.length; i++) draws[rng.int(0, a.length - 1)]++;
    values.push(sum((i) => draws[i], gain) / sum((i) => draws[i], scale));
  }
  values.sort((x, y) => x - y);
  const q = (level: number) => values[Math.round(level * (values.length - 1))];
  return { estimate: sum(() => 1, gain) / sum(() => 1, scale), lower: q(0.025), upper: q(0.975) };
}

interface VariantResult {
  name: string;
  description: string;
  features: number;
  paired?: PairedDifference;
  cv?: CvResult;
  transfer?: (TransferResult & { seconds: number })[];
}

async function run(
  variantNames: string[],
  steps: string[],
  out: string,
  dataDir: string,
  thresholdFolds: number,
  oofRuns: Record<string, string> = {},
): Promise<void> {
  log('reading set A');
  const csv = await readChallengeCsv(join(dataDir, 'physionet2019', 'setA.csv.gz'), { requireLabel: true });
  log('building 1.0.0 rows and trend features');
  const { data: all, units } = sepsisTrendDataset(csv.table);
  log(`built ${all.y.length} rows × ${all.featureNames.length} columns`);
  const snapshot = all.featureNames.slice(0, all.featureNames.length - ALL_TRENDS.length);
  const results: VariantResult[] = [];
  for (const name of variantNames) {
    const variant = VARIANTS.find((v) => v.name === name);
    if (!variant) throw new Error(`unknown variant ${name}; known: ${VARIANTS.map((v) => v.name).join(', ')}`);
    const data = selectColumns(all, variant.columns(snapshot));
    const result: VariantResult = { name, description: variant.description, features: data.featureNames.length };
    results.push(result);
    for (const step of steps) {
      const started = Date.now();
      if (step === 'transfer') {
        log(`${name}: transfer check`);
        const transfer = transferCheck(data, units, {
          search: sepsisRecipe.search,
          seed: sepsisRecipe.seed,
          threshold: chooseThreshold,
          utility: true,
          thresholdFolds,
          onProgress: log,
        });
        const seconds = (Date.now() - started) / 1000;
        result.transfer = transfer.map((t) => ({ ...t, seconds }));
        for (const t of transfer)
          log(`${name}: ${t.train}→${t.test} AUROC ${t.auroc.toFixed(4)} utility ${t.utility!.toFixed(4)}`);
      } else if (step === 'cv') {
        log(`${name}: grouped 5-fold CV (${data.featureNames.length} features)`);
        result.cv = groupedCv(data, out.replace(/\.json$/, `-${name}-oof.f64`));
        log(`${name}: CV AUROC ${result.cv.auroc.toFixed(4)} utility ${result.cv.utility.toFixed(4)}`);
      } else if (step === 'paired') {
        // Needs this variant's and 1.0.0's saved out-of-fold predictions and thresholds (from their CV runs).
        const load = async (variant: string) => {
          const run = JSON.parse(await readFile(oofRuns[variant], 'utf8')) as VariantResult[];
          const cv = run.find((v) => v.name === variant)!.cv!;
          const bytes = await readFile(oofRuns[variant].replace(/\.json$/, `-${variant}-oof.f64`));
          return { p: new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8), threshold: cv.threshold };
        };
        const d = pairedUtilityDifference(data, await load(name), await load('1.0.0'), 1000, sepsisRecipe.seed);
        result.paired = {
          against: '1.0.0',
          utilityDifference: d.estimate,
          lower: d.lower,
          upper: d.upper,
          replicates: 1000,
        };
        log(`${name}: utility − 1.0.0's ${d.estimate.toFixed(4)} (${d.lower.toFixed(4)}–${d.upper.toFixed(4)})`);
      } else throw new Error(`unknown step ${step}`);
      await mkdir(dirname(out), { recursive: true });
      await writeFile(out, `${JSON.stringify(results, null, 2)}\n`);
    }
  }
}

/** 1.0.0's grouped-CV figures as its card reports them (the same folds, seed and search as `groupedCv`). */
async function cardCv(): Promise<CvResult & { source: string }> {
  const card = JSON.parse(await readFile('models/sepsis/card.json', 'utf8')) as {
    evaluation: { gbdt: { auroc: Interval; utility: Interval; atThreshold: { threshold: number } } };
  };
  const { auroc: a, utility: u, atThreshold } = card.evaluation.gbdt;
  return {
    source: 'models/sepsis/card.json (not rerun)',
    auroc: a.estimate,
    utility: u.estimate,
    aurocInterval: { lower: a.lower, upper: a.upper },
    utilityInterval: { lower: u.lower, upper: u.upper },
    threshold: atThreshold.threshold,
    utilityFoldThreshold: NaN,
    folds: [],
    seconds: NaN,
  };
}

type Interval = { estimate: number; lower: number; upper: number };
type Transfer = TransferResult & { seconds: number };

/** Transfer results of both variants with thresholds from the same source: out-of-fold when both have it. */
function comparable(mine: Transfer[] = [], theirs: Transfer[] = []): { mine: Transfer[]; theirs: Transfer[] } {
  const has = (list: Transfer[], from: string) => list.some((t) => t.thresholdFrom.startsWith(from));
  const from = has(mine, 'out-of-fold') && has(theirs, 'out-of-fold') ? 'out-of-fold' : 'the inner';
  const pick = (list: Transfer[]) => list.filter((t) => t.thresholdFrom.startsWith(from));
  return { mine: pick(mine), theirs: pick(theirs) };
}

/** Whether this script's 1.0.0 CV equals the card's (the check that the folds, seeds and search are the same). */
function reproduced(cv: CvResult | undefined, card: CvResult): string {
  if (!cv || cv === card) return '1.0.0’s CV figures are the card’s (not rerun here).';
  const same = Math.abs(cv.auroc - card.auroc) < 5e-5 && Math.abs(cv.utility - card.utility) < 5e-5;
  return `1.0.0 was rerun by this script: AUROC ${cv.auroc.toFixed(4)}, utility ${cv.utility.toFixed(4)}; the card says ${card.auroc.toFixed(4)} and ${card.utility.toFixed(4)}${same ? ' (the same folds, seeds and search reproduce it)' : ' (they differ: the folds or search are not the same)'}.`;
}

/** Merges run files into one JSON and a readable summary, with the issue's decision rule applied. */
async function summarise(files: string[], out: string): Promise<void> {
  const byName = new Map<string, VariantResult>();
  for (const file of files) {
    for (const r of JSON.parse(await readFile(file, 'utf8')) as VariantResult[]) {
      const seen = byName.get(r.name);
      // Runs made before results named their threshold's source used the inner hold-out.
      const transfer = (r.transfer ?? []).map((t) => ({
        ...t,
        thresholdFrom: t.thresholdFrom ?? `the inner hold-out of ${t.train}`,
      }));
      byName.set(r.name, {
        ...seen,
        ...r,
        cv: r.cv ?? seen?.cv,
        paired: r.paired ?? seen?.paired,
        transfer: [...(seen?.transfer ?? []), ...transfer],
      });
    }
  }
  const reference = byName.get('1.0.0');
  const card = await cardCv();
  if (reference && !reference.cv) reference.cv = card;
  if (reference) delete reference.paired;
  const variants = [...byName.values()];
  const decide = (v: VariantResult) => {
    if (!reference || v === reference) return null;
    const cvGain = v.cv && reference.cv ? v.cv.utility - reference.cv.utility : null;
    const { mine, theirs } = comparable(v.transfer, reference.transfer);
    const transferHolds =
      mine.length > 0 && theirs.length > 0
        ? mine.every((t) => {
            const r = theirs.find((x) => x.train === t.train && x.test === t.test)!;
            return t.utility! >= r.utility! && t.auroc >= r.auroc;
          })
        : null;
    return {
      cvUtilityGain: cvGain,
      beatsBy002: cvGain === null ? null : cvGain >= 0.02,
      transferFrom: mine?.[0]?.thresholdFrom ?? null,
      transferDoesNotLose: transferHolds,
      ships: cvGain !== null && transferHolds !== null && cvGain >= 0.02 && transferHolds,
    };
  };
  const doc = {
    experiment: 'sepsis 2.0.0 trend features (issue 13 §3)',
    data: 'PhysioNet/CinC 2019 set A only (20,336 stays); set B untouched',
    protocol:
      'Grouped (by patient) stratified 5-fold CV with 1.0.0’s splits, seed (20261123), grid and inner hold-out (GBDT only, no logistic baseline); threshold: best normalized utility on the pooled out-of-fold predictions, as 1.0.0; utilityFoldThreshold: the threshold chosen on each training fold’s inner hold-out instead. Transfer check: fit on one ICU type of set A (Unit1 medical, 5,344 patients, 10.8 % septic; Unit2 surgical, 5,470 patients, 4.1 % septic) with the same search, tested on the other unit; patients with neither unit (9,522) left out; the threshold chosen inside the training unit, on out-of-fold predictions of a grouped 5-fold CV (decisive) or on its inner hold-out (a fifth of the unit; also reported).',
    rule: 'Ship 2.0.0 only if it beats 1.0.0 by ≥ 0.02 utility in grouped CV and does not lose in the transfer check (utility and AUROC at least 1.0.0’s in both directions, thresholds from the training unit’s out-of-fold predictions); otherwise keep 1.0.0.',
    variants: variants.map((v) => ({ ...v, decision: decide(v) })),
  };
  await mkdir(dirname(out), { recursive: true });
  await writeFile(`${out}.json`, `${JSON.stringify(doc, null, 2)}\n`);
  const f = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '—' : x.toFixed(3));
  const t = (v: VariantResult, a: string, b: string, from: string) => {
    const r = v.transfer?.find((x) => x.train === a && x.test === b && x.thresholdFrom.startsWith(from));
    return r ? `${f(r.auroc)} / ${f(r.utility)}` : '—';
  };
  const seconds = (v: VariantResult, from: string) => {
    const r = v.transfer?.find((x) => x.thresholdFrom.startsWith(from));
    return r ? r.seconds.toFixed(0) : '—';
  };
  const lines = [
    '# Sepsis 2.0.0 experiment: trend features (issue 13 §3)',
    '',
    `${doc.data}. Written by \`npx tsx src/training/experiments/sepsis-trends.ts\` (see its header).`,
    '',
    doc.protocol,
    '',
    doc.rule,
    '',
    '## Grouped 5-fold CV on set A',
    '',
    '| variant | features | hourly AUROC (95% CI) | utility (95% CI) | utility − 1.0.0’s (paired 95% CI) | threshold | utility, fold thresholds | seconds |',
    '|---|---|---|---|---|---|---|---|',
    ...variants.map((v) =>
      v.cv
        ? `| ${v.name} | ${v.features} | ${f(v.cv.auroc)} (${f(v.cv.aurocInterval.lower)}–${f(v.cv.aurocInterval.upper)}) | ${f(v.cv.utility)} (${f(v.cv.utilityInterval.lower)}–${f(v.cv.utilityInterval.upper)}) | ${v.paired ? `${f(v.paired.utilityDifference)} (${f(v.paired.lower)}–${f(v.paired.upper)})` : '—'} | ${v.cv.threshold} | ${f(v.cv.utilityFoldThreshold)} | ${Number.isNaN(v.cv.seconds) ? '—' : v.cv.seconds.toFixed(0)}${(v.cv as { source?: string }).source ? ` (${(v.cv as { source?: string }).source})` : ''} |`
        : `| ${v.name} | ${v.features} | not run | | | | | |`,
    ),
    '',
    reproduced(reference?.cv, card),
    '',
    '## Transfer check (AUROC / utility on the test unit)',
    '',
    '| variant | Unit1→Unit2, OOF threshold | Unit2→Unit1, OOF threshold | seconds | Unit1→Unit2, hold-out threshold | Unit2→Unit1, hold-out threshold | seconds |',
    '|---|---|---|---|---|---|---|',
    ...variants.map(
      (v) =>
        `| ${v.name} | ${t(v, 'Unit1', 'Unit2', 'out-of-fold')} | ${t(v, 'Unit2', 'Unit1', 'out-of-fold')} | ${seconds(v, 'out-of-fold')} | ${t(v, 'Unit1', 'Unit2', 'the inner')} | ${t(v, 'Unit2', 'Unit1', 'the inner')} | ${seconds(v, 'the inner')} |`,
    ),
    '',
    'Seconds are wall time on the shared 2-core machine under load from other sessions (1.0.0’s CV took ~650 s idle).',
    '',
    ...variants.map((v) => `- **${v.name}** (${v.features} features): ${v.description}.`),
    '',
    '## Decision',
    '',
    ...doc.variants
      .filter((v) => v.decision)
      .map(
        (v) =>
          `- ${v.name}: CV utility gain ${v.decision!.cvUtilityGain === null ? '— (CV not run)' : v.decision!.cvUtilityGain.toFixed(3)} (needs ≥ 0.02: ${v.decision!.beatsBy002 ?? '—'}); transfer does not lose: ${v.decision!.transferDoesNotLose ?? '—'} → ${v.decision!.ships ? 'ships' : 'does not ship'}.`,
      ),
    '',
    doc.variants.some((v) => v.decision?.ships)
      ? `Outcome: ship ${doc.variants.find((v) => v.decision?.ships)!.name} as 2.0.0.`
      : 'Outcome: no variant meets the rule; 1.0.0 stays. Every variant’s Unit1→Unit2 utility is negative: a threshold chosen where 10.8 % of patients are septic alarms too often where 4.1 % are (AUROC carries, the threshold does not).',
    '',
  ];
  await writeFile(`${out}.md`, lines.join('\n'));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      variants: { type: 'string', default: '1.0.0,trends' },
      steps: { type: 'string', default: 'transfer,cv' },
      out: { type: 'string', default: 'models/sepsis/experiments/trends-run.json' },
      data: { type: 'string', default: 'data' },
      summarise: { type: 'string' },
      'threshold-folds': { type: 'string', default: '5' },
      /** For the `paired` step: variant=run.json of the CV runs whose out-of-fold predictions to pair. */
      oof: { type: 'string', default: '' },
    },
  });
  if (values.summarise) return summarise(values.summarise.split(','), values.out!);
  await run(
    values.variants!.split(','),
    values.steps!.split(','),
    values.out!,
    values.data!,
    Number(values['threshold-folds']),
    Object.fromEntries(
      values
        .oof!.split(',')
        .filter(Boolean)
        .map((pair) => pair.split('=') as [string, string]),
    ),
  );
}

if (require.main === module) {
  main().catch((error) => {
    log(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  });
}
