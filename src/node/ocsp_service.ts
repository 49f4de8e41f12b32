import { PkiError } from '../lib/errors.js';
import { createHash } from 'node:crypto';
import { subjectPublicKeyBits } from '../pki/algorithms.js';
import { buildOcspErrorResponse, buildOcspResponse, parseOcspRequest } from '../pki/ocsp.js';
import type { OcspCertId, OcspRequestInfo, OcspStatus } from '../pki/ocsp.js';
import { isRevocationReason } from '../x509/revocation_reason.js';
import type { Store } from '../store/database.js';
import { SeenCertificates } from '../ledger/seen_certificates.js';
import { certificateStatusReader } from '../eid/register_store/index.js';
import type { CertificateStatusRow } from '../eid/register_store/index.js';
import { CERT_STATUS_CHANNEL } from '../store/notifications.js';
import type { Subscription } from '../store/notifications.js';
import type { KeyHolder, NodeContext } from './context.js';

/** What the responder needs from the node. */
export interface OcspServiceOptions {
  store: Store;
  /** The CAs this node answers for, with the key that signs their responses. */
  authorities: { caId: string; ca: KeyHolder; responder: KeyHolder }[];
  clock: () => Date;
  /** Minutes between thisUpdate and nextUpdate. */
  validityMinutes: number;
  /** Most cached responses kept (least recently produced evicted first). */
  cacheSize?: number;
  /**
   * Where serials of the node's CAs that the register does not know are recorded when asked
   * about (for `log monitor`); the node's other observers (validation, login) share it.
   */
  seen?: SeenCertificates;
}

/** The outcome of one OCSP exchange, for metrics and HTTP caching headers. */
export interface OcspOutcome {
  der: Buffer;
  /** `good`, `revoked`, `unknown` (single answers), or the error status. */
  result: string;
  cached: boolean;
  /** Seconds the response stays fresh (RFC 5019 §6.2 max-age), 0 for nonce responses and errors. */
  maxAge: number;
}

interface CacheEntry {
  der: Buffer;
  statusKey: string;
  refreshAt: number;
  nextUpdate: number;
  result: string;
}

/**
 * RFC 6960 OCSP responder. Answers for the node's CAs: eID certificates are answered by the
 * delegated responder (id-kp-OCSPSigning + ocsp-nocheck), root-issued ones by the root itself.
 * The status is read from the register on every request, so a revocation made by another
 * process is visible at once; without a nonce the signed response is reused until a quarter of
 * its validity is left (RFC 5019 pre-production), then re-signed.
 *
 * @example
 * ```ts
 * const ocsp = new OcspService({ store, authorities, clock: () => new Date(), validityMinutes: 60 });
 * const { der } = await ocsp.respond(requestDer);
 * ```
 */
export class OcspService {
  readonly #o: OcspServiceOptions;
  readonly #cache = new Map<string, CacheEntry>();
  /** Nonce-free requests already parsed, by their bytes: repeated RFC 5019 requests skip parsing. */
  readonly #parsed = new Map<string, { authority: Authority; certIds: OcspCertId[] }>();
  /** Issuer name and key hashes per authority and hash algorithm (RFC 6960 §4.1.1), computed once. */
  readonly #issuerHashes = new Map<string, string>();
  readonly #readStatus: (caId: string, serial: string) => Promise<StatusRow | undefined>;
  /** Statuses kept in memory while a PostgreSQL notification listener guarantees their freshness. */
  readonly #statusRows = new Map<string, StatusRow>();
  #generation = 0;
  #watching = false;
  #subscription: Subscription | undefined;
  #stopped = false;

  /** The node's record of certificates seen in use, when kept. */
  get seen(): SeenCertificates | undefined {
    return this.#o.seen;
  }

  constructor(options: OcspServiceOptions) {
    this.#o = options;
    this.#readStatus = certificateStatusReader(options.store);
  }

