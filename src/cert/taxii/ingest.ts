/**
 * A POSTed envelope (§5.5): parsed within bounds (size by the parser, nesting here, before
 * JSON.parse), each object validated (STIX 2.1 schemas and rules), the valid ones stored and the
 * status resource recorded in one transaction; the invalid ones are the status's failures.
 */
import type { Transaction } from 'kysely';
import type { Store } from '../../store/database.js';
import { CertError } from '../errors.js';
import { addObjects } from '../object_store.js';
import type { CertDatabase } from '../schema.js';
import { recordStatus } from '../status_store.js';
import type { StatusDetail, TaxiiStatus } from '../status_store.js';
import { validateStixObject } from '../stix/validate.js';

/** Deepest nesting accepted in a request body (the envelope adds two levels to each object's). */
export const MAX_REQUEST_DEPTH = 64;

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

/** The objects of an envelope (or of a STIX bundle, accepted too). */
export function envelopeObjects(body: Buffer | undefined): unknown[] {
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
    return recordStatus(trx, apiRoot, partnerId, now, added, failures);
  });
}
