/**
 * `npm run soak [-- --seconds 60] [--connections 64] [--warmup 10] [--idle 5] [--progress 2]
 * [--models heart-failure,diabetes,sepsis] [--timeout 10] [--no-build]`: the predict soak
 * (tests/load/predict-soak.ts) on a fresh Postgres database (BENCH_POSTGRES, default the machine's).
 * Prints the summary, writes bench-results/soak.json and exits 1 on any error, any acknowledged id
 * missing from the database (or any row nobody acknowledged), or memory growth at rest beyond its bounds.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOAD_MODELS, type LoadModelId } from '../support/varied-rows';
import { DEFAULT_SOAK, soakOnFreshDatabase, summaryLine, summaryTable } from './predict-soak';

const OUT = join('bench-results', 'soak.json');

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function positive(name: string, fallback: number, { integer = false, zero = false } = {}): number {
  const given = argValue(name);
  const value = given === undefined ? fallback : Number(given);
  if (!Number.isFinite(value) || value < 0 || (!zero && value === 0) || (integer && !Number.isInteger(value))) {
    throw new Error(`${name} must be a ${integer ? 'whole ' : ''}number ${zero ? '≥ 0' : '> 0'}, got ${given}`);
  }
  return value;
}

function models(): LoadModelId[] {
  const given = argValue('--models');
  if (given === undefined) return [...DEFAULT_SOAK.models];
  const list = given.split(',').map((m) => m.trim());
  const unknown = list.filter((m) => !(LOAD_MODELS as readonly string[]).includes(m));
  if (list.length === 0 || unknown.length)
    throw new Error(`--models takes a comma-separated list of ${LOAD_MODELS.join(', ')}; got ${given}`);
  return list as LoadModelId[];
}

async function main(): Promise<void> {
  const result = await soakOnFreshDatabase({
    seconds: positive('--seconds', DEFAULT_SOAK.seconds),
    connections: positive('--connections', DEFAULT_SOAK.connections, { integer: true }),
    warmupSeconds: positive('--warmup', DEFAULT_SOAK.warmupSeconds),
    idleSeconds: positive('--idle', DEFAULT_SOAK.idleSeconds, { zero: true }),
    progressSeconds: positive('--progress', DEFAULT_SOAK.progressSeconds),
    timeoutSeconds: positive('--timeout', DEFAULT_SOAK.timeoutSeconds),
    models: models(),
    build: !process.argv.includes('--no-build'),
    postgres: process.env.BENCH_POSTGRES,
    log: (line) => console.log(line),
  });
  console.log(`\n${summaryTable(result)}\n\n${summaryLine(result)}`);
  mkdirSync('bench-results', { recursive: true });
  writeFileSync(OUT, JSON.stringify(result, null, 2) + '\n');
  console.log(`wrote ${OUT}`);
  if (!result.passed) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
