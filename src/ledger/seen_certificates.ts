/**
 * Certificates of the node's own CAs seen in use (`seen_certificate`, migration 0010): the
 * signer of a validated signature, a client certificate at login, a serial asked about by OCSP
 * that the register does not know. The log monitor (`trustbridge log monitor`) reports any of
 * them absent from both the register and the log: an issuance that bypassed the register
 * (a CA key used outside the node). Recording is one insert-or-update and never fails the
 * request it observes: errors are swallowed and counted.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

/** Where a certificate was seen. */
export type SeenSource = 'validate' | 'login' | 'ocsp';

/** A certificate seen: by its DER's SHA-256 when the DER was seen, else by serial and issuing CA. */
export interface SeenCertificate {
  /** SHA-256 (hex) of the DER, when known. */
  readonly sha256?: string;
  /** Serial number, lower-case hex. */
  readonly serial: string;
  /** The id of the node CA that issued it (`eid-ca`, `root`). */
  readonly issuerCa: string;
  readonly source: SeenSource;
}

/** A `seen_certificate` row as read back. */
export interface SeenCertificateRow extends SeenCertificate {
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly count: number;
}

const HEX = /^[0-9a-f]{1,64}$/;

/**
 * Records certificates seen, cheaply and without ever throwing.
 *
 * @example
 * ```ts
 * const seen = new SeenCertificates(store.db, () => new Date());
 * seen.record({ sha256, serial, issuerCa: 'eid-ca', source: 'validate' });
 * ```
 */
export class SeenCertificates {
  readonly #db: Kysely<Database>;
  readonly #clock: () => Date;
  /** Recordings that failed (the store was busy, closed, ...): counted, never thrown. */
  failures = 0;

  /**
   * @param db - the node's store
   * @param clock - the node's clock
   */
  constructor(db: Kysely<Database>, clock: () => Date) {
    this.#db = db;
    this.#clock = clock;
  }

  /**
   * Records one sighting (first and last time seen, count). Resolves when written; never rejects.
   *
   * @param c - what was seen, and where
   */
  async record(c: SeenCertificate): Promise<void> {
    try {
      if (!HEX.test(c.serial) || (c.sha256 !== undefined && !/^[0-9a-f]{64}$/.test(c.sha256))) {
        this.failures++;
        return;
      }
      const at = this.#clock().toISOString();
      await this.#db
        .insertInto('seen_certificate')
        .values({
          seen_key: c.sha256 ?? `${c.issuerCa}:${c.serial}`,
          source: c.source,
          sha256: c.sha256 ?? null,
          serial: c.serial,
          issuer_ca: c.issuerCa,
          first_seen: at,
          last_seen: at,
          count: 1,
        })
        .onConflict((oc) =>
          oc.columns(['seen_key', 'source']).doUpdateSet((eb) => ({
            last_seen: at,
            count: eb(eb.ref('seen_certificate.count'), '+', 1),
          })),
        )
        .execute();
    } catch {
      // An observation must never fail the request it observes.
      this.failures++;
    }
  }
}

/**
 * Every certificate seen, oldest first.
 *
 * @param db - the node's store
 * @example
 * ```ts
 * for (const s of await readSeenCertificates(store.db)) console.log(s.source, s.serial);
 * ```
 */
export async function readSeenCertificates(db: Kysely<Database>): Promise<SeenCertificateRow[]> {
  const rows = await db
    .selectFrom('seen_certificate')
    .selectAll()
    .orderBy('first_seen')
    .orderBy('seen_key')
    .execute();
  return rows.map((r) => ({
    ...(r.sha256 ? { sha256: r.sha256 } : {}),
    serial: r.serial,
    issuerCa: r.issuer_ca,
    source: r.source as SeenSource,
    firstSeen: r.first_seen,
    lastSeen: r.last_seen,
    count: Number(r.count),
  }));
}
