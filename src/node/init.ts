import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../lib/errors.js';
import { NodeError } from './errors.js';
import { toPem } from '../lib/pem.js';
import { makePrivateDir } from '../lib/private_files.js';
import { parseCertificate } from '../x509/certificate_info.js';
import { signCertificate } from '../pki/certificate_builder.js';
import type { CertificateTemplate } from '../pki/certificate_builder.js';
import type { KeyAlgorithm, KeyStore, Signer } from '../pki/key_store.js';
import {
  eidCaTemplate,
  ocspResponderTemplate,
  rootCaTemplate,
  trustListSignerTemplate,
  tsaTemplate,
} from '../pki/profiles.js';
import type { IssuerRef, NodeIdentity } from '../pki/profiles.js';
import { keyStoreSigner } from '../pki/signer.js';
import { openStore } from '../store/database.js';
import type { Store } from '../store/database.js';
import { publishCrl } from '../eid/crl_publisher.js';
import { insertCaRow, insertCertificateRow, insertEventRow } from '../eid/register_store/index.js';
import { serviceCertificateEntry } from '../ledger/entry_certificate.js';
import { enqueueLedgerEntries } from '../ledger/outbox.js';
import { NODE_FILES, configPath, nodeListFiles, storeLocation, writeNodeConfig } from './config.js';
import type { CaKeyStoreConfig, NodeConfig } from './config.js';
import { logKeyStore, openCaKeyStore } from './context.js';
import { FileKeyStore, assertStrongPassphrase } from '../pki/file_key_store.js';
import { TL_SIGNER_ID, publishNodeTrustList } from './trust_list_publisher.js';
import { logOrigin, openLogIdentity } from '../ledger/log_key.js';
import { openWitnessCosigner } from './witness.js';

/** What `trustbridge node init` takes. */
export interface InitNodeOptions {
  dir: string;
  country: string;
  name?: string;
  baseUrl?: string;
  db?: string;
  passphrase: string;
  caKeys?: CaKeyStoreConfig;
  eidCaCurve?: KeyAlgorithm;
  now?: Date;
}

interface Issued {
  der: Buffer;
  ref: IssuerRef;
  signer: Signer;
}

function validate(o: InitNodeOptions): void {
  if (!/^[A-Z]{2}$/.test(o.country))
    throw new UsageError('USAGE_INVALID_ARGUMENT', '--country must be two upper-case letters (ISO 3166-1)');
  if (o.baseUrl !== undefined && !/^https?:\/\/[^\s/]+(\/[^\s]*)?$/.test(o.baseUrl)) {
    throw new UsageError('USAGE_INVALID_ARGUMENT', '--base-url must be an http(s) URL');
  }
  if (existsSync(configPath(o.dir))) throw new NodeError('NODE_EXISTS', `${o.dir} already holds a node`);
}

async function issue(
  keys: KeyStore,
  id: string,
  curve: KeyAlgorithm,
  template: (spki: Buffer) => CertificateTemplate,
  issuer: Signer | 'self',
): Promise<Issued> {
  const spki = await keys.generate(id, curve);
  const signer = keyStoreSigner(keys, id, curve, spki);
  const der = await signCertificate(template(spki), issuer === 'self' ? signer : issuer);
  const info = parseCertificate(der);
  return { der, signer, ref: { caId: id, subjectDer: info.subjectDer, spki, notAfter: info.notAfter } };
}

async function recordCertificates(store: Store, certs: [string, string, Issued][], now: Date): Promise<void> {
  const at = now.toISOString();
  await store.transaction(async (trx) => {
    for (const [usage, issuerCa, c] of certs) {
      const info = parseCertificate(c.der);
      await insertCertificateRow(trx, {
        serial: info.serial,
        issuer_ca: issuerCa,
        national_id: null,
        usage,
        subject: info.subject,
        not_before: info.notBefore.toISOString(),
        not_after: info.notAfter.toISOString(),
        cert_der: c.der,
        spki_sha256: createHash('sha256').update(info.spki).digest('hex'),
        status: 'good',
        status_changed_at: null,
        revocation_reason: null,
        replaced_by: null,
        created_at: at,
      });
    }
    // The transparency log's entries (ca-cert, ocsp-cert, tsa-cert, tl-signer-cert), in the same transaction.
    await enqueueLedgerEntries(
      trx,
      certs.flatMap(([usage, , c]) => serviceCertificateEntry(c.der, usage, now) ?? []),
    );
    for (const [id, c] of [
      ['root', certs[0]![2]],
      ['eid-ca', certs[1]![2]],
    ] as const) {
      const info = parseCertificate(c.der);
      await insertCaRow(trx, {
        id,
        subject: info.subject,
        cert_der: c.der,
        key_id: id,
        crl_number: 0,
        created_at: at,
      });
    }
    await insertEventRow(trx, {
      at,
      officer: 'node-init',
      action: 'node-init',
      national_id: null,
      serial: null,
      detail: '{}',
    });
  });
}

