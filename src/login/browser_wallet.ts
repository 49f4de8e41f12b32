/**
 * The browser wallet of the login page: the citizen imports their authentication key once (the
 * file `trustbridge wallet login --export-browser-key` writes); the page keeps it in IndexedDB
 * as a non-extractable WebCrypto key (W3C Web Cryptography API: ECDSA P-256, SHA-256, whose
 * signature is r || s as JWS ES256 wants) and signs the page's challenge with it into the same
 * response format as the CLI wallet, then posts the response form.
 */
import { escapeHtml } from './html.js';
import type { WalletChallenge } from './wallet_response.js';
import { WALLET_RESPONSE_TYPE } from './wallet_response.js';

/** The `type` of an exported browser wallet key file. */
export const BROWSER_WALLET_TYPE = 'trustbridge-browser-wallet';

/** The section of the login page (challenge in data attributes, read by the script). */
export function browserWalletSection(c: WalletChallenge): string {
  return `<section id="browser-wallet" data-cid="${escapeHtml(c.cid)}" data-challenge="${escapeHtml(c.challenge)}" data-aud="${escapeHtml(c.aud)}">
<h2>With the wallet in this browser</h2>
<p id="bw-status" class="muted">No wallet key in this browser yet.</p>
<button type="button" id="bw-login" hidden>Log in with this browser's wallet</button>
<p><label>Import your wallet key (file from <code>trustbridge wallet login --export-browser-key</code>)
<input type="file" id="bw-file" accept=".json,application/json"></label></p>
</section>`;
}

/** The page script (fixed text: its SHA-256 goes into the CSP). */
export const BROWSER_WALLET_SCRIPT = `(() => {
const sec = document.getElementById('browser-wallet');
if (!sec || !window.indexedDB || !crypto.subtle) return;
const status = document.getElementById('bw-status');
const btn = document.getElementById('bw-login');
const b64u = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
const enc = (o) => b64u(new TextEncoder().encode(JSON.stringify(o)));
const db = () => new Promise((ok, ko) => {
  const r = indexedDB.open('trustbridge-wallet', 1);
  r.onupgradeneeded = () => r.result.createObjectStore('keys');
  r.onsuccess = () => ok(r.result);
  r.onerror = () => ko(r.error);
});
const tx = async (mode, fn) => {
  const d = await db();
  return new Promise((ok, ko) => {
    const t = d.transaction('keys', mode);
    const r = fn(t.objectStore('keys'));
    t.oncomplete = () => ok(r.result);
    t.onerror = () => ko(t.error);
  });
};
const show = (w) => {
  if (!w) return;
  status.textContent = 'Wallet key ready in this browser.';
  btn.hidden = false;
};
tx('readonly', (s) => s.get('authentication')).then(show, () => undefined);
document.getElementById('bw-file').addEventListener('change', async (ev) => {
  try {
    const f = JSON.parse(await ev.target.files[0].text());
    if (f.type !== '${BROWSER_WALLET_TYPE}') throw new Error('not a browser wallet key file');
    const der = Uint8Array.from(atob(f.pkcs8), (ch) => ch.charCodeAt(0));
    const key = await crypto.subtle.importKey('pkcs8', der, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
    const w = { key, x5c: f.x5c };
    await tx('readwrite', (s) => s.put(w, 'authentication'));
    show(w);
  } catch (e) {
    status.textContent = 'Import failed: ' + e.message;
  }
});
btn.addEventListener('click', async () => {
  const w = await tx('readonly', (s) => s.get('authentication'));
  const d = sec.dataset;
  const input = enc({ alg: 'ES256', typ: '${WALLET_RESPONSE_TYPE}', x5c: w.x5c }) + '.' +
    enc({ cid: d.cid, challenge: d.challenge, aud: d.aud, iat: Math.floor(Date.now() / 1000) });
  const sig = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, w.key, new TextEncoder().encode(input));
  document.getElementById('response').value = input + '.' + b64u(sig);
  document.getElementById('response-form').submit();
});
})();`;

/**
 * The file the browser wallet imports: the authentication key (PKCS#8, base64) and its chain.
 *
 * @example
 * ```ts
 * writeFileSync(out, JSON.stringify(browserWalletFile(pkcs8Der, [authCert, eidCa, root])), { mode: 0o600 });
 * ```
 */
export function browserWalletFile(pkcs8: Buffer, chain: readonly Buffer[]): Record<string, unknown> {
  return {
    type: BROWSER_WALLET_TYPE,
    pkcs8: pkcs8.toString('base64'),
    x5c: chain.map((c) => c.toString('base64')),
  };
}
