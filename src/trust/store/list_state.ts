/**
 * One list's life in the store: download (conditionally, with the last ETag), verify against the
 * pins, refuse a lower sequence number (or the same number with other bytes: TS 119 612 clause
 * 5.3.2 makes every issue a new number), and otherwise keep the last good version, so a failed or
 * hostile download never takes trust away nor adds any.
 */
import { createHash } from 'node:crypto';
import { TrustbridgeError } from '../../lib/errors.js';
import { isListOfListsType } from '../uris.js';
import type { TrustedList } from '../parse/model.js';
import { TrustStoreError } from './errors.js';
import type { TrustStoreErrorCode } from './errors.js';
import type { TrustListCache, TrustListFetcher } from './fetcher.js';
import { readTrustedList } from './verify_list.js';
import type { VerifiedList } from './verify_list.js';

/** The version of a list the store uses. */
export interface AcceptedList extends VerifiedList {
  body: Buffer;
  etag?: string;
  acceptedAt: Date;
  /** The pins it was verified with (sorted SHA-256 of the certificates). */
  pinsKey: string;
}

/** The last problem with a list (the accepted version, if any, is still used). */
export interface ListProblem {
  code: TrustStoreErrorCode;
  message: string;
  at: string;
}

/** What the store knows about one list URL. */
export interface ListState {
  url: string;
  accepted?: AcceptedList;
  lastProblem?: ListProblem;
  checkedAt?: Date;
}

/** What an update needs. */
export interface UpdateContext {
  fetcher: TrustListFetcher;
  now: Date;
  maxBytes: number;
  cache?: TrustListCache;
  /** `tl`: a pointer from a LOTL, which must lead to a trusted list, not another list of lists. */
  expect: 'any' | 'tl';
  log: (level: 'info' | 'warn', url: string, message: string, code?: TrustStoreErrorCode) => void;
}

/**
 * Whether a list is a list of trusted lists (TS 119 612 clause 5.3.3 TSLType), or, for lists
 * with a TSLType we do not know, one that only points to others.
 */
export function isListOfLists(list: TrustedList): boolean {
  return isListOfListsType(list.tslType) || (list.providers.length === 0 && list.pointers.length > 0);
}

function pinsKeyOf(pins: readonly Buffer[]): string {
  return pins
    .map((p) => createHash('sha256').update(p).digest('hex'))
    .sort()
    .join(',');
}

function fail(state: ListState, ctx: UpdateContext, e: unknown): void {
  const err =
    e instanceof TrustStoreError
      ? e
      : new TrustStoreError(
          'TRUST_LIST_UNAVAILABLE',
          e instanceof TrustbridgeError ? `${e.code}: ${e.message}` : (e as Error).message,
          { cause: e },
        );
  const code = err.code as TrustStoreErrorCode;
  state.lastProblem = { code, message: err.message, at: ctx.now.toISOString() };
  const kept = state.accepted ? `; keeping sequence ${state.accepted.list.sequenceNumber}` : '';
  ctx.log('warn', state.url, `${err.message}${kept}`, code);
}

/** Verifies and checks a candidate version; throws TrustStoreError when it is refused. */
function candidate(
  state: ListState,
  body: Buffer,
  pins: readonly Buffer[],
  ctx: UpdateContext,
): VerifiedList {
  if (body.length > ctx.maxBytes)
    throw new TrustStoreError('TRUST_LIST_UNAVAILABLE', `the list is larger than ${ctx.maxBytes} bytes`);
  const verified = readTrustedList(body, pins);
  if (ctx.expect === 'tl' && isListOfLists(verified.list))
    throw new TrustStoreError(
      'TRUST_LIST_MALFORMED',
      'a member pointer leads to a list of lists, not a trusted list',
    );
  const last = state.accepted;
  if (last && verified.list.sequenceNumber < last.list.sequenceNumber)
    throw new TrustStoreError(
      'TRUST_LIST_ROLLBACK',
      `sequence number ${verified.list.sequenceNumber} is below the accepted ${last.list.sequenceNumber}`,
    );
  if (last && verified.list.sequenceNumber === last.list.sequenceNumber && verified.sha256 !== last.sha256)
    throw new TrustStoreError(
      'TRUST_LIST_ROLLBACK',
      `sequence number ${verified.list.sequenceNumber} was already accepted with other content`,
    );
  return verified;
}

function accept(
  state: ListState,
  v: VerifiedList,
  body: Buffer,
  etag: string | undefined,
  pinsKey: string,
  now: Date,
): void {
  state.accepted = { ...v, body, ...(etag ? { etag } : {}), acceptedAt: now, pinsKey };
  delete state.lastProblem;
}

/** First use: the cached version (if it still verifies) is the baseline for rollback checks. */
async function loadCached(state: ListState, pins: readonly Buffer[], ctx: UpdateContext): Promise<void> {
  if (state.accepted || !ctx.cache) return;
  try {
    const cached = await ctx.cache.load(state.url);
    if (!cached) return;
    accept(
      state,
      candidate(state, cached.body, pins, ctx),
      cached.body,
      cached.etag,
      pinsKeyOf(pins),
      ctx.now,
    );
  } catch (e) {
    ctx.log('warn', state.url, `cached copy ignored: ${(e as Error).message}`);
  }
}

/** New pins (a key rollover announced by the LOTL): the kept version must verify with them too. */
function recheckPins(state: ListState, pins: readonly Buffer[], ctx: UpdateContext): void {
  const key = pinsKeyOf(pins);
  if (!state.accepted || state.accepted.pinsKey === key) return;
  try {
    readTrustedList(state.accepted.body, pins);
    state.accepted.pinsKey = key;
  } catch (e) {
    ctx.log('warn', state.url, `the kept version does not verify with the new pins: ${(e as Error).message}`);
    delete state.accepted;
  }
}

/**
 * Brings one list up to date: fetches it (If-None-Match the kept version's ETag), verifies it with
 * `pins` and accepts it, or records why not and keeps the last good version.
 *
 * @param state - the list's state (changed in place)
 * @param pins - the certificates allowed to sign it
 * @param ctx - fetcher, clock, limits, cache, log
 * @example
 * ```ts
 * await updateList(state, pointer.certificates, ctx);
 * state.accepted?.list.sequenceNumber;
 * ```
 */
export async function updateList(
  state: ListState,
  pins: readonly Buffer[],
  ctx: UpdateContext,
): Promise<void> {
  await loadCached(state, pins, ctx);
  recheckPins(state, pins, ctx);
  state.checkedAt = ctx.now;
  try {
    const etag = state.accepted?.etag;
    const res = await ctx.fetcher.fetch(state.url, etag ? { etag } : {});
    if (res.status === 304 && state.accepted) return;
    if (res.status !== 200 || !res.body)
      throw new TrustStoreError('TRUST_LIST_UNAVAILABLE', `HTTP status ${res.status}`);
    if (state.accepted && res.body.equals(state.accepted.body)) return;
    const v = candidate(state, res.body, pins, ctx);
    accept(state, v, res.body, res.etag, pinsKeyOf(pins), ctx.now);
    ctx.log('info', state.url, `accepted sequence ${v.list.sequenceNumber} (${v.list.schemeTerritory})`);
    await ctx.cache?.save(state.url, { body: res.body, ...(res.etag ? { etag: res.etag } : {}) });
  } catch (e) {
    fail(state, ctx, e);
  }
}
