/**
 * The audit checkpoints' Ed25519 signing key: a PKCS#8 PEM file outside the database
 * (AUDIT_SIGNING_KEY_FILE; on the embedded default, made on first start in the data directory). Like
 * ssh with its private keys, a file that other users can read is refused: whoever reads it can sign
 * checkpoints for a rewritten chain.
 */
import { CodedError } from '@/errors/coded-error';
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { link, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { keyIdOf } from './audit-checkpoint';

/** The key's file name in the embedded database's directory, where the embedded default makes it. */
export const EMBEDDED_SIGNING_KEY_FILE = 'audit-signing-key.pem';

/** The key file is missing, unreadable, not an Ed25519 private key, or open to other users. */
export class SigningKeyError extends CodedError {
  readonly code = 'AUDIT_SIGNING_KEY_UNUSABLE';
  constructor(
    readonly file: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`the audit signing key ${file} ${reason}`, options);
  }
}

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** SHA-256 (hex) of the public key's DER encoding: what checkpoints name their signer by. */
  keyId: string;
  /** The public key as SPKI PEM, for auditors to keep and verify with. */
  publicKeyPem: string;
}

function fromPrivateKey(privateKey: KeyObject): SigningKey {
  const publicKey = createPublicKey(privateKey);
  return {
    privateKey,
    publicKey,
    keyId: keyIdOf(publicKey),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** Reads and checks the key in `file`. */
export async function loadSigningKey(file: string): Promise<SigningKey> {
  let mode: number;
  let pem: string;
  try {
    mode = (await stat(file)).mode;
    pem = await readFile(file, 'utf8');
  } catch (error) {
    throw new SigningKeyError(file, `cannot be read: ${(error as Error).message}`, { cause: error });
  }
  if ((mode & 0o077) !== 0) {
    throw new SigningKeyError(
      file,
      `may be read by other users (mode ${(mode & 0o777).toString(8)}); allow only its owner: chmod 600 ${file}`,
    );
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch (error) {
    throw new SigningKeyError(file, `is not a PEM private key: ${(error as Error).message}`, { cause: error });
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new SigningKeyError(
      file,
      `holds an ${privateKey.asymmetricKeyType} key; an Ed25519 key is needed (npm run audit:key -- create <file>)`,
    );
  }
  return fromPrivateKey(privateKey);
}

/**
 * Makes a new key in `file`, readable by its owner only; refuses to replace an existing file. The key
 * is written aside and hard-linked into place, so a crash never leaves a half-written key file that
 * every later start would refuse.
 */
export async function createSigningKey(file: string): Promise<SigningKey> {
  const { privateKey } = generateKeyPairSync('ed25519');
  const aside = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(aside, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    await link(aside, file);
  } catch (error) {
    throw new SigningKeyError(file, `cannot be created: ${(error as Error).message}`, { cause: error });
  } finally {
    await unlink(aside).catch(() => undefined);
  }
  return fromPrivateKey(privateKey);
}

/** The key in `file`, made there first when the file does not exist yet (`created` says which). */
export async function loadOrCreateSigningKey(file: string): Promise<{ key: SigningKey; created: boolean }> {
  try {
    return { key: await createSigningKey(file), created: true };
  } catch (error) {
    if (error instanceof SigningKeyError && (error.cause as { code?: string } | undefined)?.code === 'EEXIST')
      return { key: await loadSigningKey(file), created: false };
    throw error;
  }
}

/**
 * A public key to verify checkpoints with, from PEM text: an SPKI public key, or a private key whose
 * public half is taken (so the holder of the signing key file need not export anything).
 */
export function publicKeyFromPem(pem: string, source: string): KeyObject {
  try {
    const key = createPublicKey(pem);
    if (key.asymmetricKeyType !== 'ed25519') throw new Error(`it holds an ${key.asymmetricKeyType} key, not Ed25519`);
    return key;
  } catch (error) {
    throw new SigningKeyError(source, `holds no Ed25519 public key: ${(error as Error).message}`, { cause: error });
  }
}
