/**
 * The embedded quick start's first admin key: made on the first start of an empty database and shown once, so the
 * two-command quick start needs no key step.
 */
import type { ApiKeyStore } from './api-keys';

/** Makes the key when no key has ever been made; returns it (to print), or null when keys exist. */
export async function createFirstAdminKey(keys: ApiKeyStore): Promise<string | null> {
  if ((await keys.count()) > 0) return null;
  const { key } = await keys.create({
    name: 'first admin (made at first start)',
    role: 'admin',
    createdBy: 'first-start',
  });
  return key;
}

/** What the server prints: the key, once, and what to do with it. */
export function firstAdminKeyBanner(key: string): string {
  const rule = '='.repeat(78);
  return [
    rule,
    'First start: an admin API key was made for this embedded database. It is shown only now;',
    'keep it somewhere safe (only its SHA-256 is stored, so it cannot be shown again).',
    '',
    `  ${key}`,
    '',
    'Send it as "Authorization: Bearer <key>" to /api/graphql, or paste it at /sign-in.',
    'Make keys for people and programs: npm run keys -- create --role clinician --name "Ward 7"',
    rule,
    '',
  ].join('\n');
}
