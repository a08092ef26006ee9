/** Plays replay plans into the Console at a chosen speed: hour t of every stay sent t hours (scaled) after the start. */
import type { ReplayPlan } from './replay-plan';
import type { ReplayTransport } from './replay-transports';

/** Wall time, injectable so tests pace a replay without waiting. */
export interface ReplayClock {
  now(): number;
  /** Resolves at (or after) the epoch milliseconds given; at once when that is past. */
  sleepUntil(epochMs: number): Promise<void>;
}

export const systemClock: ReplayClock = {
  now: () => Date.now(),
  sleepUntil: (at) => new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now()))),
};

export interface ReplayOptions {
  plans: readonly ReplayPlan[];
  transport: ReplayTransport;
  /** Stay hours per wall hour (600: an hour every 6 s); 0 = as fast as the Console takes them. */
  speed: number;
  /** Wall instant of hour 0 (the stays' admission). */
  startedAt: Date;
  clock?: ReplayClock;
  /** Most sends in flight at once, across stays (each stay has at most one). */
  concurrency?: number;
  /** Progress and failure lines. */
  log?: (line: string) => void;
  /** Wall milliseconds between progress lines. */
  progressEveryMs?: number;
}

export interface ReplaySummary {
  stays: number;
  admitted: number;
  discharged: number;
  steps: number;
  observations: number;
  /** Values left out of the plans (outside their code's range), facts included. */
  leftOut: number;
  /** Sends that failed (an admission that fails skips its stay). */
  failures: number;
  elapsedMs: number;
}

/** The wall instant (epoch ms) at which stay hour `hour` is sent: startedAt + hour·3600/speed seconds. */
export function sendAt(startedAt: Date, hour: number, speed: number): number {
  if (speed <= 0) return startedAt.getTime();
  return startedAt.getTime() + (hour * 3_600_000) / speed;
}

/** A counting semaphore: at most `limit` holders. */
function limiter(limit: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async function run<T>(task: () => Promise<T>): Promise<T> {
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    else active++;
    try {
      return await task();
    } finally {
      // The slot passes straight to the next waiter, so `active` never over-counts.
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}

/**
 * Admits every stay at the start, then plays each stay's steps strictly in order (each awaited) and discharges it
 * after its last hour; stays run concurrently, sends bounded by `concurrency`. A failed send is logged and counted,
 * never fatal: the rest of the run goes on.
 */
export async function replay(options: ReplayOptions): Promise<ReplaySummary> {
  const { plans, transport, speed, startedAt } = options;
  const clock = options.clock ?? systemClock;
  const log = options.log ?? (() => undefined);
  const progressEveryMs = options.progressEveryMs ?? 5_000;
  const limit = limiter(Math.max(1, options.concurrency ?? 8));
  const began = clock.now();
  const summary: ReplaySummary = {
    stays: plans.length,
    admitted: 0,
    discharged: 0,
    steps: 0,
    observations: 0,
    leftOut: plans.reduce((n, p) => n + p.leftOut.length, 0),
    failures: 0,
    elapsedMs: 0,
  };
  let lastProgress = began;
  const progress = (final = false) => {
    const now = clock.now();
    if (!final && now - lastProgress < progressEveryMs) return;
    lastProgress = now;
    log(
      `${final ? 'done' : 'replay'}: ${summary.admitted}/${summary.stays} stays admitted, ${summary.discharged} discharged, ` +
        `${summary.steps} steps, ${summary.observations} observations sent, ${summary.leftOut} values left out, ` +
        `${summary.failures} failures (${((now - began) / 1000).toFixed(1)} s)`,
    );
  };
  const attempt = async (what: string, send: () => Promise<void>): Promise<boolean> => {
    try {
      await limit(send);
      return true;
    } catch (error) {
      summary.failures++;
      log(`failed: ${what}: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    }
  };

  const admitted = await Promise.all(
    plans.map(async (plan) => {
      const ok = await attempt(`admit ${plan.stayRef}`, () => transport.admit(plan));
      if (ok) summary.admitted++;
      return ok;
    }),
  );
  progress();

  await Promise.all(
    plans.map(async (plan, p) => {
      if (!admitted[p]) return;
      for (const [index, step] of plan.steps.entries()) {
        await clock.sleepUntil(sendAt(startedAt, step.hour, speed));
        if (await attempt(`${plan.stayRef} hour ${step.hour}`, () => transport.record(plan, step, index))) {
          summary.steps++;
          summary.observations += step.observations.length;
        }
        progress();
      }
      await clock.sleepUntil(sendAt(startedAt, plan.lastHour, speed));
      if (await attempt(`discharge ${plan.stayRef}`, () => transport.discharge(plan))) summary.discharged++;
      progress();
    }),
  );
  summary.elapsedMs = clock.now() - began;
  progress(true);
  return summary;
}
