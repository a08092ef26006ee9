/**
 * Kept checkpoints read back from what outside systems keep: a JSON object, JSON Lines, log lines or GraphQL answers.
 */
import { generateKeyPairSync } from 'node:crypto';
import { signCheckpoint } from '@/audit/audit-checkpoint';
import { CheckpointFileError, parseCheckpoints } from '@/audit/checkpoint-file';

const { privateKey } = generateKeyPairSync('ed25519');
const one = signCheckpoint({ sequence: 1, hash: 'a'.repeat(64) }, new Date('2026-12-03T21:00:00Z'), privateKey);
const two = signCheckpoint({ sequence: 2, hash: 'b'.repeat(64) }, new Date('2026-12-03T21:01:00Z'), privateKey);

describe('reading a checkpoint file', () => {
  it('reads one checkpoint as JSON, as GET /api/audit/checkpoint answers', () => {
    expect(parseCheckpoints(JSON.stringify(one, null, 2), 'kept.json')).toEqual([one]);
  });

  it('reads JSON Lines, as a cron job appending the endpoint writes, skipping blank lines', () => {
    expect(parseCheckpoints(`${JSON.stringify(one)}\n\n${JSON.stringify(two)}\n`, 'kept.jsonl')).toEqual([one, two]);
  });

  it("reads the server's log lines and GraphQL answers, passing over the server's other log lines", () => {
    const log = JSON.stringify({ level: 30, name: 'audit', msg: 'audit checkpoint', checkpoint: one });
    const request = JSON.stringify({ level: 30, requestId: 'r-1', msg: 'graphql request', status: 200 });
    const graphql = JSON.stringify({ data: { auditCheckpoint: two } });
    expect(parseCheckpoints(`${request}\n${log}\n${request}\n${graphql}`, 'mixed.jsonl')).toEqual([one, two]);
  });

  it('refuses a log line whose checkpoint is damaged', () => {
    const log = JSON.stringify({ level: 30, msg: 'audit checkpoint', checkpoint: { ...one, signature: 42 } });
    expect(() => parseCheckpoints(log, 'server.log')).toThrow(/server\.log: its JSON is not a checkpoint: .*signature/);
  });

  it('names the file and line of anything that is not a checkpoint', () => {
    expect(() => parseCheckpoints(`${JSON.stringify(one)}\nnot json`, 'kept.jsonl')).toThrow(
      new CheckpointFileError('kept.jsonl', 'line 2 is not JSON'),
    );
    expect(() =>
      parseCheckpoints(`${JSON.stringify(one)}\n${JSON.stringify({ ...two, hash: 'nope' })}`, 'kept.jsonl'),
    ).toThrow(/kept\.jsonl: line 2 is not a checkpoint: .*hash/);
    expect(() => parseCheckpoints('', 'empty.jsonl')).toThrow('empty.jsonl: holds no checkpoint');
  });
});
