/**
 * The checkpoint signing key file: made readable by its owner only, never overwritten, refused when others can read it
 * or it is not Ed25519.
 */
import { generateKeyPairSync } from 'node:crypto';
import { chmod, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSigningKey, loadOrCreateSigningKey, loadSigningKey, publicKeyFromPem } from '@/audit/signing-key';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crc-signing-key-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the audit signing key', () => {
  it('is made with mode 0600 and loads back as the same key', async () => {
    const file = join(dir, 'key.pem');
    const made = await createSigningKey(file);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const loaded = await loadSigningKey(file);
    expect(loaded.keyId).toBe(made.keyId);
    expect(loaded.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
  });

  it('is made once: a second start loads the first key', async () => {
    const file = join(dir, 'key.pem');
    const first = await loadOrCreateSigningKey(file);
    const second = await loadOrCreateSigningKey(file);
    expect([first.created, second.created]).toEqual([true, false]);
    expect(second.key.keyId).toBe(first.key.keyId);
  });

  it('never overwrites an existing file, and leaves nothing beside it', async () => {
    const file = join(dir, 'key.pem');
    await createSigningKey(file);
    await expect(createSigningKey(file)).rejects.toMatchObject({
      code: 'AUDIT_SIGNING_KEY_UNUSABLE',
      message: expect.stringContaining('cannot be created'),
    });
    expect(await readdir(dir)).toEqual(['key.pem']);
  });

  it('is refused when other users may read it, naming the fix', async () => {
    const file = join(dir, 'key.pem');
    await createSigningKey(file);
    await chmod(file, 0o644);
    await expect(loadSigningKey(file)).rejects.toThrow(
      `may be read by other users (mode 644); allow only its owner: chmod 600 ${file}`,
    );
  });

  it('is refused when it is not an Ed25519 private key, or missing', async () => {
    const file = join(dir, 'rsa.pem');
    await writeFile(
      file,
      generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }),
      { mode: 0o600 },
    );
    await expect(loadSigningKey(file)).rejects.toThrow(/holds an rsa key; an Ed25519 key is needed/);
    await expect(loadSigningKey(join(dir, 'absent.pem'))).rejects.toThrow(/cannot be read/);
  });

  it('gives auditors its public key from the public PEM or from the private key file', async () => {
    const file = join(dir, 'key.pem');
    const key = await createSigningKey(file);
    expect(publicKeyFromPem(key.publicKeyPem, 'public.pem').equals(key.publicKey)).toBe(true);
    expect(() => publicKeyFromPem('not a key', 'x.pem')).toThrow(/x\.pem holds no Ed25519 public key/);
  });
});
