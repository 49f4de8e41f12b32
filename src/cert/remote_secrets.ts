/**
 * The secrets this node presents to remote TAXII servers (a partner's password or bearer token
 * for us) must be recoverable, so they cannot be hashed like the partners' own credentials: they
 * are sealed with AES-256-GCM under the node's remote-secret key, a 32-byte key kept in
 * `DIR/keys/cert-remotes.key` (mode 0600, beside the node's key files) and never in the store —
 * a copy of the database alone does not reveal them. The remote's id is the associated data, so
 * a sealed secret moved to another row does not open.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makePrivateDir, writePrivateFile } from '../lib/private_files.js';
import { CertError } from './errors.js';

/** The key file's name in the node's `keys/` folder. */
export const REMOTE_KEY_FILE = 'cert-remotes.key';

/**
 * The node's remote-secret key, created (0600) on first use.
 *
 * @param dir - the node directory
 * @example
 * ```ts
 * const key = remoteSecretKey('nodes/ph');
 * ```
 */
export function remoteSecretKey(dir: string): Buffer {
  const keys = join(dir, 'keys');
  const file = join(keys, REMOTE_KEY_FILE);
  if (!existsSync(file)) {
    makePrivateDir(keys);
    writePrivateFile(file, randomBytes(32).toString('base64url') + '\n');
  }
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64url');
  if (key.length !== 32) throw new CertError('CERT_ARGUMENT_INVALID', `${file} does not hold a 32-byte key`);
  return key;
}

/**
 * Seals `secret` for the remote `id`: `v1.` and base64url of IV (12 bytes), ciphertext, tag.
 *
 * @example
 * ```ts
 * openSecret(key, id, sealSecret(key, id, 's3cret')); // 's3cret'
 * ```
 */
export function sealSecret(key: Buffer, id: string, secret: string): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(Buffer.from(id));
  const ct = Buffer.concat([c.update(secret, 'utf8'), c.final()]);
  return `v1.${Buffer.concat([iv, ct, c.getAuthTag()]).toString('base64url')}`;
}

/** Opens a secret sealed by {@link sealSecret}; throws CERT_ARGUMENT_INVALID with the wrong key. */
export function openSecret(key: Buffer, id: string, sealed: string): string {
  const raw = Buffer.from(sealed.replace(/^v1\./, ''), 'base64url');
  try {
    if (!sealed.startsWith('v1.') || raw.length < 28)
      throw new CertError('CERT_ARGUMENT_INVALID', 'not sealed');
    const d = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    d.setAAD(Buffer.from(id));
    d.setAuthTag(raw.subarray(raw.length - 16));
    return Buffer.concat([d.update(raw.subarray(12, raw.length - 16)), d.final()]).toString('utf8');
  } catch (e) {
    throw new CertError(
      'CERT_ARGUMENT_INVALID',
      `the secret of remote ${id} does not open with this node's ${REMOTE_KEY_FILE}`,
      { cause: e },
    );
  }
}
