/**
 * The JAdES `sigD` header parameter (ETSI TS 119 182-1 §5.2.8): detached data objects referenced
 * by URI. With ObjectIdByURIHash (§5.2.8.3.3) the protected header carries the digest of each
 * object and the JWS Payload is empty, so one JWS can sign several documents that travel apart;
 * with ObjectIdByURI (§5.2.8.3.2) the payload is the concatenation of the objects.
 */
import { createHash } from 'node:crypto';
import { JadesError } from './errors.js';

/** The sigD mechanisms read here (mId values). */
export const SIGD_MECHANISM = {
  objectIdByUri: 'http://uri.etsi.org/19182/ObjectIdByURI',
  objectIdByUriHash: 'http://uri.etsi.org/19182/ObjectIdByURIHash',
} as const;

/** A detached data object and the URI that names it in `pars`. */
export interface DetachedObject {
  uri: string;
  content: Buffer;
}

/** A `sigD` header parameter value. */
export interface SigD {
  mId: string;
  pars: string[];
  hashM?: string;
  hashV?: string[];
  ctys?: string[];
}

/** TS 119 182-1 §5.2.8.3.3 digest algorithm identifiers and their node:crypto names. */
const HASH_M: Readonly<Record<string, string>> = { S256: 'sha256', S384: 'sha384', S512: 'sha512' };
const MAX_OBJECTS = 1000;

/** The octets an object contributes: base64url-encoded unless the payload is unencoded (b64 false). */
function objectOctets(content: Buffer, b64: boolean): Buffer {
  return b64 ? Buffer.from(content.toString('base64url'), 'ascii') : content;
}

function digestValue(hashM: string, content: Buffer, b64: boolean): string {
  const hash = HASH_M[hashM];
  if (!hash) throw new JadesError('JADES_HEADER_INVALID', `sigD hashM ${hashM} is not supported`);
  return createHash(hash).update(objectOctets(content, b64)).digest('base64url');
}

/**
 * A `sigD` for the ObjectIdByURIHash mechanism (§5.2.8.3.3): `pars` the URIs, `hashM` the
 * digest algorithm, `hashV` the base64url digest of each object — of its base64url encoding
 * when `b64` is absent or true, of its octets when `b64` is false.
 *
 * @param objects - the detached documents with the URIs that name them
 * @param hashM - S256 (default), S384 or S512
 * @param b64 - false when the protected header says `b64: false`
 * @returns the header parameter value
 * @throws JadesError JADES_HEADER_INVALID for no objects, an empty URI or an unknown hashM
 * @example
 * ```ts
 * const sigD = sigDForObjects([{ uri: 'contract.pdf', content: pdf }]);
 * ```
 */
export function sigDForObjects(objects: DetachedObject[], hashM = 'S256', b64 = true): SigD {
  if (objects.length === 0 || objects.length > MAX_OBJECTS)
    throw new JadesError('JADES_HEADER_INVALID', 'sigD references 1 to 1000 objects');
  if (objects.some((o) => o.uri.length === 0))
    throw new JadesError('JADES_HEADER_INVALID', 'sigD pars are non-empty URIs');
  return {
    mId: SIGD_MECHANISM.objectIdByUriHash,
    pars: objects.map((o) => o.uri),
    hashM,
    hashV: objects.map((o) => digestValue(hashM, o.content, b64)),
  };
}

function stringArray(v: unknown, what: string): string[] {
  if (!Array.isArray(v) || v.length === 0 || v.length > MAX_OBJECTS || !v.every((s) => typeof s === 'string'))
    throw new JadesError('JADES_HEADER_INVALID', `sigD ${what} is not a non-empty array of strings`);
  return v as string[];
}

/**
 * Reads and checks a `sigD` header parameter (§5.2.8): a known `mId`, `pars`, and for
 * ObjectIdByURIHash `hashM` and one `hashV` per `pars` entry.
 *
 * @param value - the `sigD` member of the protected header
 * @returns the typed value
 * @throws JadesError JADES_HEADER_INVALID for anything else (HttpHeaders is not supported)
 * @example
 * ```ts
 * const sigD = readSigD(parsed.protectedHeader['sigD']);
 * ```
 */
