/**
 * The regional hub: its directory, its LOTL-signing key (self-signed certificate, see
 * {@link lotlSignerTemplate}), its members, and the publication of the signed list of trusted
 * lists (ETSI TS 119 612 clause 5.3.13) at each change.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fromPemAll } from '../lib/pem.js';
import { makePrivateDir } from '../lib/private_files.js';
import { signCertificate } from '../pki/certificate_builder.js';
import { FileKeyStore, assertStrongPassphrase } from '../pki/file_key_store.js';
import type { Signer } from '../pki/key_store.js';
import { TSL_SIGNING_EKU, lotlSignerTemplate } from '../pki/profiles.js';
import { keyStoreSigner } from '../pki/signer.js';
import { TrustListPublishError } from '../trust/writer/errors.js';
import { lotlDocument } from '../trust/writer/lotl.js';
import { isoSeconds } from '../trust/writer/node_state.js';
import { signTsl } from '../trust/writer/sign.js';
import { buildTsl } from '../trust/writer/tsl.js';
import { checkedHttpUrl, checkedTerritory, normalizedName } from '../trust/writer/values.js';
import { openStore } from '../store/database.js';
import type { Store } from '../store/database.js';
import { HUB_FILES, LOTL_SIGNER_ID, readHubConfig, readHubState, writeHubFile } from './config.js';
import type { HubConfig, HubState } from './config.js';
import { HubError } from './errors.js';
import { completePending, memberEntries, pendingPublication } from './log_outbox.js';
import { logOrigin, openLogIdentity } from '../ledger/log_key.js';
import type { LogIdentity } from '../ledger/log_key.js';
import type { Cosigner } from '../ledger/cosignature.js';
import { LOG_VKEY_FILE, openWitnessCosigner } from '../node/witness.js';
import type { LotlTransparency } from '../trust/writer/lotl.js';
import { writeSecretariatToken } from './secretariat.js';

/** An open hub. */
export interface HubContext {
  dir: string;
  config: HubConfig;
  signer: { signer: Signer; certificate: Buffer };
  /** `HUB/hub.db`: the hub's transparency log (its queue, tiles and checkpoints). */
  store: Store;
  /** The hub's transparency log key and origin (verifier key in `HUB/public/log.vkey`). */
  log: LogIdentity;
  /** The hub's witness cosigning key (`HUB/public/witness.vkey`); it witnesses every member's log. */
  witness?: Cosigner;
  clock: () => Date;
  close(): Promise<void>;
}

/** What `trustbridge hub init` takes. */
export interface InitHubOptions {
  dir: string;
  name: string;
  baseUrl?: string;
  /** The region's two-letter code; `XR` (an ISO 3166-1 user-assigned code) by default. */
  territory?: string;
  passphrase: string;
  lotlValidityDays?: number;
  clock?: () => Date;
}

/** What a publication did. */
export interface LotlOutcome {
  published: boolean;
  sequenceNumber: number;
  state: HubState;
}

const DAY = 86_400_000;

/**
 * Creates a hub: the LOTL-signing key and its self-signed certificate, the first (empty) list
 * of trusted lists with sequence number 1, then `hub.json`.
 *
 * @throws HubError HUB_EXISTS; TrustListPublishError TL_INPUT_INVALID
 * @example
 * ```ts
 * const hub = await initHub({ dir: 'hub', name: 'Regional Digital Trust Hub', passphrase: 'a long secret passphrase' });
 * await hub.close();
 * ```
 */
export async function initHub(o: InitHubOptions): Promise<HubContext> {
  if (existsSync(join(o.dir, HUB_FILES.config))) throw new HubError('HUB_EXISTS', o.dir);
  const validity = o.lotlValidityDays ?? 180;
  if (!Number.isInteger(validity) || validity < 1 || validity > 366) {
    throw new TrustListPublishError('TL_INPUT_INVALID', 'the LOTL validity must be 1 to 366 days');
  }
  const config: HubConfig = {
    version: 1,
    name: normalizedName(o.name, '--name', 256),
    territory: checkedTerritory(o.territory ?? 'XR', '--territory'),
    baseUrl: checkedHttpUrl((o.baseUrl ?? 'http://127.0.0.1:8090').replace(/\/+$/, ''), '--base-url'),
    lotlValidityDays: validity,
  };
  assertStrongPassphrase(o.passphrase);
  const clock = o.clock ?? (() => new Date());
  makePrivateDir(o.dir);
  mkdirSync(join(o.dir, HUB_FILES.public), { recursive: true });
  const keys = new FileKeyStore(join(o.dir, HUB_FILES.keys), o.passphrase);
  let store: Store | undefined;
  try {
    store = await openStore(join(o.dir, HUB_FILES.db));
    const spki = await keys.generate(LOTL_SIGNER_ID, 'P-256');
    const signer = keyStoreSigner(keys, LOTL_SIGNER_ID, 'P-256', spki);
    const certificate = await signCertificate(
      lotlSignerTemplate(config.territory, config.name, spki, clock()),
      signer,
    );
    const log = await hubLog(o.dir, config.baseUrl, keys);
    const hub = hubContext(o.dir, config, keys, store, log, { signer, certificate }, clock);
    hub.witness = hubWitness(o.dir, config, o.passphrase, clock);
    await publishLotl(hub, { force: true });
    config.secretariatTokenSha256 = writeSecretariatToken(o.dir);
    // hub.json last: a hub exists only once its key, certificate and first list are in place.
    writeHubFile(o.dir, HUB_FILES.config, JSON.stringify(config, null, 2) + '\n', 0o600);
    return hub;
  } catch (e) {
    rmSync(join(o.dir, HUB_FILES.keys), { recursive: true, force: true });
    rmSync(join(o.dir, HUB_FILES.state), { force: true });
    rmSync(join(o.dir, HUB_FILES.secretariatToken), { force: true });
    await keys.close();
    await store?.close();
    for (const f of ['', '-wal', '-shm']) rmSync(join(o.dir, HUB_FILES.db + f), { force: true });
    throw e;
  }
}

