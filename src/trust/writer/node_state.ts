/**
 * The publishing state of a node's trusted list: the last sequence number and every service
 * ever listed with its status history (ETSI TS 119 612 clause 5.5.10 keeps history for ever:
 * HistoricalInformationPeriod 65535). Pure functions over a JSON-able value; the node keeps it
 * in `DIR/trustlist-state.json`.
 */
import { createHash } from 'node:crypto';
import { SERVICE_STATUS } from '../uris.js';
import { TrustListPublishError } from './errors.js';

/** The kinds of service a country node runs. */
export type NodeServiceKind = 'eid-ca' | 'tsa' | 'ocsp';

/** One status change of a service. */
export interface StatusChange {
  /** A SERVICE_STATUS URI. */
  status: string;
  /** ISO 8601 UTC, seconds precision. */
  at: string;
}

/** A service as listed, with its whole history (oldest first). */
export interface ListedService {
  /** `<kind>-<16 hex digits of the certificate's SHA-256>`: stable across republications. */
  key: string;
  kind: NodeServiceKind;
  /** The service certificate, base64 DER. */
  certificate: string;
  history: StatusChange[];
}

/** The whole state. */
export interface NodeListState {
  version: 1;
  /** The sequence number of the last published list (0: none yet). */
  sequenceNumber: number;
  /** Issue and next-update times of the last published list (ISO). */
  issued?: string;
  nextUpdate?: string;
  /** SHA-256 hex of the certificate that signed the last list. */
  signerSha256?: string;
  services: ListedService[];
}

/** A service certificate as the node's store holds it. */
export interface ObservedService {
  kind: NodeServiceKind;
  certificate: Buffer;
  notBefore: Date;
  /** When the certificate was revoked (the service is then withdrawn). */
  revokedAt?: Date;
}

const KINDS: readonly NodeServiceKind[] = ['eid-ca', 'tsa', 'ocsp'];
const STATUSES = new Set<string>(Object.values(SERVICE_STATUS));
const MAX_SERVICES = 10_000;
const MAX_HISTORY = 1_000;

/** ISO time at second precision (what the list carries). */
export function isoSeconds(d: Date): string {
  return new Date(Math.floor(d.getTime() / 1000) * 1000).toISOString().replace(/\.000Z$/, 'Z');
}

/** The stable key of a service certificate. */
export function serviceKey(kind: NodeServiceKind, der: Buffer): string {
  return `${kind}-${createHash('sha256').update(der).digest('hex').slice(0, 16)}`;
}

/** A new, empty state. */
export function emptyNodeListState(): NodeListState {
  return { version: 1, sequenceNumber: 0, services: [] };
}

function corrupt(detail: string): never {
  throw new TrustListPublishError('TL_STATE_CORRUPT', detail);
}

function checkService(s: ListedService): void {
  if (typeof s.key !== 'string' || !KINDS.includes(s.kind) || typeof s.certificate !== 'string')
    corrupt('bad service');
  if (!Array.isArray(s.history) || s.history.length === 0 || s.history.length > MAX_HISTORY)
    corrupt(`bad history of ${s.key}`);
  let last = '';
  for (const h of s.history) {
    if (
      !STATUSES.has(h.status) ||
      typeof h.at !== 'string' ||
      Number.isNaN(Date.parse(h.at)) ||
      h.at < last
    ) {
      corrupt(`bad status change in ${s.key}`);
    }
    last = h.at;
  }
}

/**
 * Reads a state file's text.
 *
 * @param text - the JSON text, or undefined when there is no file yet
 * @throws TrustListPublishError TL_STATE_CORRUPT
 * @example
 * ```ts
 * const state = parseNodeListState(existsSync(f) ? readFileSync(f, 'utf8') : undefined);
 * ```
 */
export function parseNodeListState(text: string | undefined): NodeListState {
  if (text === undefined) return emptyNodeListState();
  let v: NodeListState;
  try {
    v = JSON.parse(text) as NodeListState;
  } catch (e) {
    throw new TrustListPublishError('TL_STATE_CORRUPT', 'the state is not JSON', { cause: e });
  }
  if (v === null || typeof v !== 'object' || v.version !== 1) corrupt('unsupported version');
  if (!Number.isSafeInteger(v.sequenceNumber) || v.sequenceNumber < 0) corrupt('bad sequence number');
  if (!Array.isArray(v.services) || v.services.length > MAX_SERVICES) corrupt('bad service list');
  v.services.forEach(checkService);
  return v;
}

/** The status of a service now (its last change). */
export function currentStatus(s: ListedService): StatusChange {
  return s.history[s.history.length - 1]!;
}

/**
 * Adds services the store has and the list does not yet (granted since the certificate's
 * notBefore, so signatures made under the service before it was first listed keep their
 * standing) and withdraws services whose certificate was revoked.
 *
 * @returns the new state and whether anything changed
 * @example
 * ```ts
 * const { state, changed } = reconcileServices(old, observed);
 * ```
 */
export function reconcileServices(
  state: NodeListState,
  observed: readonly ObservedService[],
): { state: NodeListState; changed: boolean } {
  const services = state.services.map((s) => ({ ...s, history: [...s.history] }));
  let changed = false;
  for (const o of observed) {
    const key = serviceKey(o.kind, o.certificate);
    let s = services.find((x) => x.key === key);
    if (!s) {
      s = { key, kind: o.kind, certificate: o.certificate.toString('base64'), history: [] };
      s.history.push({ status: SERVICE_STATUS.granted, at: isoSeconds(o.notBefore) });
      services.push(s);
      changed = true;
    }
    if (o.revokedAt && currentStatus(s).status !== SERVICE_STATUS.withdrawn) {
      s.history.push({ status: SERVICE_STATUS.withdrawn, at: laterOf(currentStatus(s).at, o.revokedAt) });
      changed = true;
    }
  }
  return { state: { ...state, services }, changed };
}

function laterOf(iso: string, d: Date): string {
  const at = isoSeconds(d);
  return at < iso ? iso : at;
}

/**
 * Changes the status of services: those whose key equals `selector`, or every service of kind
 * `selector` whose status differs from `status`.
 *
 * @param state - current state
 * @param selector - a service key (`eid-ca-…`) or a kind (`eid-ca`, `tsa`, `ocsp`)
 * @param status - SERVICE_STATUS.withdrawn or SERVICE_STATUS.granted
 * @param at - when the new status starts
 * @throws TrustListPublishError TL_SERVICE_UNKNOWN when nothing matches or nothing would change
 * @example
 * ```ts
 * const next = setServiceStatus(state, 'eid-ca', SERVICE_STATUS.withdrawn, new Date());
 * ```
 */
export function setServiceStatus(
  state: NodeListState,
  selector: string,
  status: string,
  at: Date,
): NodeListState {
  if (!STATUSES.has(status)) throw new TrustListPublishError('TL_INPUT_INVALID', `unknown status ${status}`);
  let hits = 0;
  const services = state.services.map((s) => {
    const selected = s.key === selector || (s.kind === selector && currentStatus(s).status !== status);
    if (!selected || currentStatus(s).status === status) return s;
    hits++;
    return { ...s, history: [...s.history, { status, at: laterOf(currentStatus(s).at, at) }] };
  });
  if (hits === 0) {
    throw new TrustListPublishError(
      'TL_SERVICE_UNKNOWN',
      `no service ${JSON.stringify(selector)} to change to ${status}`,
    );
  }
  return { ...state, services };
}
