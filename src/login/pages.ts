/**
 * The login and consent pages. The login page offers the eID wallet (a signed challenge, from
 * the CLI wallet on any device or pasted) and, for citizens of other member countries, the
 * choice of their home node; the consent page lists exactly what the service will receive.
 */
import { CLAIM_LABELS } from './claims.js';
import type { CitizenClaims } from './claims.js';
import { csrfField, escapeHtml } from './html.js';
import type { Page } from './html.js';
import type { PeerNode } from './service.js';
import { BROWSER_WALLET_SCRIPT, browserWalletSection } from './browser_wallet.js';
import type { WalletChallenge } from './wallet_response.js';

/** What the login page shows. */
export interface LoginPageData {
  uid: string;
  csrf: string;
  clientName: string;
  nodeName: string;
  country: string;
  walletUrl: string;
  challengeCode: string;
  /** The challenge itself, for the browser wallet. */
  challenge: WalletChallenge;
  expiresAt: Date;
  peers: PeerNode[];
  /** A notice above the form (e.g. the wallet has not answered yet). */
  notice?: string;
  /** The TLS client-certificate login of this interaction, when the node has that listener. */
  tlsUrl?: string;
}

function abroad(d: LoginPageData): string {
  if (d.peers.length === 0) return '';
  const options = d.peers
    .map(
      (p) =>
        `<option value="${escapeHtml(p.country)}">${escapeHtml(p.country)} — ${escapeHtml(p.name)}</option>`,
    )
    .join('');
  return `<section id="abroad">
<h2>Citizen of another country?</h2>
<p>Log in with your own country's eID at your country's login service; you will come back here.</p>
<form method="post" action="/login/${escapeHtml(d.uid)}/country">${csrfField(d.csrf)}
<label>Your country <select name="country" id="country">${options}</select></label>
<button type="submit" id="go-abroad">Continue at my country's service</button>
</form>
</section>`;
}

/**
 * The login page of interaction `d.uid`.
 *
 * @example
 * ```ts
 * reply.send(renderPage(loginPage(data)).html);
 * ```
 */
export function loginPage(d: LoginPageData): Page {
  const uid = escapeHtml(d.uid);
  return {
    title: `Log in to ${d.clientName}`,
    script: BROWSER_WALLET_SCRIPT,
    body: `<h1>Log in to ${escapeHtml(d.clientName)}</h1>
<p class="muted">${escapeHtml(d.nodeName)} — eID login service</p>
${d.notice ? `<p class="error" id="notice">${escapeHtml(d.notice)}</p>` : ''}
<section id="wallet">
<h2>With your ${escapeHtml(d.country)} eID wallet</h2>
<p>On the device that holds your wallet, run:</p>
<p><code id="wallet-command">trustbridge wallet login --wallet YOUR-WALLET.p12 ${escapeHtml(d.walletUrl)}</code></p>
<p class="muted">The challenge expires at <time id="expires" datetime="${d.expiresAt.toISOString()}">${escapeHtml(d.expiresAt.toISOString())}</time>.</p>
<form method="post" action="/login/${uid}/continue">${csrfField(d.csrf)}
<button type="submit" id="continue">My wallet has signed — continue</button>
</form>
<details>
<summary>Wallet without network access</summary>
<p>Give your wallet this challenge code, then paste its signed response below.</p>
<p><code id="challenge-code">${escapeHtml(d.challengeCode)}</code></p>
<form method="post" action="/login/${uid}/response" id="response-form">${csrfField(d.csrf)}
<label for="response">Signed response</label>
<textarea name="response" id="response" required></textarea>
<button type="submit" id="submit-response">Log in</button>
</form>
</details>
</section>
${browserWalletSection(d.challenge)}
${
  d.tlsUrl
    ? `<section id="tls"><h2>With your eID card or certificate</h2><p><a id="tls-login" href="${escapeHtml(d.tlsUrl)}">Log in with your eID certificate (TLS)</a></p></section>`
    : ''
}
${abroad(d)}
<form method="post" action="/login/${uid}/abort">${csrfField(d.csrf)}
<button type="submit" id="cancel">Cancel</button>
</form>`,
  };
}

/**
 * The consent page: the service's name and each claim it will receive, with its value.
 *
 * @example
 * ```ts
 * renderPage(consentPage({ uid, csrf, clientName: 'Tax office', claims }));
 * ```
 */
export function consentPage(d: {
  uid: string;
  csrf: string;
  clientName: string;
  claims: Partial<CitizenClaims>;
}): Page {
  const rows = Object.entries(CLAIM_LABELS)
    .filter(([k]) => d.claims[k] !== undefined)
    .map(
      ([k, label]) =>
        `<li><strong>${escapeHtml(label)}</strong>: <span data-claim="${escapeHtml(k)}">${escapeHtml(d.claims[k] ?? '')}</span></li>`,
    )
    .join('\n');
  const uid = escapeHtml(d.uid);
  return {
    title: `Share your data with ${d.clientName}?`,
    body: `<h1>${escapeHtml(d.clientName)} will receive</h1>
<ul class="claims" id="claims">
${rows}
</ul>
<p class="muted">and the level of assurance of your login.</p>
<form method="post" action="/login/${uid}/consent">${csrfField(d.csrf)}
<button type="submit" id="allow">Allow</button>
</form>
<form method="post" action="/login/${uid}/abort">${csrfField(d.csrf)}
<button type="submit" id="deny">Deny</button>
</form>`,
  };
}
