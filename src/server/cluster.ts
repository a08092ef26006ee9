/**
 * `npm start -- --workers N` (or SERVER_PROCESSES=N): N server processes sharing one port (node:cluster), each a whole
 * server as a single process is (Next.js, Apollo, the services with their own database pool). One process answers on
 * one core at a time; several use the machine's cores for the HTTP and GraphQL work as well as for explanations.
 * Postgres only: the embedded database is opened by one process. The audit chain is extended under a database lock,
 * and live events fan out through LISTEN/NOTIFY, so the processes need nothing from each other.
 *
 * The primary serves nothing. It starts the workers one after another, each once the one before is ready (listening,
 * its services started), so a start that cannot succeed stops at the first; a worker that ends before it is ready
 * fails the start, as a single process would.
 * Afterwards a worker that dies is replaced. The primary gathers the workers' metrics for /api/metrics
 * (src/telemetry/cluster-metrics.ts), and passes SIGTERM or SIGINT on to every worker, ending once all have stopped.
 */
import cluster, { type Worker } from 'node:cluster';
import { CodedError } from '@/errors/coded-error';
import { serveClusterMetrics } from '@/telemetry/cluster-metrics';

/** More than one server process on the embedded database: PGlite's directory is opened by one process only. */
export class EmbeddedDatabaseOneProcessError extends CodedError {
  readonly code = 'EMBEDDED_DATABASE_ONE_PROCESS';
  constructor(workers: number) {
    super(
      `${workers} server processes need DATABASE_URL (a Postgres server): the embedded database (DATA_DIR) is opened by one process only; run one (--workers 1, SERVER_PROCESSES=1) or set DATABASE_URL`,
    );
  }
}

/** A worker that ended (or was ended, WORKER_READY_MS) before it was ready: the start fails, as one process's would. */
export class WorkerStartError extends CodedError {
  readonly code = 'WORKER_START_FAILED';
  constructor(
    readonly worker: number,
    exit: string,
  ) {
    super(`server process ${worker} ended before it was ready (${exit})`);
  }
}

/** A worker's word to the primary that its services have started (or failed in a way it serves through). */
const READY = 'crc:server-ready';

/** In a worker: tells the primary it is ready for its share of the connections. */
export function announceReady(): void {
  process.send?.({ type: READY });
}

/** How long a worker has to stop after SIGTERM before it is killed: its own grace (10 s) and the services' stop. */
export const WORKER_STOP_MS = 30_000;
/**
 * How long a worker may take to be ready before it counts as failed and is killed: a database that takes connections
 * and never answers would otherwise hold the start for good.
 */
export const WORKER_READY_MS = 120_000;
/** A replacement for a worker that died waits this long, doubling (to 30 s) while that slot's replacements fail. */
const RESTART_DELAY_MS = 1_000;
const MAX_RESTART_DELAY_MS = 30_000;
/** A worker up this long has recovered: its slot's next replacement waits the shortest delay again. */
const STABLE_MS = 30_000;

export interface ClusterOptions {
  workers: number;
  /** Added to each worker's environment (SERVER_PROCESSES, so each sizes its share of the cores). */
  env?: Record<string, string>;
  log?: (line: string) => void;
}

export interface RunningCluster {
  /** The port, once every worker is ready; rejects with WorkerStartError if one ends first (or is not ready in time). */
  ready: Promise<number>;
  /** True once stop was called: a start cut short by it rejects `ready`, and that is no failure. */
  readonly stopping: boolean;
  /**
   * Ends every worker, those still starting included (the signal, then SIGKILL after WORKER_STOP_MS); resolves once all
   * have exited. No worker is started or replaced after it.
   */
  stop(signal: NodeJS.Signals): Promise<void>;
}

const exitOf = (code: number | null, signal: string | null) => (signal ? `signal ${signal}` : `exit code ${code}`);

/**
 * Starts `workers` processes running this process's own script and arguments (the forked start command sees it is a
 * worker and serves), one after another; `ready` settles when all are ready or one has failed. Returns at once, so
 * that the caller can take signals during the start.
 */
export function startCluster(options: ClusterOptions): RunningCluster {
  const log = options.log ?? (() => undefined);
  serveClusterMetrics(log);
  /** Set by the caller's stop (a signal): a start cut short by it is no failure. */
  let stopRequested = false;
  /** Set once every worker is being ended: nothing is started or replaced after it. */
  let ending = false;
  /** Per worker slot: the delay before its next replacement. */
  const restartDelayMs = new Map<number, number>();

  /**
   * Worker `n` (1-based, kept by its replacements), resolved with its port once it listens and has said it is ready
   * (its services started: a worker that cannot start them, an unusable signing key say, ends before).
   */
  const fork = (n: number) =>
    new Promise<{ worker: Worker; port: number }>((resolve, reject) => {
      const worker = cluster.fork(options.env);
      let port: number | null = null;
      let ready = false;
      let readyAt = 0;
      const late = setTimeout(() => {
        log(
          `server process ${n} (pid ${worker.process.pid}) is not ready after ${WORKER_READY_MS / 1000} s; ending it`,
        );
        worker.process.kill('SIGKILL');
      }, WORKER_READY_MS);
      // A send to a worker that has just died reports here rather than throwing in the primary.
      worker.on('error', (error) => log(`server process ${n}: ${error.message}`));
      worker.once('listening', (address) => {
        port = address.port;
      });
      worker.on('message', (message: { type?: string }) => {
        if (message?.type !== READY || ready || port === null) return;
        ready = true;
        readyAt = Date.now();
        clearTimeout(late);
        resolve({ worker, port });
      });
      worker.once('exit', (code, signal) => {
        clearTimeout(late);
        if (!ready) return reject(new WorkerStartError(n, exitOf(code, signal)));
        if (ending) return;
        if (Date.now() - readyAt >= STABLE_MS) restartDelayMs.delete(n);
        log(`server process ${n} (pid ${worker.process.pid}) ended (${exitOf(code, signal)}); starting another`);
        replace(n);
      });
    });

  const replace = (n: number) => {
    const delayMs = restartDelayMs.get(n) ?? RESTART_DELAY_MS;
    restartDelayMs.set(n, Math.min(2 * delayMs, MAX_RESTART_DELAY_MS));
    setTimeout(() => {
      if (ending) return;
      fork(n).then(
        ({ worker }) => log(`server process ${n} is back (pid ${worker.process.pid})`),
        (error: unknown) => {
          if (ending) return;
          log(`${(error as Error).message}; trying again in ${(restartDelayMs.get(n) ?? RESTART_DELAY_MS) / 1000} s`);
          replace(n);
        },
      );
    }, delayMs);
  };

  const endAll = async (signal: NodeJS.Signals) => {
    ending = true;
    const running = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w && !w.isDead());
    await Promise.all(
      running.map(
        (worker) =>
          new Promise<void>((resolve) => {
            const kill = setTimeout(() => worker.process.kill('SIGKILL'), WORKER_STOP_MS);
            worker.once('exit', () => {
              clearTimeout(kill);
              resolve();
            });
            worker.process.kill(signal);
          }),
      ),
    );
  };

  const ready = (async () => {
    let port = 0;
    try {
      for (let n = 1; n <= options.workers && !ending; n++) ({ port } = await fork(n));
    } catch (error) {
      if (!ending) {
        await endAll('SIGTERM');
        log('the start failed: the server processes already started were stopped');
      }
      throw error;
    }
    return port;
  })();
  return {
    ready,
    get stopping() {
      return stopRequested;
    },
    stop(signal) {
      stopRequested = true;
      return endAll(signal);
    },
  };
}
