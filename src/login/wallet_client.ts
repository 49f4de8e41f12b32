/**
 * The wallet side of a login (`trustbridge wallet login`): given the URL a login page shows,
 * fetch the challenge, sign it with the authentication key and post the response; given a
 * challenge code instead, return the signed response for the citizen to paste.
 */
import type { Wallet } from '../eid/wallet.js';
import { UsageError } from '../lib/errors.js';
import { parseChallengeCode } from './challenge.js';
import { LOGIN_ERRORS, LOGIN_ERROR_CODES, LoginError } from './errors.js';
import { signWalletChallenge } from './wallet_response.js';
import type { WalletChallenge } from './wallet_response.js';

/** What a wallet login produced. */
export type WalletLoginOutcome =
  { mode: 'posted'; url: string; answer: Record<string, unknown> } | { mode: 'code'; response: string };

/** The HTTP client (global fetch by default; tests inject one). */
export type Fetch = (url: string, init?: RequestInit) => Promise<Response>;

function signFor(wallet: Wallet, c: WalletChallenge, now: Date): string {
  const auth = wallet.keys.authentication;
  if (!auth.certificate)
    throw new LoginError(
      'LOGIN_RESPONSE_MALFORMED',
      'the wallet holds no authentication certificate (not enrolled)',
    );
  return signWalletChallenge(c, auth.privateKey, auth.certificate, wallet.caCertificates, now);
}

async function jsonOf(res: Response): Promise<Record<string, unknown>> {
  const text = await res.text();
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new LoginError(
      'LOGIN_UPSTREAM_FAILED',
      `the login service answered ${res.status} without JSON (give the wallet URL the login page shows, …/login/wallet/<id>)`,
    );
  }
}

/**
 * The login page's own address (`…/login/<uid>`) is what a user copies from the address bar; the
 * wallet answers at the page's wallet URL (`…/login/wallet/<id>`), which the page prints.
 */
function refusePageUrl(target: string): void {
  const path = new URL(target).pathname;
  if (!/\/login\/wallet\/[^/]+\/?$/.test(path) && /\/login\/[^/]+(\/[^/]*)?\/?$/.test(path))
    throw new UsageError(
      'USAGE_INVALID_ARGUMENT',
      `${target} is the login page, not its wallet URL: give the …/login/wallet/<id> address the page shows under "trustbridge wallet login"`,
    );
}

/** The node's refusal as the same error here (its code kept, so scripts see LOGIN_EID_REVOKED etc.). */
function refusal(body: Record<string, unknown>, status: number): LoginError {
  const err = body['error'] as { code?: string; message?: string } | undefined;
  const code = LOGIN_ERROR_CODES.find((c) => c === err?.code);
  if (!code)
    return new LoginError('LOGIN_UPSTREAM_FAILED', `${status} ${err?.code ?? ''} ${err?.message ?? ''}`);
  const text = LOGIN_ERRORS[code].text;
  const message = err?.message ?? '';
  const detail = message.startsWith(`${text}: `) ? message.slice(text.length + 2) : undefined;
  return new LoginError(code, detail);
}

/**
 * Logs in with the wallet.
 *
 * @param wallet - the opened wallet
 * @param target - the wallet URL of a login page (`http(s)://…/login/wallet/<id>`) or a challenge code
 * @param options - HTTP client and clock
 * @throws LoginError LOGIN_RESPONSE_MALFORMED | LOGIN_UPSTREAM_FAILED (the node refused: its code is in the message);
 *   UsageError USAGE_INVALID_ARGUMENT for the login page's own address instead of its wallet URL
 * @example
 * ```ts
 * const out = await walletLogin(wallet, 'http://127.0.0.1:8081/login/wallet/abc');
 * ```
 */
export async function walletLogin(
  wallet: Wallet,
  target: string,
  options: { fetch?: Fetch; now?: () => Date } = {},
): Promise<WalletLoginOutcome> {
  const now = options.now ?? (() => new Date());
  if (!/^https?:\/\//.test(target))
    return { mode: 'code', response: signFor(wallet, parseChallengeCode(target), now()) };
  refusePageUrl(target);
  const http = options.fetch ?? ((u, i) => fetch(u, i));
  const got = await http(target, { headers: { accept: 'application/json' } });
  const c = await jsonOf(got);
  if (!got.ok) throw refusal(c, got.status);
  if (typeof c['cid'] !== 'string' || typeof c['challenge'] !== 'string' || typeof c['aud'] !== 'string')
    throw new LoginError('LOGIN_RESPONSE_MALFORMED', 'the URL did not give a login challenge');
  const response = signFor(wallet, { cid: c['cid'], challenge: c['challenge'], aud: c['aud'] }, now());
  const posted = await http(target, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ response }),
  });
  const answer = await jsonOf(posted);
  if (!posted.ok) throw refusal(answer, posted.status);
  return { mode: 'posted', url: target, answer };
}