  /**
   * On PostgreSQL, starts listening for status changes (NOTIFY sent in the same transaction as
   * each suspension, resumption, revocation), so statuses can be answered from memory across
   * processes. Without notifications (SQLite, or while the listener is down) every request reads
   * the store.
   */
  async start(): Promise<void> {
    const listen = this.#o.store.listen;
    if (!listen || this.#stopped) return;
    const invalidate = (payload: string): void => {
      this.#generation++;
      for (const serial of payload.split(',')) {
        for (const a of this.#o.authorities) this.#statusRows.delete(`${a.caId}:${serial}`);
      }
    };
    const lost = (): void => {
      this.#watching = false;
      this.#generation++;
      this.#statusRows.clear();
      if (!this.#stopped) setTimeout(() => void this.start().catch(() => undefined), 1000).unref();
    };
    this.#subscription = await listen(CERT_STATUS_CHANNEL, invalidate, lost);
    this.#watching = true;
  }

  /** Stops the notification listener. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#watching = false;
    await this.#subscription?.stop();
  }

  /** Answers one DER OCSPRequest; never throws for bad input (it answers malformedRequest). */
  async respond(requestDer: Uint8Array): Promise<OcspOutcome> {
    const requestKey = Buffer.from(requestDer).toString('base64');
    let known = this.#parsed.get(requestKey);
    let req: OcspRequestInfo;
    if (known) {
      req = { certIds: known.certIds };
    } else {
      try {
        req = parseOcspRequest(requestDer);
      } catch (e) {
        if (e instanceof PkiError) return errorOutcome('malformedRequest');
        throw e;
      }
      const authority = this.#authorityFor(req.certIds);
      if (!authority) return errorOutcome('unauthorized');
      known = { authority, certIds: req.certIds };
      if (!req.nonceExtension) remember(this.#parsed, requestKey, known, this.#o.cacheSize ?? 100_000);
    }
    const authority = known.authority;
    const now = this.#o.clock();
    const statuses = await Promise.all(req.certIds.map((id) => this.#status(authority.caId, id.serial)));
    // A serial of our CA unknown to the register: possibly issued outside it (the log monitor checks).
    if (this.#o.seen)
      for (const [i, id] of req.certIds.entries())
        if (statuses[i]!.key === 'unknown')
          await this.#o.seen.record({ serial: id.serial, issuerCa: authority.caId, source: 'ocsp' });
    const single = req.certIds.length === 1 && !req.nonceExtension;
    const cacheKey = single ? `${authority.caId}:${req.certIds[0]!.raw.toString('hex')}` : '';
    if (single) {
      const hit = this.#cache.get(cacheKey);
      if (hit && hit.statusKey === statuses[0]!.key && now.getTime() < hit.refreshAt) {
        return {
          der: hit.der,
          result: hit.result,
          cached: true,
          maxAge: Math.floor((hit.nextUpdate - now.getTime()) / 1000),
        };
      }
    }
    const thisUpdate = new Date(Math.floor(now.getTime() / 1000) * 1000);
    const nextUpdate = new Date(thisUpdate.getTime() + this.#o.validityMinutes * 60_000);
    const der = await buildOcspResponse({
      signer: authority.responder.signer,
      responderCertificate: authority.responder.certificate.der,
      producedAt: thisUpdate,
      answers: req.certIds.map((certId, i) => ({
        certId,
        status: statuses[i]!.status,
        thisUpdate,
        nextUpdate,
      })),
      ...(req.nonceExtension ? { nonceExtension: req.nonceExtension } : {}),
    });
    const result = statuses.map((s) => s.status.status).join(',');
    if (single)
      this.#remember(cacheKey, {
        der,
        statusKey: statuses[0]!.key,
        result,
        nextUpdate: nextUpdate.getTime(),
        refreshAt: thisUpdate.getTime() + ((nextUpdate.getTime() - thisUpdate.getTime()) * 3) / 4,
      });
    return { der, result, cached: false, maxAge: single ? this.#o.validityMinutes * 60 : 0 };
  }

  #authorityFor(ids: OcspCertId[]): Authority | undefined {
    // RFC 6960 §2.3: a responder answers only for the CAs it is authorised for; one signer per response.
    const found = this.#o.authorities.find((a) => this.#issuedBy(ids[0]!, a));
    if (!found) return undefined;
    return ids.every((id) => this.#issuedBy(id, found)) ? found : undefined;
  }

  #issuedBy(id: OcspCertId, a: Authority): boolean {
    const key = `${a.caId}:${id.hashAlgorithm}`;
    let hashes = this.#issuerHashes.get(key);
    if (hashes === undefined) {
      const cert = a.ca.certificate;
      const name = createHash(id.hashAlgorithm).update(cert.subjectDer).digest('hex');
      const keyHash = createHash(id.hashAlgorithm).update(subjectPublicKeyBits(cert.spki)).digest('hex');
      hashes = `${name}:${keyHash}`;
      this.#issuerHashes.set(key, hashes);
    }
    return hashes === `${id.issuerNameHash.toString('hex')}:${id.issuerKeyHash.toString('hex')}`;
  }

  async #status(caId: string, serial: string): Promise<{ status: OcspStatus; key: string }> {
    const row = await this.#statusRow(caId, serial);
    if (!row) return { status: { status: 'unknown' }, key: 'unknown' };
    const key = `${row.status}|${row.status_changed_at ?? ''}|${row.revocation_reason ?? ''}`;
    if (row.status === 'good') return { status: { status: 'good' }, key };
    const reason =
      row.revocation_reason && isRevocationReason(row.revocation_reason) ? row.revocation_reason : undefined;
    return {
      status: {
        status: 'revoked',
        revokedAt: new Date(row.status_changed_at ?? 0),
        ...(reason ? { reason } : {}),
      },
      key,
    };
  }

  async #statusRow(caId: string, serial: string): Promise<StatusRow | undefined> {
    const key = `${caId}:${serial}`;
    const known = this.#watching ? this.#statusRows.get(key) : undefined;
    if (known) return known;
    const generation = this.#generation;
    // Compiled once: read on every request unless a listener vouches for the cached value.
    const row = await this.#readStatus(caId, serial);
    // Unknown serials are not kept (they may be issued next); a change notified meanwhile voids the read.
    if (row && this.#watching && generation === this.#generation)
      remember(this.#statusRows, key, row, this.#o.cacheSize ?? 100_000);
    return row;
  }

  #remember(key: string, entry: CacheEntry): void {
    remember(this.#cache, key, entry, this.#o.cacheSize ?? 100_000);
  }
}

/** Inserts into a bounded map, evicting the oldest entries. */
function remember<T>(map: Map<string, T>, key: string, value: T, max: number): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > max) map.delete(map.keys().next().value as string);
}

type Authority = OcspServiceOptions['authorities'][number];

type StatusRow = CertificateStatusRow;

function errorOutcome(status: 'malformedRequest' | 'unauthorized'): OcspOutcome {
  return { der: buildOcspErrorResponse(status), result: status, cached: false, maxAge: 0 };
}

/**
 * The responder of an open node: eID certificates answered by the delegated responder,
 * root-issued ones by the root itself.
 *
 * @param node - an open node
 */
export function ocspServiceOf(node: NodeContext): OcspService {
  return new OcspService({
    store: node.store,
    authorities: [
      { caId: 'eid-ca', ca: node.eidCa, responder: node.ocsp },
      { caId: 'root', ca: node.root, responder: node.root },
    ],
    clock: node.clock,
    validityMinutes: node.config.ocspValidityMinutes,
    seen: new SeenCertificates(node.store.db, node.clock),
  });
}
