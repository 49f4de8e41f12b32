import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { KeyStoreError } from '../pki/errors.js';
import { NodeError } from './errors.js';
import { curveOfSpki } from '../pki/algorithms.js';
import { parseCertificate } from '../x509/certificate_info.js';
import { FileKeyStore } from '../pki/file_key_store.js';
import type { KeyHolder } from '../pki/key_holder.js';
import type { Ed25519KeyStore, KeyStore } from '../pki/key_store.js';
import type { NodeIdentity } from '../pki/profiles.js';
import { keyStoreSigner } from '../pki/signer.js';
import { openStore } from '../store/database.js';
import type { Store } from '../store/database.js';
import { currentCertificateOfUsage } from '../eid/register_store/index.js';
import { NODE_FILES, nodeListFiles, readNodeConfig, storeLocation } from './config.js';
import type { CaKeyStoreConfig, NodeConfig } from './config.js';
import { LOG_KEY_ID, logOrigin, openLogIdentity } from '../ledger/log_key.js';
import type { LogIdentity } from '../ledger/log_key.js';
import { TL_SIGNER_ID, ensureTrustListSigner, publishNodeTrustList } from './trust_list_publisher.js';
import type { NodeListPublisher } from './trust_list_publisher.js';
import type { Cosigner } from '../ledger/cosignature.js';
import { openWitnessCosigner } from './witness.js';

/** A certification authority or service key of the node, ready to sign. */
export type { KeyHolder };

/** An open country node: configuration, store, keys. */
export interface NodeContext {
  dir: string;
  config: NodeConfig;
  identity: NodeIdentity;
  store: Store;
  caKeys: KeyStore;
  serviceKeys: KeyStore;
  root: KeyHolder;
  eidCa: KeyHolder;
  ocsp: KeyHolder;
  tsa: KeyHolder;
  /** The trusted-list signer and publisher (ETSI TS 119 612); absent on nodes without a directory (tests). */
  tlSigner?: KeyHolder;
  trustList?: NodeListPublisher;
  /** The transparency log's origin and checkpoint key; absent on nodes without a directory (tests). */
  log?: LogIdentity;
  /** The witness's cosigning key (tlog-witness; `DIR/public/witness.vkey`); absent on nodes without a directory (tests). */
  witness?: Cosigner;
  clock: () => Date;
  close(): Promise<void>;
}

/** Options for opening a node. */
export interface OpenNodeOptions {
  /** Node passphrase (decrypts the key files). */
  passphrase: string;
  /** Injected clock (tests). */
  clock?: () => Date;
  /** Overrides `node.json`'s database (tests, benchmarks). */
  db?: string;
}

/** Opens the CA key store a configuration names. */
export async function openCaKeyStore(
  dir: string,
  cfg: CaKeyStoreConfig,
  passphrase: string,
): Promise<KeyStore & Ed25519KeyStore> {
  if (cfg.type === 'file') return new FileKeyStore(join(dir, NODE_FILES.keys), passphrase);
  const { openPkcs11KeyStore } = await import('../pki/pkcs11_key_store.js');
  let pin: string;
  try {
    pin = readFileSync(resolve(dir, cfg.pinFile), 'utf8').trim();
  } catch (e) {
    throw new KeyStoreError('KEY_STORE_UNAVAILABLE', `cannot read the HSM PIN file ${cfg.pinFile}`, {
      cause: e,
    });
  }
  return openPkcs11KeyStore({ modulePath: cfg.module, tokenLabel: cfg.tokenLabel, pin });
}

/**
 * The key store for the node's transparency-log key: the CA key store when that is an HSM
 * (issue 15: the checkpoint key is HSM-capable like the CA keys), unless the file store already
 * holds a log key: a log never changes key, so a node that made its key on file keeps it there.
 *
 * @param serviceKeys - the node's file key store
 * @param caKeys - its CA key store (the same object when `caKeys` is `file`)
 * @example
 * ```ts
 * const log = await openLogIdentity(await logKeyStore(serviceKeys, caKeys), origin, vkeyFile);
 * ```
 */
export async function logKeyStore(
  serviceKeys: KeyStore & Ed25519KeyStore,
  caKeys: KeyStore & Ed25519KeyStore,
): Promise<Ed25519KeyStore> {
  if (caKeys === serviceKeys || caKeys.kind === 'file' || (await serviceKeys.has(LOG_KEY_ID)))
    return serviceKeys;
  return caKeys;
}

function identityOf(config: NodeConfig): NodeIdentity {
  return { country: config.country, name: config.name, baseUrl: config.baseUrl };
}