/**
 * Creates a country node: key pairs (root P-384, eID CA, OCSP responder, TSA, trusted-list
 * signer, transparency log), their certificates, the log's verifier key `DIR/public/log.vkey`, the store with its first CRLs, `node.json`, the public PEM files
 * in `DIR/public/` and the first signed trusted list `DIR/public/trustlist.xml`.
 *
 * @param o - directory, country, name, base URL, database, passphrase, CA key store
 * @example
 * ```ts
 * await initNode({ dir: 'ph', country: 'PH', name: 'Republic of the Philippines', passphrase: 'a long secret passphrase' });
 * ```
 */
export async function initNode(o: InitNodeOptions): Promise<NodeConfig> {
  validate(o);
  assertStrongPassphrase(o.passphrase);
  const now = o.now ?? new Date();
  const cfg: NodeConfig = {
    version: 1,
    country: o.country,
    name: o.name ?? `${o.country} National Digital Agency`,
    baseUrl: (o.baseUrl ?? 'http://127.0.0.1:8080').replace(/\/+$/, ''),
    db: o.db ?? NODE_FILES.defaultDb,
    caKeys: o.caKeys ?? { type: 'file' },
    curves: { root: 'P-384', eidCa: o.eidCaCurve ?? 'P-256' },
    crlValidityHours: 24,
    ocspValidityMinutes: 60,
  };
  const node: NodeIdentity = { country: cfg.country, name: cfg.name, baseUrl: cfg.baseUrl };
  makePrivateDir(o.dir);
  mkdirSync(join(o.dir, NODE_FILES.public), { recursive: true });
  const serviceKeys = new FileKeyStore(join(o.dir, NODE_FILES.keys), o.passphrase);
  const caKeys =
    cfg.caKeys.type === 'file' ? serviceKeys : await openCaKeyStore(o.dir, cfg.caKeys, o.passphrase);
  let store: Store | undefined;
  try {
    const root = await issue(caKeys, 'root', cfg.curves.root, (k) => rootCaTemplate(node, k, now), 'self');
    const eid = await issue(
      caKeys,
      'eid-ca',
      cfg.curves.eidCa,
      (k) => eidCaTemplate(node, root.ref, k, now),
      root.signer,
    );
    const ocsp = await issue(
      serviceKeys,
      'ocsp',
      'P-256',
      (k) => ocspResponderTemplate(node, eid.ref, k, now),
      eid.signer,
    );
    const tsa = await issue(
      serviceKeys,
      'tsa',
      'P-256',
      (k) => tsaTemplate(node, root.ref, k, now),
      root.signer,
    );
    // ETSI TS 119 612 clause 5.7.1: a dedicated list-signing key, certified by the national root.
    const tl = await issue(
      serviceKeys,
      TL_SIGNER_ID,
      'P-256',
      (k) => trustListSignerTemplate(node, root.ref, k, now),
      root.signer,
    );
    // The transparency log's checkpoint key (Ed25519), beside the CA keys when those are in an
    // HSM; its verifier key in public/log.vkey.
    await openLogIdentity(
      await logKeyStore(serviceKeys, caKeys),
      logOrigin(cfg.baseUrl),
      join(o.dir, NODE_FILES.public, NODE_FILES.logVkey),
    );
    store = await openStore(storeLocation(o.dir, cfg));
    await recordCertificates(
      store,
      [
        ['root-ca', 'root', root],
        ['eid-ca', 'root', eid],
        ['ocsp', 'eid-ca', ocsp],
        ['tsa', 'root', tsa],
        [TL_SIGNER_ID, 'root', tl],
      ],
      now,
    );
    for (const [caId, ca] of [
      ['root', root],
      ['eid-ca', eid],
    ] as const) {
      await store.transaction((trx) =>
        publishCrl(trx, {
          caId,
          issuer: ca.ref,
          signer: ca.signer,
          now,
          validityHours: cfg.crlValidityHours,
        }),
      );
    }
    const pub = join(o.dir, NODE_FILES.public);
    for (const [file, c] of [
      ['root.pem', root],
      ['eid-ca.pem', eid],
      ['ocsp.pem', ocsp],
      ['tsa.pem', tsa],
    ] as const) {
      writeFileSync(join(pub, file), toPem(c.der, 'CERTIFICATE'));
    }
    // The first trusted list (sequence number 1): eID CA, TSA and OCSP responder granted.
    await publishNodeTrustList({
      identity: node,
      store,
      signer: { signer: tl.signer, certificate: tl.der },
      files: nodeListFiles(o.dir),
      clock: () => now,
      validityDays: cfg.trustListValidityDays,
    });
    // The witness's cosigning key (tlog-witness) and DIR/public/witness.vkey.
    openWitnessCosigner({
      keysDir: join(o.dir, NODE_FILES.keys),
      publicDir: pub,
      passphrase: o.passphrase,
      baseUrl: cfg.baseUrl,
      create: true,
    });
    // node.json last: a node exists only once everything above is in place.
    writeNodeConfig(o.dir, cfg);
    return cfg;
  } catch (e) {
    // Nothing half-made stays behind: the next `node init` starts clean.
    if (cfg.caKeys.type === 'file') rmSync(join(o.dir, NODE_FILES.keys), { recursive: true, force: true });
    rmSync(join(o.dir, NODE_FILES.trustListState), { force: true });
    throw e;
  } finally {
    await store?.close();
    if (caKeys !== serviceKeys) await caKeys.close();
  }
}
