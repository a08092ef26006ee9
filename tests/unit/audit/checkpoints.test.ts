/**
 * The server's checkpoints: off without a key (a named error), the current head signed on request, logged only when the
 * chain grew.
 */
import { generateKeyPairSync, createPublicKey } from 'node:crypto';
import { checkpointSignatureHolds } from '@/audit/audit-checkpoint';
import { auditCheckpoints, CheckpointsOffError, logCheckpoints } from '@/audit/checkpoints';
import type { SigningKey } from '@/audit/signing-key';

const { privateKey } = generateKeyPairSync('ed25519');
const publicKey = createPublicKey(privateKey);
const key = { privateKey, publicKey, keyId: '', publicKeyPem: '' } as SigningKey;

describe('audit checkpoints', () => {
  it('sign the head as read now', async () => {
    const checkpoints = auditCheckpoints(
      async () => ({ sequence: 7, hash: 'f'.repeat(64) }),
      key,
      () => new Date('2026-12-03T22:00:00Z'),
    );
    const checkpoint = await checkpoints.latest();
    expect(checkpoint).toMatchObject({ sequence: 7, hash: 'f'.repeat(64), time: '2026-12-03T22:00:00.000Z' });
    expect(checkpointSignatureHolds(checkpoint, publicKey)).toBe(true);
  });

  it('are off without a key, with an error that says how to turn them on', async () => {
    await expect(auditCheckpoints(async () => ({ sequence: 0, hash: '0'.repeat(64) }), null).latest()).rejects.toThrow(
      CheckpointsOffError,
    );
    await expect(
      auditCheckpoints(async () => ({ sequence: 0, hash: '0'.repeat(64) }), null).latest(),
    ).rejects.toMatchObject({
      code: 'AUDIT_CHECKPOINTS_OFF',
      message: expect.stringContaining('AUDIT_SIGNING_KEY_FILE'),
    });
  });

  it('are logged at each tick when the chain grew, and not while it stands still', async () => {
    jest.useFakeTimers();
    try {
      let sequence = 1;
      const logged: number[] = [];
      const stop = logCheckpoints(
        auditCheckpoints(async () => ({ sequence, hash: 'a'.repeat(64) }), key),
        (c) => logged.push(c.sequence),
        60_000,
      );
      await jest.advanceTimersByTimeAsync(60_000);
      await jest.advanceTimersByTimeAsync(60_000);
      sequence = 5;
      await jest.advanceTimersByTimeAsync(60_000);
      await jest.advanceTimersByTimeAsync(60_000);
      stop();
      sequence = 9;
      await jest.advanceTimersByTimeAsync(60_000);
      expect(logged).toEqual([1, 5]);
    } finally {
      jest.useRealTimers();
    }
  });
});
