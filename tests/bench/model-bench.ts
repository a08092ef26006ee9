/** `npm run bench`: prediction and explanation throughput and memory per loaded model, for every shipped model. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { prepareExplainer } from '../../src/explain/tree-shap';
import { loadModel, type LoadedModel } from '../../src/inference/model-registry';
import { selectColumns } from '../../src/training/feature-columns';
import { recipeFor } from '../../src/training/recipes/all-recipes';

// Smallest first, so no model's memory figure reuses pages another model's data freed.
const MODELS = ['heart-failure', 'diabetes', 'icu-mortality', 'sepsis'];
/** Each throughput figure runs for at least this long. */
const SECONDS = 2;
const OUT = join('bench-results', 'models.json');
/** Copies loaded to measure memory: one small model is below the noise of a single RSS reading. */
const COPIES = 10;
/**
 * The explainer as served and Algorithm 2 alone are timed in alternation, this many rounds each, so a neighbour's load
 * on the shared CPU weighs on both sides of their ratio alike.
 */
const EXPLAIN_ROUNDS = 3;

interface Result {
  model: string;
  trees: number;
  features: number;
  maxDepth: number;
  predictRowsPerSecondBatch1: number;
  predictRowsPerSecondBatch1000: number;
  /** The explainer as loaded (Fast TreeSHAP v2 for the trees whose tables fit its budget, Algorithm 2 for the rest). */
  explainRowsPerSecond: number;
  explainToPredictRatio: number;
  /** Trees explained with Fast TreeSHAP v2, and its tables' size. */
  fastTrees: number;
  fastTableKiB: number;
  /** Algorithm 2 for every tree (the explainer before Fast TreeSHAP v2), measured in the same run. */
  algorithm2RowsPerSecond: number;
  algorithm2ToPredictRatio: number;
  /** Explanation cost as loaded / with Algorithm 2 alone (below 1: faster). */
  newToOldCost: number;
  /** Resident memory added per loaded model (onnxruntime's native session included). */
  memoryMiB: number;
  /** Of which JS heap and array buffers (card, parsed trees, prepared explainer). */
  heapMiB: number;
}

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error('run with node --expose-gc (npm run bench does)');
  collect();
  collect();
}

/** Calls `run` (which handles `perCall` rows) until SECONDS have passed; rows per second. */
async function throughput(perCall: number, run: (i: number) => Promise<unknown> | unknown): Promise<number> {
  for (let i = 0; i < 20; i++) await run(i); // warm-up
  const start = process.hrtime.bigint();
  let calls = 0;
  let elapsed = 0;
  while (elapsed < SECONDS) {
    await run(calls++);
    elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  }
  return (calls * perCall) / elapsed;
}

async function measure(id: string): Promise<Result> {
  // Memory first: freed training data would otherwise be reused by the models and hide their size.
  gc();
  const heap = () => {
    const m = process.memoryUsage();
    return m.heapUsed + m.external;
  };
  const before = { rss: process.memoryUsage().rss, heap: heap() };
  const copies: LoadedModel[] = [];
  for (let i = 0; i < COPIES; i++) copies.push(await loadModel('models', id));
  gc();
  const memoryMiB = (process.memoryUsage().rss - before.rss) / COPIES / 2 ** 20;
  const heapMiB = (heap() - before.heap) / COPIES / 2 ** 20;
  const [model, ...extra] = copies;
  await Promise.all(extra.map((m) => m.onnx.release()));
  const { explainer } = model;
  const training = await recipeFor(id).load('data', () => undefined);

  const width = model.vectorNames.length;
  const data = selectColumns(training.data, model.vectorNames);
  const rows = data.y.length;
  const row = (i: number) => data.x.subarray((i % rows) * width, ((i % rows) + 1) * width);
  const batch = (i: number) => {
    const start = (i * 1000) % Math.max(1, rows - 1000);
    return data.x.subarray(start * width, (start + Math.min(1000, rows)) * width);
  };
  const batchRows = Math.min(1000, rows);

  const predict1 = await throughput(1, (i) => model.onnx.predict(row(i)));
  const predict1000 = await throughput(batchRows, (i) => model.onnx.predict(batch(i)));
  const out = new Float64Array(width);
  const algorithm2 = prepareExplainer(model.ensemble, { algorithm: 'algorithm-2' });
  let explain = 0;
  let explainAlgorithm2 = 0;
  for (let round = 0; round < EXPLAIN_ROUNDS; round++) {
    explain += (await throughput(1, (i) => explainer.explainInto(row(i), out, 0))) / EXPLAIN_ROUNDS;
    explainAlgorithm2 += (await throughput(1, (i) => algorithm2.explainInto(row(i), out, 0))) / EXPLAIN_ROUNDS;
  }
  await model.onnx.release();
  return {
    model: id,
    trees: model.ensemble.trees.length,
    features: width,
    maxDepth: explainer.maxDepth,
    predictRowsPerSecondBatch1: predict1,
    predictRowsPerSecondBatch1000: predict1000,
    explainRowsPerSecond: explain,
    explainToPredictRatio: predict1 / explain,
    fastTrees: explainer.fastTreeCount,
    fastTableKiB: explainer.fastTableBytes / 1024,
    algorithm2RowsPerSecond: explainAlgorithm2,
    algorithm2ToPredictRatio: predict1 / explainAlgorithm2,
    newToOldCost: explainAlgorithm2 / explain,
    memoryMiB,
    heapMiB,
  };
}

async function main(): Promise<void> {
  const machine = {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    onnxruntime: (await import('onnxruntime-node/package.json')).version as string,
  };
  // onnxruntime's one-time start-up (its thread pools and allocators) belongs to no model.
  await (await loadModel('models', MODELS[0])).onnx.release();
  const results: Result[] = [];
  for (const id of MODELS) results.push(await measure(id));

  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  console.log(
    `machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, onnxruntime-node ${machine.onnxruntime}`,
  );
  console.log(
    'one core for explanations (TreeSHAP, log-odds); onnxruntime with one intra-op thread; ' +
      'explain/predict cost = predict rows/s (batch 1) / explained rows/s',
  );
  console.table(
    results.map((r) => ({
      model: r.model,
      trees: r.trees,
      'max depth': r.maxDepth,
      features: r.features,
      'predict rows/s (batch 1)': fmt(r.predictRowsPerSecondBatch1),
      'predict rows/s (batch 1000)': fmt(r.predictRowsPerSecondBatch1000),
      'v2 trees': r.fastTrees,
      'v2 tables KiB': r.fastTableKiB.toFixed(0),
      'explained rows/s': fmt(r.explainRowsPerSecond),
      'explain/predict cost': r.explainToPredictRatio.toFixed(2),
      'Algorithm 2 rows/s': fmt(r.algorithm2RowsPerSecond),
      'Algorithm 2 explain/predict': r.algorithm2ToPredictRatio.toFixed(2),
      'cost new/old': r.newToOldCost.toFixed(2),
      'memory MiB (RSS)': r.memoryMiB.toFixed(2),
      'of which JS MiB': r.heapMiB.toFixed(2),
    })),
  );
  mkdirSync('bench-results', { recursive: true });
  writeFileSync(OUT, `${JSON.stringify({ machine, seconds: SECONDS, results }, null, 2)}\n`);
  console.log(`written to ${OUT}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
