/**
 * The server's audit checkpoints: the chain's head signed on request, and logged once a minute while the chain grows,
 * for outside systems to keep.
 */
import { CodedError } from '@/errors/coded-error';
import { signCheckpoint, type AuditCheckpoint } from './audit-checkpoint';
import type { ChainHead } from './audit-chain';
import type { SigningKey } from './signing-key';

/** This server was started without a signing key (Postgres without AUDIT_SIGNING_KEY_FILE). */
export class CheckpointsOffError extends CodedError {
  readonly code = 'AUDIT_CHECKPOINTS_OFF';
  constructor() {
    super(
      'audit checkpoints are off: this server has no signing key; make one with `npm run audit:key -- create <file>` and set AUDIT_SIGNING_KEY_FILE',
    );
  }
}

export interface AuditCheckpoints {
  /** The key checkpoints are signed with; null when they are off. */
  readonly key: SigningKey | null;
  /** The chain's current head, signed now. */
  latest(): Promise<AuditCheckpoint>;
}

/** Checkpoints of the chain whose head `head` reads. */
export function auditCheckpoints(
  head: () => Promise<ChainHead>,
  key: SigningKey | null,
  now: () => Date = () => new Date(),
): AuditCheckpoints {
  return Object.freeze({
    key,
    async latest(): Promise<AuditCheckpoint> {
      if (!key) throw new CheckpointsOffError();
      return signCheckpoint(await head(), now(), key.privateKey);
    },
  });
}

/** One log line a minute is plenty for a log store to keep: a rewrite must then reach back past every kept one. */
export const CHECKPOINT_LOG_INTERVAL_MS = 60_000;

/**
 * Hands `log` a fresh checkpoint every `intervalMs` when the chain has grown since the last one it
 * handed over (and once at the first tick), so an idle server does not fill the log. Returns a stop
 * function; the timer never keeps the process alive. A failed read (the database down) is skipped.
 */
export function logCheckpoints(
  checkpoints: AuditCheckpoints,
  log: (checkpoint: AuditCheckpoint) => void,
  intervalMs = CHECKPOINT_LOG_INTERVAL_MS,
): () => void {
  let lastSequence = -1;
  let running = false;
  const timer = setInterval(async () => {
    if (running) return;
    running = true;
    try {
      const checkpoint = await checkpoints.latest();
      if (checkpoint.sequence !== lastSequence) {
        lastSequence = checkpoint.sequence;
        log(checkpoint);
      }
    } catch {
      // The next tick tries again; requests report an unavailable database themselves.
    } finally {
      running = false;
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
