/**
 * Deterministic STIX 2.1 objects for the CERT benchmark: indicators (IPv4, domain and file-hash
 * patterns) and the cyber-observables they name (ipv4-addr, domain-name, with UUIDv5 ids in the
 * STIX namespace), all marked TLP:GREEN, as a CERT feed carries them.
 */
import { createHash } from 'node:crypto';
import { SCO_NAMESPACE } from '../src/cert/stix/rules.js';
import { TLP2_MARKINGS } from '../src/cert/tlp.js';

const GREEN = [TLP2_MARKINGS.green];
const NAMESPACE = Buffer.from(SCO_NAMESPACE.replace(/-/g, ''), 'hex');

function uuidOf(bytes: Buffer, version: number): string {
  const b = Buffer.from(bytes.subarray(0, 16));
  b[6] = (b[6]! & 0x0f) | (version << 4);
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** A version-4-shaped UUID derived from `seed` and `i` (deterministic, distinct per i). */
function uuid4(seed: string, i: number): string {
  return uuidOf(createHash('sha256').update(`${seed}:${i}`).digest(), 4);
}

/** The STIX id-contributing-properties UUIDv5 of an observable. */
function uuid5(contributing: Record<string, unknown>): string {
  return uuidOf(createHash('sha1').update(NAMESPACE).update(JSON.stringify(contributing)).digest(), 5);
}

function ipv4(i: number): string {
  return `10.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}`;
}

function domain(i: number): string {
  return `c2-${i.toString(36)}.bad.example`;
}

function timestamp(i: number): string {
  // Spread over 2026, to the millisecond.
  return new Date(Date.UTC(2026, 0, 1) + (i % 31_536_000) * 1000 + (i % 1000)).toISOString();
}

/**
 * Object `i` of feed `seed`: two indicators for every observable (indicator, indicator,
 * ipv4-addr / domain-name, …).
 */
export function benchObject(seed: string, i: number): Record<string, unknown> {
  const kind = i % 3;
  const k = Math.floor(i / 3);
  if (kind === 2) {
    const value = k % 2 === 0 ? ipv4(k) : domain(k);
    const type = k % 2 === 0 ? 'ipv4-addr' : 'domain-name';
    return {
      type,
      spec_version: '2.1',
      id: `${type}--${uuid5({ value: `${seed}:${value}` })}`,
      value: `${value}`,
      object_marking_refs: GREEN,
    };
  }
  const t = timestamp(i);
  const hash = createHash('sha256').update(`${seed}:file:${i}`).digest('hex');
  const pattern =
    kind === 0
      ? `[ipv4-addr:value = '${ipv4(k)}'] OR [domain-name:value = '${domain(k)}']`
      : `[file:hashes.'SHA-256' = '${hash}']`;
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: `indicator--${uuid4(seed, i)}`,
    created: t,
    modified: t,
    name: kind === 0 ? `C2 infrastructure ${k}` : `Malware sample ${k}`,
    description: 'Observed in a phishing campaign against government mail systems.',
    indicator_types: ['malicious-activity'],
    pattern,
    pattern_type: 'stix',
    valid_from: t,
    labels: ['phishing'],
    confidence: 70,
    created_by_ref: 'identity--5f0b6f5c-8b8b-4b1b-9b1b-1b1b1b1b1b1b',
    object_marking_refs: GREEN,
  };
}

/** Objects `from` … `from + count - 1` of feed `seed`. */
export function benchObjects(seed: string, from: number, count: number): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let i = from; i < from + count; i++) out.push(benchObject(seed, i));
  return out;
}
