/**
 * Which certificates a STIX object names: an `x509-certificate` object (its hashes, its
 * serial_number and issuer) or an `indicator` whose STIX pattern is a simple comparison on
 * `x509-certificate` (./pattern.ts). Values are normalised for lookup (hex lower-case, serials
 * without separators or leading zeros); an unusable value drops the reference, never throws.
 */
import { hashProperty, parseCertificatePattern } from './pattern.js';
import type { CertReference } from './pattern.js';

export type { CertReference };

/** Hex digits of a hash or serial as STIX writes them (`36:f7:…`, `36 F7 …`, `0x36f7…`). */
function hexOf(v: unknown, maxDigits: number): string | undefined {
  if (typeof v !== 'string' || v.length > maxDigits * 3 + 2) return undefined;
  const h = v
    .trim()
    .replace(/^0x/i, '')
    .replace(/[:\s-]/g, '')
    .toLowerCase();
  return /^[0-9a-f]+$/.test(h) && h.length <= maxDigits ? h : undefined;
}

/** A serial number as compared: lower-case hex, no leading zeros (`0` for zero). */
export function normaliseSerial(v: unknown): string | undefined {
  const h = hexOf(v, 64);
  return h === undefined ? undefined : h.replace(/^0+(?=.)/, '');
}

function normalise(r: CertReference): CertReference | undefined {
  const out: CertReference = {};
  if (r.sha256 !== undefined) {
    const h = hexOf(r.sha256, 64);
    if (h?.length !== 64) return undefined;
    out.sha256 = h;
  }
  if (r.sha1 !== undefined) {
    const h = hexOf(r.sha1, 40);
    if (h?.length !== 40) return undefined;
    out.sha1 = h;
  }
  if (r.serial !== undefined) {
    const s = normaliseSerial(r.serial);
    if (s === undefined) return undefined;
    out.serial = s;
  }
  if (typeof r.issuer === 'string' && r.issuer.trim()) out.issuer = r.issuer.trim();
  // An issuer alone names a CA's whole population, not a certificate.
  return out.sha256 || out.sha1 || out.serial ? out : undefined;
}

/**
 * The normalised certificate references of one STIX object (empty for other objects).
 *
 * @example
 * ```ts
 * certificateReferences({ type: 'x509-certificate', id, serial_number: '0a:1b', issuer: 'CN=PH eID CA, C=PH' });
 * // [{ serial: 'a1b', issuer: 'CN=PH eID CA, C=PH' }]
 * ```
 */
export function certificateReferences(o: Record<string, unknown>): CertReference[] {
  const raw: CertReference[] = [];
  if (o['type'] === 'x509-certificate') {
    const r: CertReference = {};
    const hashes = o['hashes'];
    if (hashes && typeof hashes === 'object' && !Array.isArray(hashes)) {
      for (const [k, v] of Object.entries(hashes as Record<string, unknown>)) {
        const p = hashProperty(k);
        if (p && typeof v === 'string') r[p] = v;
      }
    }
    if (typeof o['serial_number'] === 'string') r.serial = o['serial_number'];
    if (typeof o['issuer'] === 'string') r.issuer = o['issuer'];
    // Each hash is a reference of its own (a wrong hash beside a right one still names it).
    if (r.sha256) raw.push({ sha256: r.sha256 });
    if (r.sha1) raw.push({ sha1: r.sha1 });
    if (r.serial) raw.push({ serial: r.serial, ...(r.issuer ? { issuer: r.issuer } : {}) });
  } else if (o['type'] === 'indicator' && o['pattern_type'] === 'stix' && typeof o['pattern'] === 'string') {
    raw.push(...parseCertificatePattern(o['pattern']));
  }
  return raw.flatMap((r) => normalise(r) ?? []);
}
