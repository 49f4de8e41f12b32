/**
 * A POSTed envelope (§5.5): parsed within bounds (size by the parser, a hard nesting ceiling
 * before JSON.parse, the number of objects after), each object validated (the STIX 2.1 schemas
 * and rules; a deeper object than the rules allow is one failure), the valid ones stored, the
 * alerts they raise (src/cert/alerts) and the status resource recorded in one transaction; the
 * invalid ones are the status's failures.
 */
import type { Transaction } from 'kysely';
import type { Store } from '../../store/database.js';
import { CertError } from '../errors.js';
import { addObjects } from '../object_store.js';
import type { CertDatabase } from '../schema.js';
import { recordStatus } from '../status_store.js';
import type { StatusDetail, TaxiiStatus } from '../status_store.js';
import { validateStixObject } from '../stix/validate.js';
import { raiseAlerts } from '../alerts/match.js';

/**
 * Deepest nesting of a request body parsed at all: beyond it the request is refused whole (400).
 * JSON.parse itself does not recurse and the STIX rules bound each object's depth (a deeper
 * object is a failure of the status resource, the others are stored), so this only bounds the
 * work spent on a hostile body.
 */
export const MAX_REQUEST_DEPTH = 100_000;

/** Most objects in one POSTed envelope (node.json `cert.maxObjectsPerPost`). */
export const DEFAULT_MAX_OBJECTS_PER_POST = 10_000;

/** Limits of one POSTed envelope. */
export interface EnvelopeLimits {
  /** Most objects (default {@link DEFAULT_MAX_OBJECTS_PER_POST}); more: 413, nothing stored. */
  maxObjects?: number;
}

/** True when the JSON text nests arrays/objects deeper than `limit` (strings skipped). */
export function jsonDepthExceeds(text: Buffer, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/**
 * The objects of an envelope (or of a STIX bundle, accepted too).
 *
 * @throws CertError TAXII_BAD_REQUEST (no body, not JSON, not an envelope, absurd nesting),
 * TAXII_TOO_LARGE (more objects than `limits.maxObjects`)
 * @example
 * ```ts
 * const objects = envelopeObjects(req.body as Buffer, { maxObjects: 10_000 });
 * ```
 */
export function envelopeObjects(body: Buffer | undefined, limits: EnvelopeLimits = {}): unknown[] {
  if (!body || body.length === 0) throw new CertError('TAXII_BAD_REQUEST', 'the request has no body');
  if (jsonDepthExceeds(body, MAX_REQUEST_DEPTH))
    throw new CertError('TAXII_BAD_REQUEST', `the body nests deeper than ${MAX_REQUEST_DEPTH} levels`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (e) {
    throw new CertError('TAXII_BAD_REQUEST', `the body is not JSON: ${(e as Error).message}`, { cause: e });
  }
  const objects = (parsed as { objects?: unknown } | null)?.objects;
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed) || !Array.isArray(objects))
    throw new CertError(
      'TAXII_BAD_REQUEST',
      "the body is not a TAXII envelope (an object with an 'objects' array)",
    );
  const max = limits.maxObjects ?? DEFAULT_MAX_OBJECTS_PER_POST;
  if (objects.length > max)
    throw new CertError(
      'TAXII_TOO_LARGE',
      `the envelope holds ${objects.length} objects, at most ${max} per request: send it in parts`,
    );
  return objects;
}

/**
 * Validates and stores `objects` in collection `collectionId`; returns the status resource.
 *
 * @example
 * ```ts
 * const status = await ingest(store, 'ph', collection.id, partner.id, envelopeObjects(body), new Date());
 * ```
 */
export async function ingest(
  store: Store,
  apiRoot: string,
  collectionId: string,
  partnerId: string | null,
  objects: readonly unknown[],
  now: Date,
): Promise<TaxiiStatus> {
  const valid: Record<string, unknown>[] = [];
  const failures: StatusDetail[] = [];
  objects.forEach((o, i) => {
    const v = validateStixObject(o);
    if (v.valid) valid.push(o as Record<string, unknown>);
    else
      failures.push({
        id: v.id ?? `objects[${i}]`,
        ...(typeof (o as { modified?: unknown })?.modified === 'string'
          ? { version: (o as { modified: string }).modified }
          : {}),
        message: v.failures.map((f) => `[${f.rule}] ${f.message}`).join('; '),
      });
  });
  return store.transaction(async (t) => {
    const trx = t as unknown as Transaction<CertDatabase>;
    const { added } = await addObjects(trx, store.engine, collectionId, partnerId, valid, now);
    await raiseAlerts(
      trx,
      added.map((a, i) => ({ ...a, object: valid[i]! })),
      { collectionId, partnerId, now },
    );
    return recordStatus(trx, apiRoot, partnerId, now, added, failures);
  });
}
