/**
 * Reading `--trust SOURCE` for `trustbridge validate` (DESIGN.md): a PEM file of trust anchors, a
 * node's data directory (its `public/root.pem`), or the same over HTTP(S). Trust lists and lists of
 * trusted lists arrive with the trust-list component; until then such a source is refused with a
 * clear error rather than silently ignored.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { TrustbridgeError } from '../lib/errors.js';
import { fromPemAll } from '../lib/pem.js';
import { parseCertificate } from '../pki/certificate_info.js';

const MAX_SOURCE_BYTES = 16 * 1024 * 1024;

function invalid(source: string, why: string): never {
  throw new TrustbridgeError('VALIDATION_TRUST_SOURCE_INVALID', `trust source ${source}: ${why}`);
}

function certificatesIn(source: string, bytes: Buffer): Buffer[] {
  const text = bytes.toString('latin1');
  if (/<(\w+:)?TrustServiceStatusList\b/.test(text))
    invalid(source, 'trust lists (ETSI TS 119 612) are not read yet: give the PEM of the trust anchors');
  const pems = fromPemAll(text, 'CERTIFICATE');
  const ders = pems.length > 0 ? pems : bytes[0] === 0x30 ? [bytes] : [];
  if (ders.length === 0) invalid(source, 'no certificate (PEM or DER) found');
  for (const der of ders) {
    try {
      parseCertificate(der);
    } catch (e) {
      invalid(source, `not a certificate: ${(e as Error).message}`);
    }
  }
  return ders;
}

async function download(url: string): Promise<Buffer> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(15_000) });
  } catch (e) {
    return invalid(url, `download failed: ${(e as Error).message}`);
  }
  if (!res.ok) invalid(url, `HTTP ${res.status}`);
  const body = Buffer.from(await res.arrayBuffer());
  if (body.length > MAX_SOURCE_BYTES) invalid(url, 'larger than 16 MiB');
  return body;
}

function readLocal(source: string): Buffer {
  if (!existsSync(source)) invalid(source, 'no such file or directory');
  if (statSync(source).isDirectory()) {
    const root = join(source, 'public', 'root.pem');
    if (!existsSync(root)) invalid(source, 'a directory, but not a node data directory (no public/root.pem)');
    return readFileSync(root);
  }
  if (statSync(source).size > MAX_SOURCE_BYTES) invalid(source, 'larger than 16 MiB');
  return readFileSync(source);
}

/**
 * The trust anchors of one `--trust` source.
 *
 * @param source - file, node directory or http(s) URL
 * @returns the anchor certificates (DER)
 * @throws TrustbridgeError VALIDATION_TRUST_SOURCE_INVALID
 * @example `const anchors = await loadTrustAnchors('ph/public/root.pem')`
 */
export async function loadTrustAnchors(source: string): Promise<Buffer[]> {
  const bytes = /^https?:\/\//i.test(source) ? await download(source) : readLocal(source);
  return certificatesIn(source, bytes);
}
