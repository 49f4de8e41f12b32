/**
 * Publishes a country node's trusted list: reconciles the list's services with the node's
 * store, and when anything changed (a service, the signer) or the list nears its NextUpdate,
 * issues the next sequence number, builds, signs and writes it. The store, key store, clock and
 * files are passed in (DESIGN.md: the core does no I/O of its own).
 */
import { createHash } from 'node:crypto';
import { toPem } from '../lib/pem.js';
import { signCertificate } from '../pki/certificate_builder.js';
import { parseCertificate } from '../x509/certificate_info.js';
import type { KeyStore, Signer } from '../pki/key_store.js';
import { trustListSignerTemplate } from '../pki/profiles.js';
import type { IssuerRef, NodeIdentity } from '../pki/profiles.js';
import type { Store } from '../store/database.js';
import {
  currentCertificateOfUsage,
  insertCertificateRow,
  listCertificatesOfUsages,
} from '../eid/register_store/index.js';
import { nodeTrustListDocument } from '../trust/writer/node_list.js';
import type { NodeListDetails } from '../trust/writer/node_list.js';
import { isoSeconds, parseNodeListState, reconcileServices } from '../trust/writer/node_state.js';
import type { NodeListState, NodeServiceKind, ObservedService } from '../trust/writer/node_state.js';
import { signTsl } from '../trust/writer/sign.js';
import { buildTsl } from '../trust/writer/tsl.js';
import { serviceCertificateEntry } from '../ledger/entry_certificate.js';
import { enqueueLedgerEntry } from '../ledger/outbox.js';

/** The files a node's list lives in. */
export type NodeListFile = 'state' | 'trustlist' | 'signer';

/** Where the list, its signer's certificate and the state are kept (the node's directory). */
export interface ListFiles {
  read(name: NodeListFile): Buffer | undefined;
  write(name: NodeListFile, data: string | Buffer): void;
}

/** What publishing needs. */
export interface NodeListPublisher {
  identity: NodeIdentity;
  store: Store;
  /** The TL-signing key and certificate. */
  signer: { signer: Signer; certificate: Buffer };
  files: ListFiles;
  clock: () => Date;
  /** Days between issue and NextUpdate (TS 119 612 clause 5.3.14: at most 6 months). Default 180. */
  validityDays?: number;
  details?: NodeListDetails;
}

/** What {@link publishNodeTrustList} did. */
export interface PublishOutcome {
  published: boolean;
  sequenceNumber: number;
  state: NodeListState;
}

/** Key id and store usage of the TL signer. */
export const TL_SIGNER_ID = 'tl-signer';
const DAY = 86_400_000;
const SERVICE_USAGES: readonly NodeServiceKind[] = ['eid-ca', 'tsa', 'ocsp'];

/**
 * The node's service certificates as its store holds them (revoked ones carry their time).
 *
 * @example
 * ```ts
 * const observed = await observeNodeServices(node.store);
 * ```
 */
export async function observeNodeServices(store: Store): Promise<ObservedService[]> {
  const rows = await listCertificatesOfUsages(store, [...SERVICE_USAGES]);
  return rows.map((r) => ({
    kind: r.usage as NodeServiceKind,
    certificate: Buffer.from(r.cert_der),
    notBefore: new Date(r.not_before),
    revokedAt: r.status === 'revoked' && r.status_changed_at ? new Date(r.status_changed_at) : undefined,
  }));
}

/**
 * The node's TL-signing certificate: the current one from the store, or a new one (key
 * `tl-signer` in the service key store, certificate issued by the root) for nodes made before
 * trust lists existed.
 *
 * @param store - the node store (the certificate is recorded like the other service certificates)
 * @param keys - the service key store
 * @param root - the root CA as issuer, with its signer
 * @param identity - the node identity
 * @param now - issuance time
 * @returns the certificate DER
 * @example
 * ```ts
 * const der = await ensureTrustListSigner(node.store, node.serviceKeys, node.root, node.identity, new Date());
 * ```
 */
export async function ensureTrustListSigner(
  store: Store,
  keys: KeyStore,
  root: { ref: IssuerRef; signer: Signer },
  identity: NodeIdentity,
  now: Date,
): Promise<Buffer> {
  const row = await currentCertificateOfUsage(store, TL_SIGNER_ID);
  if (row) return Buffer.from(row.cert_der);
  // A key left by an interrupted first attempt is reused rather than refused.
  const spki = (await keys.has(TL_SIGNER_ID))
    ? await keys.publicKey(TL_SIGNER_ID)
    : await keys.generate(TL_SIGNER_ID, 'P-256');
  const der = await signCertificate(trustListSignerTemplate(identity, root.ref, spki, now), root.signer);
  const info = parseCertificate(der);
  await store.transaction(async (trx) => {
    await insertCertificateRow(trx, {
      serial: info.serial,
      issuer_ca: root.ref.caId,
      national_id: null,
      usage: TL_SIGNER_ID,
      subject: info.subject,
      not_before: info.notBefore.toISOString(),
      not_after: info.notAfter.toISOString(),
      cert_der: der,
      spki_sha256: createHash('sha256').update(spki).digest('hex'),
      status: 'good',
      status_changed_at: null,
      revocation_reason: null,
      replaced_by: null,
      created_at: now.toISOString(),
    });
    await enqueueLedgerEntry(trx, serviceCertificateEntry(der, TL_SIGNER_ID, now)!);
  });
  return der;
}

