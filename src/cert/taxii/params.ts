/**
 * The TAXII 2.1 filter parameters of a GET (§3.4): `added_after`, `limit`, `next`, `match[id]`,
 * `match[type]`, `match[version]` (`first`, `last`, `all` or timestamps) and
 * `match[spec_version]`; several values are comma-separated (or the parameter repeated).
 */
import { CertError } from '../errors.js';
import type { VersionMatch } from '../object_store.js';
import { storedTime } from '../schema.js';

/** Page size when the client names none. */
export const DEFAULT_LIMIT = 100;
/** Largest page served, whatever the client asks. */
export const MAX_LIMIT = 1000;

/** The parsed filters. */
export interface TaxiiFilters {
  addedAfter?: string;
  limit: number;
  next?: string;
  ids?: string[];
  types?: string[];
  version: VersionMatch;
  specVersions?: string[];
}

type Query = Record<string, string | string[] | undefined>;

function values(q: Query, name: string): string[] | undefined {
  const raw = q[name];
  if (raw === undefined) return undefined;
  const list = (Array.isArray(raw) ? raw : [raw]).flatMap((v) => v.split(',')).map((v) => v.trim());
  if (list.some((v) => v === '' || v.length > 300))
    throw new CertError('TAXII_BAD_REQUEST', `${name}: empty or oversized value`);
  if (list.length > 100) throw new CertError('TAXII_BAD_REQUEST', `${name}: more than 100 values`);
  return list;
}

function single(q: Query, name: string): string | undefined {
  const v = q[name];
  if (Array.isArray(v)) throw new CertError('TAXII_BAD_REQUEST', `${name} given more than once`);
  return v;
}

const KNOWN = new Set([
  'added_after',
  'limit',
  'next',
  'match[id]',
  'match[type]',
  'match[version]',
  'match[spec_version]',
]);

/**
 * Parses the filters of a request; `defaultVersion` is `last` for objects and the manifest,
 * `all` for versions. Unknown parameters are refused (400), as are malformed values.
 *
 * @example
 * ```ts
 * parseFilters({ 'match[type]': 'indicator,malware', limit: '50' }, 'last');
 * ```
 */
export function parseFilters(q: Query, defaultVersion: 'last' | 'all', allowed = KNOWN): TaxiiFilters {
  for (const k of Object.keys(q))
    if (!allowed.has(k)) throw new CertError('TAXII_BAD_REQUEST', `unsupported parameter ${k}`);
  const f: TaxiiFilters = { limit: DEFAULT_LIMIT, version: { all: true } };
  const addedAfter = single(q, 'added_after');
  if (addedAfter !== undefined) {
    const t = storedTime(addedAfter);
    if (!t) throw new CertError('TAXII_BAD_REQUEST', `added_after ${addedAfter} is not a timestamp`);
    f.addedAfter = t;
  }
  const limit = single(q, 'limit');
  if (limit !== undefined) {
    if (!/^[1-9]\d{0,8}$/.test(limit))
      throw new CertError('TAXII_BAD_REQUEST', `limit ${limit} is not a positive integer`);
    f.limit = Math.min(Number(limit), MAX_LIMIT);
  }
  const next = single(q, 'next');
  if (next !== undefined) f.next = next;
  const ids = values(q, 'match[id]');
  if (ids) f.ids = ids;
  const types = values(q, 'match[type]');
  if (types) f.types = types;
  const specVersions = values(q, 'match[spec_version]');
  if (specVersions) f.specVersions = specVersions;
  const versions = values(q, 'match[version]') ?? [defaultVersion];
  if (versions.includes('all')) f.version = { all: true };
  else {
    const stamps = versions
      .filter((v) => v !== 'first' && v !== 'last')
      .map((v) => {
        const t = storedTime(v);
        if (!t)
          throw new CertError(
            'TAXII_BAD_REQUEST',
            `match[version] ${v} is not first, last, all or a timestamp`,
          );
        return t;
      });
    f.version = {
      all: false,
      first: versions.includes('first'),
      last: versions.includes('last'),
      versions: stamps,
    };
  }
  return f;
}

/** What a cursor is bound to: the endpoint, collection, reader and every filter but `limit`. */
export function scopeOf(
  kind: string,
  collectionId: string,
  partnerId: string,
  f: TaxiiFilters,
  objectId?: string,
): string {
  return JSON.stringify([
    kind,
    collectionId,
    partnerId,
    objectId ?? null,
    f.addedAfter ?? null,
    f.ids ?? null,
    f.types ?? null,
    f.version,
    f.specVersions ?? null,
  ]);
}