function hubLog(dir: string, baseUrl: string, keys: FileKeyStore): Promise<LogIdentity> {
  return openLogIdentity(keys, logOrigin(baseUrl), join(dir, HUB_FILES.public, HUB_FILES.logVkey));
}

function hubWitness(dir: string, config: HubConfig, passphrase: string, clock: () => Date): Cosigner {
  return openWitnessCosigner({
    keysDir: join(dir, HUB_FILES.keys),
    publicDir: join(dir, HUB_FILES.public),
    passphrase,
    baseUrl: config.baseUrl,
    create: true,
    clock,
  });
}

/** The hub's own log and witness, for the LOTL's self pointer. */
export function hubTransparency(hub: HubContext): LotlTransparency {
  const logFile = join(hub.dir, HUB_FILES.public, LOG_VKEY_FILE);
  const logKey = existsSync(logFile) ? readFileSync(logFile, 'utf8').trim() : undefined;
  return {
    ...(logKey ? { logKey, logUrl: `${hub.config.baseUrl}/log/` } : {}),
    ...(hub.witness
      ? { witnessKey: hub.witness.vkey, witnessUrl: `${hub.config.baseUrl}/witness/add-checkpoint` }
      : {}),
  };
}

function hubContext(
  dir: string,
  config: HubConfig,
  keys: FileKeyStore,
  store: Store,
  log: LogIdentity,
  signer: HubContext['signer'],
  clock: () => Date,
): HubContext {
  return {
    dir,
    config,
    signer,
    store,
    log,
    clock,
    close: async () => {
      await keys.close();
      await store.close();
    },
  };
}

/**
 * Opens a hub: reads its configuration, unlocks its signing key (a wrong passphrase fails
 * here, before anything changes), opens its store and finishes a publication a crash
 * interrupted.
 *
 * @throws HubError HUB_NOT_INITIALISED; KeyStoreError KEY_PASSPHRASE_WRONG
 * @example
 * ```ts
 * const hub = await openHub('hub', { passphrase: process.env.TRUSTBRIDGE_PASSWORD! });
 * ```
 */
export async function openHub(
  dir: string,
  o: { passphrase: string; clock?: () => Date },
): Promise<HubContext> {
  const config = readHubConfig(dir);
  const keys = new FileKeyStore(join(dir, HUB_FILES.keys), o.passphrase);
  let store: Store | undefined;
  try {
    const [certificate] = fromPemAll(
      readFileSync(join(dir, HUB_FILES.public, HUB_FILES.signer), 'utf8'),
      'CERTIFICATE',
    );
    const spki = await keys.publicKey(LOTL_SIGNER_ID);
    if (
      !certificate ||
      !new X509Certificate(certificate).publicKey.export({ type: 'spki', format: 'der' }).equals(spki)
    ) {
      throw new TrustListPublishError(
        'TL_STATE_CORRUPT',
        'the LOTL signer certificate does not match the hub key',
      );
    }
    const signer = keyStoreSigner(keys, LOTL_SIGNER_ID, 'P-256', spki);
    store = await openStore(join(dir, HUB_FILES.db));
    // Hubs made before the transparency log get their log key here, once.
    const log = await hubLog(dir, config.baseUrl, keys);
    const hub = hubContext(
      dir,
      config,
      keys,
      store,
      log,
      { signer, certificate },
      o.clock ?? (() => new Date()),
    );
    // Hubs made before witnesses get their witness key here, once.
    hub.witness = hubWitness(dir, config, o.passphrase, hub.clock);
    await serialized(dir, () => finishPending(hub));
    return hub;
  } catch (e) {
    await keys.close();
    await store?.close();
    throw e;
  }
}

const queues = new Map<string, Promise<unknown>>();

function serialized<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const run = (queues.get(key) ?? Promise.resolve()).then(fn, fn);
  const tail = run.catch(() => undefined);
  queues.set(key, tail);
  void tail.then(() => queues.get(key) === tail && queues.delete(key));
  return run;
}