export function readSigD(value: unknown): SigD {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new JadesError('JADES_HEADER_INVALID', 'sigD is not a JSON object');
  const o = value as Record<string, unknown>;
  const mId = o['mId'];
  if (mId !== SIGD_MECHANISM.objectIdByUri && mId !== SIGD_MECHANISM.objectIdByUriHash)
    throw new JadesError('JADES_HEADER_INVALID', `sigD mechanism ${String(mId)} is not supported`);
  const pars = stringArray(o['pars'], 'pars');
  const ctys = o['ctys'] === undefined ? undefined : stringArray(o['ctys'], 'ctys');
  if (mId === SIGD_MECHANISM.objectIdByUri) return { mId, pars, ...(ctys ? { ctys } : {}) };
  const hashM = o['hashM'];
  if (typeof hashM !== 'string' || !HASH_M[hashM])
    throw new JadesError('JADES_HEADER_INVALID', `sigD hashM ${String(hashM)} is not supported`);
  const hashV = stringArray(o['hashV'], 'hashV');
  if (hashV.length !== pars.length)
    throw new JadesError('JADES_HEADER_INVALID', 'sigD has not one hashV per pars entry');
  return { mId, pars, hashM, hashV, ...(ctys ? { ctys } : {}) };
}

/**
 * The detached objects in `pars` order: matched by URI, or a single document for a single entry.
 *
 * @param sigD - the checked sigD
 * @param detached - one document, or documents with their URIs
 * @returns the contents, one per `pars` entry
 * @throws JadesError JADES_MALFORMED when a referenced object is not given
 * @example
 * ```ts
 * const [pdf] = objectsInOrder(sigD, [{ uri: 'contract.pdf', content: pdf }]);
 * ```
 */
export function objectsInOrder(sigD: SigD, detached: Buffer | DetachedObject[]): Buffer[] {
  if (Buffer.isBuffer(detached)) {
    if (sigD.pars.length !== 1)
      throw new JadesError(
        'JADES_MALFORMED',
        `sigD references ${sigD.pars.length} objects: give each by URI`,
      );
    return [detached];
  }
  return sigD.pars.map((uri) => {
    const found = detached.find((d) => d.uri === uri);
    if (!found) throw new JadesError('JADES_MALFORMED', `the detached object ${uri} is not given`);
    return found.content;
  });
}

/**
 * The JWS Payload that takes part in the signing input under `sigD` (§5.2.8.3): empty for
 * ObjectIdByURIHash, the concatenation of the objects for ObjectIdByURI.
 *
 * @param sigD - the checked sigD
 * @param objects - the objects in `pars` order
 * @returns the payload octets (not yet base64url-encoded)
 * @example
 * ```ts
 * const payload = sigDPayload(sigD, objectsInOrder(sigD, docs));
 * ```
 */
export function sigDPayload(sigD: SigD, objects: Buffer[]): Buffer {
  return sigD.mId === SIGD_MECHANISM.objectIdByUriHash ? Buffer.alloc(0) : Buffer.concat(objects);
}

/**
 * Checks the `hashV` digests of ObjectIdByURIHash against the objects (a mismatch means the
 * document is not the one signed: EN 319 102-1 HASH_FAILURE).
 *
 * @param sigD - the checked sigD
 * @param objects - the objects in `pars` order
 * @param b64 - the protected header's `b64` (default true)
 * @returns for each `pars` entry whether its digest matches (all true for ObjectIdByURI)
 * @example
 * ```ts
 * const ok = sigDDigestsMatch(sigD, objects).every(Boolean);
 * ```
 */
export function sigDDigestsMatch(sigD: SigD, objects: Buffer[], b64 = true): boolean[] {
  if (sigD.mId !== SIGD_MECHANISM.objectIdByUriHash) return objects.map(() => true);
  return objects.map((o, i) => digestValue(sigD.hashM!, o, b64) === sigD.hashV![i]);
}

/**
 * The data-object octets an archive or content time-stamp covers under `sigD` (TS 119 182-1
 * §5.3.6.3.1 item 2): each object, base64url-encoded unless `b64` is false, concatenated.
 *
 * @param objects - the objects in `pars` order
 * @param b64 - the protected header's `b64`
 * @returns the octets
 * @example
 * ```ts
 * const part = sigDObjectsOctets(objectsInOrder(sigD, docs), true);
 * ```
 */
export function sigDObjectsOctets(objects: Buffer[], b64: boolean): Buffer {
  return Buffer.concat(objects.map((o) => objectOctets(o, b64)));
}
