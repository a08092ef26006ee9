/** The train/score command line as a user runs it: a real process, its exit code, what it prints and writes. */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';

const dir = mkdtempSync(join(tmpdir(), 'score-cli-'));

/** `npm run <command> -- ...args`, as package.json runs it (tsx on src/training/cli.ts). */
function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', join('src', 'training', 'cli.ts'), ...args],
      { env: { ...process.env, NODE_OPTIONS: '' }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const HEADER = 'id,pregnancies,glucose,blood_pressure,skin_thickness,insulin,bmi,diabetes_pedigree_function,age';
const ROW = 'p1,1,85,66,29,,26.6,0.351,31';

describe('npm run score / train: usage', () => {
  it.each([
    ['score', '--help'],
    ['score', '-h'],
    ['train', '--help'],
  ])('`%s %s` prints the usage on stdout and exits 0', async (command, flag) => {
    const { code, stdout, stderr } = await cli(command, flag);
    expect(stderr).not.toMatch(/TypeError/);
    expect(stdout).toMatch(/^usage:/);
    expect(stdout).toContain('npm run score -- --model <id> --input in.csv --output out.csv');
    expect(code).toBe(0);
  });

  it.each([
    ['score', '--bogus'],
    ['score', '--check'], // an option of train, not of score
    ['train', '--bogus'], // (not `train --input x.csv`: a regression there would start training)
  ])('`%s %s` names the unknown option, prints the usage and exits 2', async (command, ...flags) => {
    const { code, stderr } = await cli(command, ...flags);
    expect(stderr).not.toMatch(/TypeError/);
    expect(stderr).toMatch(new RegExp(`unknown option '${flags[0]}'`, 'i'));
    expect(stderr).toContain('usage:');
    expect(code).toBe(2);
  });
});

describe('npm run score: the header', () => {
  it('scores a file with the feature names as the card spells them, naming the copied column', async () => {
    const input = join(dir, 'good.csv');
    const output = join(dir, 'good-out.csv');
    writeFileSync(input, `${HEADER}\n${ROW}\n`);
    const { code, stderr } = await cli('score', '--model', 'diabetes', '--input', input, '--output', output);
    expect(code).toBe(0);
    expect(stderr).toMatch(/scored 1 rows with diabetes .*; copied through \(not features\): `id`/);
    const [row]: Record<string, string>[] = parse(readFileSync(output), { columns: true });
    expect(row).toMatchObject({ id: 'p1', risk_band: 'LOW' });
  });

  it('refuses `Glucose` and `BMI` for `glucose` and `bmi`, exits non-zero and writes nothing (they were scored as missing: LOW became HIGH)', async () => {
    const input = join(dir, 'misspelled.csv');
    const output = join(dir, 'misspelled-out.csv');
    writeFileSync(input, `${HEADER.replace('glucose', 'Glucose').replace('bmi', 'BMI')}\n${ROW}\n`);
    const { code, stderr } = await cli('score', '--model', 'diabetes', '--input', input, '--output', output);
    expect(stderr).toContain('column `Glucose` looks like feature `glucose`; rename it');
    expect(stderr).toContain('column `BMI` looks like feature `bmi`; rename it');
    expect(code).not.toBe(0);
    expect(existsSync(output)).toBe(false);
  });
});