/** Finishes a publication a crash left between its state and its list (log_outbox.ts). */
async function finishPending(hub: HubContext): Promise<HubState> {
  return completePending(
    { dir: hub.dir, store: hub.store, signerCertificate: hub.signer.certificate },
    readHubState(hub.dir),
  );
}

function isDue(hub: HubContext, state: HubState, now: Date): boolean {
  if (!state.nextUpdate || !existsSync(join(hub.dir, HUB_FILES.public, HUB_FILES.lotl))) return true;
  return now.getTime() >= Date.parse(state.nextUpdate) - (hub.config.lotlValidityDays * DAY) / 4;
}

/**
 * Publishes the next LOTL when `change` edits the state, with `force`, or when a quarter of the
 * validity is left. The state (sequence number, membership, and the publication's log entries
 * as `pending`) is written first, then the entries are queued in the hub store, then the list
 * is written (see log_outbox.ts).
 *
 * @example
 * ```ts
 * await publishLotl(hub, { change: (s, now) => changeMemberStatus(s, 'PH', 'suspended', now) });
 * ```
 */
export function publishLotl(
  hub: HubContext,
  options: { force?: boolean; change?: (s: HubState, now: Date) => HubState } = {},
): Promise<LotlOutcome> {
  return serialized(hub.dir, async () => {
    const now = hub.clock();
    const before = await finishPending(hub);
    let state = before;
    if (options.change) state = options.change(state, now);
    else if (!options.force && !isDue(hub, state, now)) {
      return { published: false, sequenceNumber: state.sequenceNumber, state };
    }
    const issued = new Date(isoSeconds(now));
    const nextUpdate = new Date(issued.getTime() + hub.config.lotlValidityDays * DAY);
    const sequenceNumber = state.sequenceNumber + 1;
    const doc = lotlDocument({
      ...hub.config,
      sequenceNumber,
      issued,
      nextUpdate,
      signer: hub.signer.certificate,
      transparency: hubTransparency(hub),
      members: state.members.map((m) => ({ ...m, signers: m.signers.map((s) => Buffer.from(s, 'base64')) })),
    });
    const signed = await signTsl(buildTsl(doc), hub.signer, issued);
    const staged: HubState = {
      ...state,
      sequenceNumber,
      issued: isoSeconds(issued),
      nextUpdate: isoSeconds(nextUpdate),
      pending: pendingPublication(
        memberEntries(before, state, now),
        signed,
        { territory: hub.config.territory, sequence: sequenceNumber, issued, nextUpdate },
        now,
      ),
    };
    // The commit point: from here the change stands and its log entries will be queued.
    writeHubFile(hub.dir, HUB_FILES.state, JSON.stringify(staged, null, 2) + '\n', 0o600);
    const next = await finishPending(hub);
    return { published: true, sequenceNumber, state: next };
  });
}

/**
 * The TL-signing certificates of a PEM file, checked as TS 119 612 clause 5.7.1 asks: X.509,
 * valid now, EKU id-tsl-kp-tslSigning, countryName (when present) equal to the member's country.
 *
 * @param pem - the file's text (one or more CERTIFICATE blocks: several for a key rollover)
 * @param country - the member country
 * @param now - the current time
 * @returns base64 DER of each certificate
 * @throws TrustListPublishError TL_SIGNER_INVALID
 * @example
 * ```ts
 * const signers = parseMemberSigners(readFileSync('ph/public/tl-signer.pem', 'utf8'), 'PH', new Date());
 * ```
 */
export function parseMemberSigners(pem: string, country: string, now: Date): string[] {
  const ders = fromPemAll(pem, 'CERTIFICATE');
  if (ders.length === 0 || ders.length > 16) {
    throw new TrustListPublishError('TL_SIGNER_INVALID', 'expected 1 to 16 PEM CERTIFICATE blocks');
  }
  const seen = new Set<string>();
  return ders.flatMap((der) => {
    let c: X509Certificate;
    try {
      c = new X509Certificate(der);
    } catch (e) {
      throw new TrustListPublishError('TL_SIGNER_INVALID', 'a block is not an X.509 certificate', {
        cause: e,
      });
    }
    const why =
      now < new Date(c.validFrom) || now > new Date(c.validTo)
        ? `it is not valid now (${c.validFrom} to ${c.validTo})`
        : !(c.keyUsage ?? []).includes(TSL_SIGNING_EKU)
          ? `its extended key usage lacks id-tsl-kp-tslSigning (${TSL_SIGNING_EKU})`
          : /^C=(.+)$/m.exec(c.subject) && /^C=(.+)$/m.exec(c.subject)![1] !== country
            ? `its countryName is not ${country}`
            : undefined;
    if (why)
      throw new TrustListPublishError('TL_SIGNER_INVALID', `${c.subject.replace(/\n/g, ', ')}: ${why}`);
    const hash = createHash('sha256').update(der).digest('hex');
    if (seen.has(hash)) return [];
    seen.add(hash);
    return [der.toString('base64')];
  });
}
