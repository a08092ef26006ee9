/**
 * `npm run worker` as a child process: it says when it is consuming (what a supervisor or a fault test waits for),
 * stops gracefully on SIGTERM to its process group, and refuses a bad command line. It runs on its own stream names
 * and an embedded database of its own, so it never meets a real worker's messages.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { parseWorkerArgs, WorkerUsageError } from '@/server/worker-command';
import { npmRun, npmStart, stopGroup } from '../../support/npm-script';

describe('parseWorkerArgs', () => {
  it('takes a name, a concurrency and stream names, defaulting to the production stream', () => {
    expect(parseWorkerArgs(['--name', 'w1', '--concurrency', '8'])).toEqual({
      name: 'w1',
      concurrency: 8,
      names: { stream: 'CRC_OBSERVATIONS', subjectPrefix: 'crc.observations', consumer: 'crc-monitor' },
    });
    expect(parseWorkerArgs([]).concurrency).toBe(4);
    expect(parseWorkerArgs(['--stream', 'T1', '--subject-prefix', 't1.obs', '--consumer', 'c1']).names).toEqual({
      stream: 'T1',
      subjectPrefix: 't1.obs',
      consumer: 'c1',
    });
  });

  it('refuses what it cannot run with, naming the option and what it allows', () => {
    expect(() => parseWorkerArgs(['--concurrency', '0'])).toThrow(/--concurrency must be a whole number from 1 to 256/);
    expect(() => parseWorkerArgs(['--subject-prefix', 'a.*'])).toThrow(/--subject-prefix must be letters/);
    expect(() => parseWorkerArgs(['--colour', 'red'])).toThrow(WorkerUsageError);
  });
});

describe('npm run worker', () => {
  const id = randomUUID().replace(/-/g, '').slice(0, 12);
  const names = { stream: `CRC_CMD_${id}`, subjectPrefix: `crccmd.${id}`, consumer: `crc-cmd-${id}` };
  const dataDir = mkdtempSync(join(tmpdir(), 'crc-worker-'));

  afterAll(async () => {
    const nc = await connect({ servers: 'nats://127.0.0.1:4222' });
    await (await jetstreamManager(nc)).streams.delete(names.stream).catch(() => undefined);
    await nc.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('says when it is consuming, and stops gracefully on SIGTERM to its process group', async () => {
    const child = npmStart(
      'worker',
      [
        '--name',
        'cmd-test',
        '--stream',
        names.stream,
        '--subject-prefix',
        names.subjectPrefix,
        '--consumer',
        names.consumer,
      ],
      { DATA_DIR: dataDir },
    );
    let stdout = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    // npm itself dies of the signal at once; the worker has ended when the last holder of the pipe closes it.
    const closed = new Promise((resolve) => child.stdout!.once('close', resolve));
    child.stderr!.resume();
    const deadline = Date.now() + 90_000;
    while (!stdout.includes('consuming') && child.exitCode === null && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(stdout).toContain('NATS_URL is not set: using nats://127.0.0.1:4222');
    expect(stdout).toContain(`worker cmd-test consuming ${names.stream} on nats://127.0.0.1:4222`);

    await stopGroup(child);
    await closed;
    expect(stdout).toContain('worker cmd-test stopped: {"processed":0');
  });

  it('exits 2 with the usage on a bad command line', async () => {
    const run = await npmRun('worker', ['--concurrency', 'many'], { DATA_DIR: dataDir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--concurrency must be a whole number');
    expect(run.stderr).toContain('usage: npm run worker');
  });
});
