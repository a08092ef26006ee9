/**
 * `npm run bench:score`: rows per second and peak resident memory of `npm run score -- --model sepsis` on hourly files
 * of 10k, 100k and 761,995 rows cut from set A, each scored by the real command in its own process. Peak RSS is the
 * child's own maximum resident set as the kernel counts it (GNU time's %M, from wait4's rusage), so it includes
 * onnxruntime's native memory and everything V8 kept. The inputs live in a temporary directory, removed afterwards.
 * Writes bench-results/score.json.
 */
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { fmt, machine } from '../support/bench-report';

const SET_A = join('data', 'physionet2019', 'setA.csv.gz');
/** The largest is the figure: the file that exhausted a 4 GB heap when the command read it whole. */
const SIZES = [10_000, 100_000, 761_995];
/**
 * Bounded memory means the peak does not follow the file: 76× the rows may cost at most half as much again as the
 * smallest run (start-up, the model and one batch dominate both).
 */
const TARGET_RSS_RATIO = 1.5;
const TIME = '/usr/bin/time';
const OUT = join('bench-results', 'score.json');

interface Result {
  rows: number;
  inputMiB: number;
  seconds: number;
  rowsPerSecond: number;
  peakRssMiB: number;
}

/** The header and the first `size` rows of set A, for every size, written in one pass over the file. */
async function writeInputs(dir: string): Promise<string[]> {
  const paths = SIZES.map((size) => join(dir, `hourly-${size}.csv`));
  const outs = paths.map((path) => createWriteStream(path));
  const lines = createInterface({ input: createReadStream(SET_A).pipe(createGunzip()), crlfDelay: Infinity });
  let row = -1; // the header is row -1
  for await (const line of lines) {
    for (let i = 0; i < SIZES.length; i++) {
      if (row < SIZES[i] && !outs[i].write(`${line}\n`)) await once(outs[i], 'drain');
    }
    if (++row >= SIZES[SIZES.length - 1]) break;
  }
  if (row < SIZES[SIZES.length - 1]) throw new Error(`${SET_A} has ${row} rows, fewer than ${SIZES.at(-1)}`);
  await Promise.all(outs.map((out) => new Promise((resolve) => out.end(resolve))));
  return paths;
}

/** Runs the score command on `input` as a child process under GNU time; wall seconds and the child's peak RSS. */
async function scoreOnce(input: string, output: string, timing: string): Promise<{ seconds: number; peakKiB: number }> {
  const args = ['-f', '%M', '-o', timing, process.execPath, '--import', 'tsx', 'src/training/cli.ts', 'score'];
  args.push('--model', 'sepsis', '--input', input, '--output', output);
  const start = process.hrtime.bigint();
  const child = spawn(TIME, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  const [code] = (await once(child, 'exit')) as [number | null];
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (code !== 0) throw new Error(`score exited with ${code} on ${input}`);
  // GNU time writes the exit status line first when the command failed; the last line is %M.
  const peakKiB = Number(readFileSync(timing, 'utf8').trim().split('\n').at(-1));
  if (!Number.isFinite(peakKiB)) throw new Error(`could not read the peak RSS from ${timing}`);
  return { seconds, peakKiB };
}

function countLines(path: string): number {
  return Number(execFileSync('wc', ['-l', path], { encoding: 'utf8' }).trim().split(/\s+/)[0]);
}

async function main(): Promise<void> {
  if (!existsSync(TIME)) throw new Error(`${TIME} (GNU time) measures the child's peak RSS: apt-get install time`);
  if (!existsSync(SET_A)) throw new Error(`${SET_A} is missing: link ./data to ../shared/data`);
  const dir = mkdtempSync(join(tmpdir(), 'score-bench-'));
  try {
    console.log(`cutting hourly inputs of ${SIZES.map((s) => fmt(s)).join(', ')} rows from ${SET_A} …`);
    const inputs = await writeInputs(dir);
    const results: Result[] = [];
    for (let i = 0; i < SIZES.length; i++) {
      const output = join(dir, `scored-${SIZES[i]}.csv`);
      const { seconds, peakKiB } = await scoreOnce(inputs[i], output, join(dir, `time-${SIZES[i]}.txt`));
      const written = countLines(output) - 1;
      if (written !== SIZES[i]) throw new Error(`${output}: ${written} rows scored, expected ${SIZES[i]}`);
      results.push({
        rows: SIZES[i],
        inputMiB: Number((readFileSync(inputs[i]).length / 2 ** 20).toFixed(1)),
        seconds: Number(seconds.toFixed(2)),
        rowsPerSecond: Math.round(SIZES[i] / seconds),
        peakRssMiB: Number((peakKiB / 1024).toFixed(1)),
      });
      rmSync(output);
    }

    const ratio = results.at(-1)!.peakRssMiB / results[0].peakRssMiB;
    const m = machine();
    console.log(
      `\nMachine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node} (${m.platform}); one process per run, onnxruntime with one thread`,
    );
    console.table(
      results.map((r) => ({
        rows: fmt(r.rows),
        'input MiB': fmt(r.inputMiB, 1),
        seconds: fmt(r.seconds, 1),
        'rows/s (start-up included)': fmt(r.rowsPerSecond),
        'peak RSS MiB': fmt(r.peakRssMiB, 1),
      })),
    );
    const verdict = ratio <= TARGET_RSS_RATIO ? 'met' : 'NOT MET';
    console.log(
      `peak RSS at ${fmt(results.at(-1)!.rows)} rows ÷ at ${fmt(results[0].rows)} rows = ${ratio.toFixed(2)} (target ≤ ${TARGET_RSS_RATIO}: memory must not grow with the file) — ${verdict}`,
    );
    mkdirSync('bench-results', { recursive: true });
    writeFileSync(
      OUT,
      `${JSON.stringify({ machine: m, source: SET_A, targetRssRatio: TARGET_RSS_RATIO, rssRatio: Number(ratio.toFixed(3)), results }, null, 2)}\n`,
    );
    console.log(`written to ${OUT}`);
    if (ratio > TARGET_RSS_RATIO) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