const queues = new Map<string, Promise<unknown>>();

/** Runs publications of one node one after the other (each takes the next sequence number). */
function serialized<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const prev = queues.get(key) ?? Promise.resolve();
  const run = prev.then(fn, fn);
  const tail = run.catch(() => undefined);
  queues.set(key, tail);
  void tail.then(() => {
    if (queues.get(key) === tail) queues.delete(key);
  });
  return run;
}

/**
 * A lost state file must not restart the numbering: readers refuse a list whose sequence number
 * is not above the last one they accepted (TS 119 612 clause 5.3.2), so the published list's
 * number is the floor.
 */
function withSequenceFloor(state: NodeListState, files: ListFiles): NodeListState {
  if (state.sequenceNumber > 0) return state;
  const head = files.read('trustlist')?.subarray(0, 4096).toString('utf8');
  const published = Number(/<TSLSequenceNumber>(\d{1,10})<\/TSLSequenceNumber>/.exec(head ?? '')?.[1] ?? 0);
  return Number.isSafeInteger(published) && published > 0 ? { ...state, sequenceNumber: published } : state;
}

function isDue(p: NodeListPublisher, state: NodeListState, now: Date, signerSha: string): boolean {
  if (!state.nextUpdate || state.signerSha256 !== signerSha || p.files.read('trustlist') === undefined)
    return true;
  // Republish when a quarter of the validity is left, so readers never see a stale list.
  const margin = ((p.validityDays ?? 180) * DAY) / 4;
  return now.getTime() >= Date.parse(state.nextUpdate) - margin;
}

/**
 * Republishes the node's list when needed (or always with `force`, or after `change` edits the
 * state, e.g. a withdrawal). The state is written first, then the list's `trust-list` log entry
 * is committed to the store, then the list is written: a crash after the state spends a sequence
 * number but never reuses one, and a list served was always logged first (a crash between the
 * commit and the file logs a list that was never served; the next one takes the next number).
 *
 * @param p - store, signer, files, clock, details
 * @param options - `force`, `change`
 * @example
 * ```ts
 * const { published, sequenceNumber } = await publishNodeTrustList(publisher);
 * ```
 */
export function publishNodeTrustList(
  p: NodeListPublisher,
  options: { force?: boolean; change?: (s: NodeListState, now: Date) => NodeListState } = {},
): Promise<PublishOutcome> {
  return serialized(`${p.identity.country}|${p.identity.baseUrl}`, async () => {
    const now = p.clock();
    const before = withSequenceFloor(parseNodeListState(p.files.read('state')?.toString('utf8')), p.files);
    let { state, changed } = reconcileServices(before, await observeNodeServices(p.store));
    if (options.change) {
      state = options.change(state, now);
      changed = true;
    }
    const signerSha = createHash('sha256').update(p.signer.certificate).digest('hex');
    if (!changed && !options.force && !isDue(p, state, now, signerSha)) {
      return { published: false, sequenceNumber: state.sequenceNumber, state };
    }
    const issued = new Date(isoSeconds(now));
    const nextUpdate = new Date(issued.getTime() + (p.validityDays ?? 180) * DAY);
    const sequenceNumber = state.sequenceNumber + 1;
    const doc = nodeTrustListDocument({
      identity: p.identity,
      state,
      sequenceNumber,
      issued,
      nextUpdate,
      details: p.details,
    });
    const signed = await signTsl(buildTsl(doc), p.signer, issued);
    const next: NodeListState = {
      ...state,
      sequenceNumber,
      issued: isoSeconds(issued),
      nextUpdate: isoSeconds(nextUpdate),
      signerSha256: signerSha,
    };
    p.files.write('state', JSON.stringify(next, null, 2) + '\n');
    await p.store.transaction((trx) =>
      enqueueLedgerEntry(trx, {
        v: 1,
        type: 'trust-list',
        time: now.toISOString(),
        sha256: createHash('sha256').update(signed).digest('hex'),
        territory: p.identity.country,
        sequence: sequenceNumber,
        issued: issued.toISOString(),
        nextUpdate: nextUpdate.toISOString(),
      }),
    );
    p.files.write('trustlist', signed);
    p.files.write('signer', toPem(p.signer.certificate, 'CERTIFICATE'));
    return { published: true, sequenceNumber, state: next };
  });
}
