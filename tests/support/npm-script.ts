/** `npm run <script> -- ...args` as a user types it: npm itself in a child process, with only the given settings. */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const REPO = resolve(__dirname, '..', '..');

export interface ScriptRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The test's environment without the settings that pick a database or a key, plus `settings`. */
export function scriptEnvironment(settings: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_OPTIONS: '',
    NEXT_TELEMETRY_DISABLED: '1',
    CHECKPOINT_DISABLE: '1',
  };
  delete env.DATABASE_URL;
  delete env.DATA_DIR;
  delete env.AUDIT_SIGNING_KEY_FILE;
  return { ...env, ...settings };
}

/** Runs `npm run --silent <script> -- ...args` in the repository and resolves when it exits. */
export function npmRun(
  script: string,
  args: string[],
  settings: Record<string, string> = {},
  timeout = 120_000,
): Promise<ScriptRun> {
  return new Promise((done) => {
    execFile(
      'npm',
      ['run', '--silent', script, '--', ...args],
      { cwd: REPO, env: scriptEnvironment(settings), timeout },
      (error, stdout, stderr) =>
        done({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
    );
  });
}

/** Starts `npm run <script> -- ...args` in its own process group, for commands that run until stopped. */
export function npmStart(script: string, args: string[], settings: Record<string, string> = {}): ChildProcess {
  return spawn('npm', ['run', '--silent', script, '--', ...args], {
    cwd: REPO,
    env: scriptEnvironment(settings),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
}

/** Stops a process started by npmStart: SIGTERM to its group, SIGKILL after `graceMs`; resolves with its exit code. */
export function stopGroup(child: ChildProcess, graceMs = 10_000): Promise<number | null> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done(child.exitCode);
    const kill = (signal: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => kill('SIGKILL'), graceMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      done(code);
    });
    kill('SIGTERM');
  });
}
