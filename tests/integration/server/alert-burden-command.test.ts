/**
 * `npm run alert-burden` end to end on 3 set-A stays: it replays them through the monitor on a database of its own and
 * writes a burden file the model page can read, whose counts agree with themselves.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alertBurdenSchema } from '@/monitoring/alert-burden';
import { npmRun } from '../../support/npm-script';

const dir = mkdtempSync(join(tmpdir(), 'crc-alert-burden-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('replays 3 stays and writes their alert burden', async () => {
  const out = join(dir, 'alert-burden.json');
  const run = await npmRun('alert-burden', ['--patients', '3', '--out', out], {}, 240_000);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const burden = alertBurdenSchema.parse(JSON.parse(readFileSync(out, 'utf8')));
  expect(burden).toMatchObject({ modelId: 'sepsis', stays: 3, command: 'npm run alert-burden -- --patients 3' });
  // p000001–p000003: 54, 23 and 48 hours.
  expect(burden.patientDays).toBeCloseTo((54 + 23 + 48) / 24, 9);
  const any = burden.byKind.find((k) => k.kind === 'any')!;
  const kinds = burden.byKind.filter((k) => k.kind !== 'any');
  expect(any.alerts).toBe(kinds.reduce((n, k) => n + k.alerts, 0));
  for (const k of burden.byKind) expect(k.perPatientDay).toBeCloseTo(k.alerts / burden.patientDays, 12);
  expect(burden.hoursAssessed).toBeGreaterThan(100);
}, 300_000);