async function holder(store: Store, keys: KeyStore, id: string, usage: string): Promise<KeyHolder> {
  const row = await currentCertificateOfUsage(store, usage);
  if (!row) throw new NodeError('NODE_NOT_INITIALISED', `no current ${usage} certificate in the store`);
  const certificate = parseCertificate(row.cert_der);
  // Unlock the key now: a wrong passphrase or a key that does not match its certificate fails
  // here, before anything is served or changed.
  if (!(await keys.publicKey(id)).equals(certificate.spki)) {
    throw new NodeError('NODE_NOT_INITIALISED', `key ${id} does not match its ${usage} certificate`);
  }
  const signer = keyStoreSigner(keys, id, curveOfSpki(certificate.spki), certificate.spki);
  return {
    id,
    certificate,
    signer,
    ref: {
      caId: id,
      subjectDer: certificate.subjectDer,
      spki: certificate.spki,
      notAfter: certificate.notAfter,
    },
  };
}

/**
 * The node's witness key; nodes made before witnesses get it here, once. A node whose (old)
 * passphrase is too short to make new keys runs without a witness.
 */
function nodeWitnessCosigner(
  dir: string,
  config: NodeConfig,
  passphrase: string,
  clock: () => Date,
): Cosigner | undefined {
  try {
    return openWitnessCosigner({
      keysDir: join(dir, NODE_FILES.keys),
      publicDir: join(dir, NODE_FILES.public),
      passphrase,
      baseUrl: config.baseUrl,
      create: true,
      clock,
    });
  } catch (e) {
    if (e instanceof KeyStoreError && e.code === 'KEY_PASSPHRASE_WEAK') return undefined;
    throw e;
  }
}

/**
 * Opens the node in `dir`: reads `node.json`, opens (and migrates) its store, its key stores,
 * and loads the CA, OCSP responder and TSA certificates.
 *
 * @param dir - node directory made by `trustbridge node init`
 * @param options - passphrase, clock, database override
 * @example
 * ```ts
 * const node = await openNode('ph', { passphrase: process.env.TRUSTBRIDGE_PASSWORD! });
 * await node.close();
 * ```
 */
export async function openNode(dir: string, options: OpenNodeOptions): Promise<NodeContext> {
  const config = readNodeConfig(dir);
  const store = await openStore(options.db ?? storeLocation(dir, config));
  const serviceKeys = new FileKeyStore(join(dir, NODE_FILES.keys), options.passphrase);
  let caKeys: KeyStore & Ed25519KeyStore = serviceKeys;
  try {
    if (config.caKeys.type !== 'file') caKeys = await openCaKeyStore(dir, config.caKeys, options.passphrase);
    const root = await holder(store, caKeys, 'root', 'root-ca');
    const eidCa = await holder(store, caKeys, 'eid-ca', 'eid-ca');
    const ocsp = await holder(store, serviceKeys, 'ocsp', 'ocsp');
    const tsa = await holder(store, serviceKeys, 'tsa', 'tsa');
    const clock = options.clock ?? (() => new Date());
    // Nodes made before trust lists get their TL signer here, once (issued by the root).
    await ensureTrustListSigner(store, serviceKeys, root, identityOf(config), clock());
    const tlSigner = await holder(store, serviceKeys, TL_SIGNER_ID, TL_SIGNER_ID);
    const trustList: NodeListPublisher = {
      identity: identityOf(config),
      store,
      signer: { signer: tlSigner.signer, certificate: tlSigner.certificate.der },
      files: nodeListFiles(dir),
      clock,
      validityDays: config.trustListValidityDays,
      details: config.trustList,
    };
    // Republishes only when a service, the signer or the NextUpdate margin calls for it.
    await publishNodeTrustList(trustList);
    // Nodes made before the transparency log get their log key here, once.
    const log = await openLogIdentity(
      await logKeyStore(serviceKeys, caKeys),
      config.log?.origin ?? logOrigin(config.baseUrl),
      join(dir, NODE_FILES.public, NODE_FILES.logVkey),
    );
    const witness = nodeWitnessCosigner(dir, config, options.passphrase, clock);
    return {
      dir,
      config,
      identity: identityOf(config),
      store,
      caKeys,
      serviceKeys,
      root,
      eidCa,
      ocsp,
      tsa,
      tlSigner,
      trustList,
      log,
      ...(witness ? { witness } : {}),
      clock,
      async close() {
        await store.close();
        if (caKeys !== serviceKeys) await caKeys.close();
        await serviceKeys.close();
      },
    };
  } catch (e) {
    await store.close();
    if (caKeys !== serviceKeys) await caKeys.close().catch(() => undefined);
    throw e;
  }
}
