/**
 * `npm run audit:key -- create FILE` makes an Ed25519 key for signing audit checkpoints (mode 0600,
 * never overwriting) and prints its public key; `npm run audit:key -- public FILE` prints the public
 * key of an existing one. Set AUDIT_SIGNING_KEY_FILE to the file; give the public key to auditors.
 */
import { createSigningKey, loadSigningKey } from './signing-key';

const USAGE = `usage:
  npm run audit:key -- create FILE   make a new signing key in FILE (refuses to overwrite) and print its public key
  npm run audit:key -- public FILE   print the public key of the signing key in FILE`;

async function main(): Promise<void> {
  const [command, file, ...rest] = process.argv.slice(2);
  if (command === '--help' || command === '-h') {
    console.log(USAGE);
    return;
  }
  if (!file || rest.length > 0 || (command !== 'create' && command !== 'public')) {
    console.error(USAGE);
    process.exitCode = 2;
    return;
  }
  const key = command === 'create' ? await createSigningKey(file) : await loadSigningKey(file);
  if (command === 'create')
    console.error(`made ${file} (mode 0600); set AUDIT_SIGNING_KEY_FILE=${file}; its public key, for auditors:`);
  process.stdout.write(key.publicKeyPem);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
