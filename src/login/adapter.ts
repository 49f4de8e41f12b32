/**
 * The storage adapter of the OpenID provider: every artefact (sessions, interactions, grants,
 * authorization codes, access tokens, ...) is one row of `oidc_payload` in the node's store
 * (SQLite or PostgreSQL), keyed by model and id, so logins survive restarts and several server
 * processes share them. Expired rows are ignored on read and swept now and then.
 */
import type { Adapter, AnyObject } from 'oidc-provider';
import type { Store } from '../store/database.js';
import {
  consumePayload,
  deleteExpiredPayloads,
  destroyPayload,
  findPayload,
  revokePayloadsOfGrant,
  upsertPayload,
} from './store/index.js';

/** How often expired rows are deleted (at most). */
const SWEEP_EVERY_MS = 60_000;

/** Shared state of all adapters of one store: the time of the last sweep. */
interface SweepState {
  last: number;
}

const sweeps = new WeakMap<Store, SweepState>();

function isoIn(seconds: number | undefined, now: number): string | null {
  return seconds === undefined || !Number.isFinite(seconds)
    ? null
    : new Date(now + seconds * 1000).toISOString();
}

/**
 * An `oidc-provider` adapter for one model over the node store.
 *
 * @example
 * ```ts
 * const provider = new Provider(issuer, { adapter: (name: string) => new StoreAdapter(node.store, name) });
 * ```
 */
export class StoreAdapter implements Adapter {
  readonly #store: Store;
  readonly #model: string;
  readonly #now: () => number;

  /**
   * @param store - the node store (migration 0003_login applied)
   * @param model - the provider model name (`Session`, `AuthorizationCode`, ...)
   * @param now - epoch milliseconds (the provider's own clock is the system clock)
   */
  constructor(store: Store, model: string, now: () => number = Date.now) {
    this.#store = store;
    this.#model = model;
    this.#now = now;
  }

  async upsert(id: string, payload: AnyObject, expiresIn: number): Promise<void> {
    const str = (k: string): string | null =>
      typeof payload[k] === 'string' ? (payload[k] as string) : null;
    await upsertPayload(this.#store, {
      model: this.#model,
      id,
      payload: JSON.stringify(payload),
      grantId: str('grantId'),
      uid: str('uid'),
      userCode: str('userCode'),
      expiresAt: isoIn(expiresIn, this.#now()),
    });
    this.#maybeSweep();
  }

  async #findWhere(by: 'id' | 'uid' | 'userCode', value: string): Promise<AnyObject | undefined> {
    const row = await findPayload(this.#store, by, this.#model, value);
    if (!row) return undefined;
    if (row.expires_at !== null && row.expires_at <= new Date(this.#now()).toISOString()) return undefined;
    const payload = JSON.parse(row.payload) as AnyObject;
    // RFC 6749 §4.1.2: a consumed code is reported as such so the provider can refuse its reuse
    // and revoke what it granted.
    if (row.consumed_at !== null) payload['consumed'] = Math.floor(Date.parse(row.consumed_at) / 1000);
    return payload;
  }

  find(id: string): Promise<AnyObject | undefined> {
    return this.#findWhere('id', id);
  }

  findByUid(uid: string): Promise<AnyObject | undefined> {
    return this.#findWhere('uid', uid);
  }

  findByUserCode(userCode: string): Promise<AnyObject | undefined> {
    return this.#findWhere('userCode', userCode);
  }

  async consume(id: string): Promise<void> {
    await consumePayload(this.#store, this.#model, id, new Date(this.#now()).toISOString());
  }

  async destroy(id: string): Promise<void> {
    await destroyPayload(this.#store, this.#model, id);
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await revokePayloadsOfGrant(this.#store, grantId);
  }

  /** Deletes expired rows of every model, at most once a minute per store, off the request path. */
  #maybeSweep(): void {
    const now = this.#now();
    let state = sweeps.get(this.#store);
    if (!state) sweeps.set(this.#store, (state = { last: now }));
    if (now - state.last < SWEEP_EVERY_MS) return;
    state.last = now;
    void deleteExpiredPayloads(this.#store, new Date(now).toISOString()).catch(() => undefined);
  }
}
