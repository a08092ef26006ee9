/**
 * Reads kept checkpoints back: a file holds one checkpoint as JSON, or JSON Lines of them (what a cron
 * job appending `GET /api/audit/checkpoint` writes). A line may also be the server's log line (the
 * checkpoint under `checkpoint`) or a GraphQL answer (under `data.auditCheckpoint`), as kept; the
 * server's other log lines (pino lines with a `msg` and no checkpoint) are passed over, so a whole
 * log file can be given.
 */
import { CodedError } from '@/errors/coded-error';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { auditCheckpointSchema, type AuditCheckpoint } from './audit-checkpoint';

/** A checkpoint file cannot be read or holds something that is not a checkpoint. */
export class CheckpointFileError extends CodedError {
  readonly code = 'INVALID_CHECKPOINT_FILE';
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
  }
}

function unwrap(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const holder = value as { checkpoint?: unknown; data?: { auditCheckpoint?: unknown } };
  return holder.checkpoint ?? holder.data?.auditCheckpoint ?? value;
}

function isOtherLogLine(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'msg' in value && !('checkpoint' in value);
}

function checkpointOf(value: unknown, file: string, where: string): AuditCheckpoint {
  const parsed = auditCheckpointSchema.safeParse(unwrap(value));
  if (!parsed.success)
    throw new CheckpointFileError(
      file,
      `${where} is not a checkpoint: ${z.prettifyError(parsed.error).replace(/\n/g, ' ')}`,
    );
  return parsed.data;
}

/** Every checkpoint in `text` (the contents of `file`, named in errors). */
export function parseCheckpoints(text: string, file: string): AuditCheckpoint[] {
  try {
    return [checkpointOf(JSON.parse(text), file, 'its JSON')];
  } catch (error) {
    if (error instanceof CheckpointFileError) throw error;
  }
  const checkpoints: AuditCheckpoint[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new CheckpointFileError(file, `line ${index + 1} is not JSON`);
    }
    if (isOtherLogLine(value)) return;
    checkpoints.push(checkpointOf(value, file, `line ${index + 1}`));
  });
  if (checkpoints.length === 0) throw new CheckpointFileError(file, 'holds no checkpoint');
  return checkpoints;
}

export async function readCheckpointFile(file: string): Promise<AuditCheckpoint[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CheckpointFileError(file, `cannot be read: ${(error as Error).message}`);
  }
  return parseCheckpoints(text, file);
}
