/**
 * The TAXII `next` parameter: a stateless keyset cursor (the last row's date_added, id and
 * version) bound to the collection, the reader and the query's filters, authenticated with an
 * HMAC key kept in the node store. Any worker of any process behind a load balancer accepts it;
 * a changed or forged cursor is refused.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Store } from '../store/database.js';
import { CertError } from './errors.js';
import { certDb } from './schema.js';

/** A keyset position. */
export interface KeysetPosition {
  dateAdded: string;
  id: string;
  version: string;
}

const TAG_BYTES = 16;

/**
 * The node's cursor key (32 random bytes), created on first use; two processes starting
 * together both insert, the first insert wins, both read it back.
 */
export async function cursorKey(store: Store): Promise<Buffer> {
  const db = certDb(store);
  await db
    .insertInto('cert_secret')
    .values({ name: 'taxii-cursor', value: randomBytes(32).toString('base64url') })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await db
    .selectFrom('cert_secret')
    .select('value')
    .where('name', '=', 'taxii-cursor')
    .executeTakeFirstOrThrow();
  return Buffer.from(row.value, 'base64url');
}

/**
 * Signs and opens cursors with one key.
 *
 * @example
 * ```ts
 * const cursors = new Cursors(await cursorKey(store));
 * const next = cursors.seal('scope', { dateAdded, id, version });
 * cursors.open('scope', next); // the position
 * ```
 */
export class Cursors {
  readonly #key: Buffer;

  /** @param key - the HMAC key */
  constructor(key: Buffer) {
    this.#key = key;
  }

  #tag(scope: string, body: string): Buffer {
    return createHmac('sha256', this.#key)
      .update(scope)
      .update('\0')
      .update(body)
      .digest()
      .subarray(0, TAG_BYTES);
  }

  /** The cursor of `position` for `scope` (collection, reader, filters). */
  seal(scope: string, position: KeysetPosition): string {
    const body = Buffer.from(JSON.stringify([position.dateAdded, position.id, position.version])).toString(
      'base64url',
    );
    return `${body}.${this.#tag(scope, body).toString('base64url')}`;
  }

  /** The position in `cursor`; throws TAXII_CURSOR_INVALID when it was not sealed for `scope`. */
  open(scope: string, cursor: string): KeysetPosition {
    const [body, tag, extra] = cursor.split('.');
    const invalid = () => new CertError('TAXII_CURSOR_INVALID', 'next was not issued for this request');
    if (!body || !tag || extra !== undefined || body.length > 1024) throw invalid();
    const expected = this.#tag(scope, body);
    const given = Buffer.from(tag, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
    const v = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as unknown;
    if (!Array.isArray(v) || v.length !== 3 || !v.every((x) => typeof x === 'string')) throw invalid();
    return { dateAdded: v[0] as string, id: v[1] as string, version: v[2] as string };
  }
}
