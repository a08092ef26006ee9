/**
 * Signed checkpoints: Ed25519 over exactly {sequence, hash, time}, named by key id, and checked against the chain as
 * walked.
 */
import { createHash, generateKeyPairSync, verify } from 'node:crypto';
import { GENESIS_HASH, type ChainReport } from '@/audit/audit-chain';
import { checkCheckpoints, checkpointSignatureHolds, keyIdOf, signCheckpoint } from '@/audit/audit-checkpoint';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const other = generateKeyPairSync('ed25519');
const AT = new Date('2026-12-03T21:00:00.000Z');
const hash = (n: number) => createHash('sha256').update(String(n)).digest('hex');

function report(sequence: number, hashesAt: [number, string][] = []): ChainReport {
  return { checked: sequence, head: { sequence, hash: hash(sequence) }, breaks: [], hashesAt: new Map(hashesAt) };
}

describe('a signed checkpoint', () => {
  it('signs the prefix and the canonical JSON of {hash, sequence, time}, verifiable with the public key alone', () => {
    const checkpoint = signCheckpoint({ sequence: 42, hash: hash(42) }, AT, privateKey);
    expect(checkpoint).toMatchObject({
      sequence: 42,
      hash: hash(42),
      time: '2026-12-03T21:00:00.000Z',
      keyId: keyIdOf(publicKey),
    });
    const message = `clinical-risk-console audit checkpoint v1\n{"hash":"${hash(42)}","sequence":42,"time":"2026-12-03T21:00:00.000Z"}`;
    expect(verify(null, Buffer.from(message), publicKey, Buffer.from(checkpoint.signature, 'base64'))).toBe(true);
    expect(checkpointSignatureHolds(checkpoint, publicKey)).toBe(true);
  });

  it('names its key by the SHA-256 of the public key DER, the same from either half', () => {
    expect(keyIdOf(privateKey)).toBe(keyIdOf(publicKey));
    expect(keyIdOf(publicKey)).toBe(
      createHash('sha256')
        .update(publicKey.export({ type: 'spki', format: 'der' }))
        .digest('hex'),
    );
  });

  it.each([
    ['sequence', { sequence: 41 }],
    ['hash', { hash: hash(41) }],
    ['time', { time: '2026-12-03T21:00:00.001Z' }],
  ])('does not hold once its %s is edited', (_field, edit) => {
    const checkpoint = signCheckpoint({ sequence: 42, hash: hash(42) }, AT, privateKey);
    expect(checkpointSignatureHolds({ ...checkpoint, ...edit }, publicKey)).toBe(false);
  });

  it('does not hold under another key, even with the key id copied', () => {
    const forged = signCheckpoint({ sequence: 42, hash: hash(42) }, AT, other.privateKey);
    expect(checkpointSignatureHolds(forged, publicKey)).toBe(false);
    expect(checkpointSignatureHolds({ ...forged, keyId: keyIdOf(publicKey) }, publicKey)).toBe(false);
  });
});

describe('checking kept checkpoints against the chain', () => {
  const kept = (sequence: number, h = hash(sequence)) => signCheckpoint({ sequence, hash: h }, AT, privateKey);

  it('finds nothing when the chain still holds each kept hash at its sequence', () => {
    expect(
      checkCheckpoints(
        [kept(3), kept(6)],
        report(8, [
          [3, hash(3)],
          [6, hash(6)],
        ]),
        [publicKey],
      ),
    ).toEqual([]);
  });

  it('holds an empty chain checkpoint (sequence 0, genesis hash) against any chain', () => {
    expect(checkCheckpoints([kept(0, GENESIS_HASH)], report(0), [publicKey])).toEqual([]);
  });

  it('names a chain cut below a checkpoint as truncated', () => {
    const [finding] = checkCheckpoints([kept(6)], report(4, []), [publicKey]);
    expect(finding).toMatchObject({
      kind: 'truncated',
      reason: expect.stringContaining('vouches for 6 records, but the chain now ends at 4'),
    });
  });

  it('names another hash at a checkpoint sequence as rewritten', () => {
    const [finding] = checkCheckpoints([kept(3)], report(8, [[3, hash(99)]]), [publicKey]);
    expect(finding).toMatchObject({
      kind: 'rewritten',
      reason: expect.stringContaining(`the chain holds ${hash(99)}`),
    });
  });

  it('names a checkpoint whose sequence the chain no longer holds (deleted there) as rewritten', () => {
    expect(checkCheckpoints([kept(3)], report(8), [publicKey])).toMatchObject([{ kind: 'rewritten' }]);
  });

  it('names a checkpoint not signed by a trusted key, and checks nothing else of it', () => {
    const foreign = signCheckpoint({ sequence: 3, hash: hash(3) }, AT, other.privateKey);
    expect(checkCheckpoints([foreign], report(8, [[3, hash(3)]]), [publicKey])).toMatchObject([
      { kind: 'signature', reason: expect.stringContaining('not a trusted key') },
    ]);
    const edited = { ...kept(3), time: '2026-12-03T21:00:01.000Z' };
    expect(checkCheckpoints([edited], report(8, [[3, hash(3)]]), [publicKey])).toMatchObject([
      { kind: 'signature', reason: expect.stringContaining('it was edited') },
    ]);
  });

  it('checks each checkpoint with the key it names, so checkpoints of a rotated key still hold', () => {
    const before = signCheckpoint({ sequence: 3, hash: hash(3) }, AT, other.privateKey);
    expect(
      checkCheckpoints(
        [before, kept(6)],
        report(8, [
          [3, hash(3)],
          [6, hash(6)],
        ]),
        [publicKey, other.publicKey],
      ),
    ).toEqual([]);
  });
});
