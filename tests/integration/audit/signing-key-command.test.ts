/**
 * `npm run audit:key` as the README runs it: `create FILE` makes an owner-only Ed25519 key and prints its public key;
 * `public FILE` prints it again.
 */
import { createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { npmRun } from '../../support/npm-script';

const dir = mkdtempSync(join(tmpdir(), 'crc-audit-key-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run audit:key', () => {
  const file = join(dir, 'audit-signing-key.pem');
  let printed = '';

  it('`create FILE` writes an Ed25519 key readable by its owner only and prints its public key', async () => {
    const run = await npmRun('audit:key', ['create', file]);
    expect(run.stderr).toContain(`set AUDIT_SIGNING_KEY_FILE=${file}`);
    expect(run.code).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    printed = run.stdout;
    expect(printed).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(createPublicKey(printed).asymmetricKeyType).toBe('ed25519');
    expect(createPublicKey(readFileSync(file)).export({ type: 'spki', format: 'pem' })).toBe(printed);
  });

  it('`public FILE` prints the same public key again', async () => {
    const run = await npmRun('audit:key', ['public', file]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(printed);
  });

  it('refuses to overwrite a key, and explains its usage', async () => {
    const again = await npmRun('audit:key', ['create', file]);
    expect(again.code).toBe(1);
    expect(createPublicKey(readFileSync(file)).export({ type: 'spki', format: 'pem' })).toBe(printed);
    const wrong = await npmRun('audit:key', ['rotate', file]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('usage:');
  });
});
