/**
 * The printable validation report: one self-contained HTML page (inline style, no script, no
 * external resource, a Content-Security-Policy that forbids loading anything) that a clerk can
 * print on A4, like the "simple report" of the EU DSS validator. It shows the document, the
 * validation time and policy, and for each signature a coloured verdict with its meaning in
 * plain words, the signer, the times, the certificate chain with revocation status, the
 * time-stamps and the EN 319 102-1 checks (`trustbridge validate --report-format html`).
 *
 * Every value from the report is HTML-escaped: subject names, document names and details come
 * from documents an attacker may have crafted.
 */
import type {
  ChainEntry,
  CheckResult,
  Indication,
  SignatureReport,
  TimestampReport,
  ValidationReport,
} from './report.js';
import {
  CHECK_LABELS,
  HEADLINES,
  INDICATION_EXPLANATIONS,
  REVOCATION_SOURCES,
  STYLE,
  SUB_INDICATION_EXPLANATIONS,
  TIMESTAMP_LABELS,
} from './report_html_text.js';

// Characters HTML text must not carry (controls other than TAB/LF/CR, noncharacters U+FFFE/FFFF)
// or that UTF-8 cannot encode (lone surrogates, which the `u` flag matches as \p{Cs}): U+FFFD.
const NOT_HTML_CHAR = /[\p{Cc}\p{Cs}\uFFFE\uFFFF]/gu;
const KEEP = new Set(['\t', '\n', '\r']);
const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes a value for HTML text and (quoted) attribute values. */
function h(value: string | number | undefined): string {
  return String(value ?? '')
    .replace(NOT_HTML_CHAR, (c) => (KEEP.has(c) ? c : '\uFFFD'))
    .replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

const CSS_CLASS: Readonly<Record<Indication | CheckResult['indication'], string>> = {
  'TOTAL-PASSED': 'passed',
  'TOTAL-FAILED': 'failed',
  INDETERMINATE: 'indeterminate',
  PASSED: 'passed',
  FAILED: 'failed',
};
const MARKS: Readonly<Record<string, string>> = { passed: '✔', failed: '✘', indeterminate: '?' };

/** `2026-03-02 09:30:00 UTC` for an ISO 8601 time (ISO order reads the same in every country). */
function formatTime(iso: string | undefined): string {
  if (iso === undefined) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return h(iso);
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** The date part of {@link formatTime}. */
function formatDate(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? h(iso) : d.toISOString().slice(0, 10);
}

function formatSize(bytes: number): string {
  if (!Number.isFinite(bytes)) return '';
  const units: Array<[number, string]> = [
    [1024 ** 3, 'GiB'],
    [1024 ** 2, 'MiB'],
    [1024, 'KiB'],
  ];
  const unit = units.find(([n]) => bytes >= n);
  return unit ? `${bytes} bytes (${(bytes / unit[0]).toFixed(1)} ${unit[1]})` : `${bytes} bytes`;
}

/** The CN of an RFC 4514 name, unescaped, or the whole name when it has none. */
function commonName(dn: string): string {
  const m = /(?:^|,)\s*CN=((?:\\.|[^,\\])*)/i.exec(dn);
  return m ? m[1]!.replace(/\\(.)/g, '$1').trim() || dn : dn;
}

function checkLabel(name: string): string {
  const known = CHECK_LABELS[name];
  if (known !== undefined) return known;
  if (!/^[A-Z0-9_]+$/.test(name)) return name;
  const words = name.toLowerCase().replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function facts(rows: ReadonlyArray<[string, string | undefined]>): string {
  const items = rows
    .filter((r): r is [string, string] => r[1] !== undefined && r[1] !== '')
    .map(([label, html]) => `<dt>${h(label)}</dt><dd>${html}</dd>`);
  return `<dl class="facts">${items.join('')}</dl>`;
}

function table(caption: string, headers: readonly string[], rows: readonly string[][]): string {
  const head = headers.map((c) => `<th scope="col">${h(c)}</th>`).join('');
  // The first cell of each row names it: a row header for screen readers.
  const body = rows.map(
    (cells) =>
      `<tr><th scope="row">${cells[0]}</th>${cells
        .slice(1)
        .map((c) => `<td>${c}</td>`)
        .join('')}</tr>`,
  );
  return `<table><caption>${h(caption)}</caption><thead><tr>${head}</tr></thead><tbody>${body.join('')}</tbody></table>`;
}

function verdict(indication: Indication, subIndication: string | undefined): string {
  const cls = CSS_CLASS[indication];
  const code = subIndication === undefined ? indication : `${indication} / ${subIndication}`;
  return `<p class="verdict ${cls}"><span class="mark" aria-hidden="true">${MARKS[cls]}</span><strong>${h(HEADLINES[indication])}</strong><span class="code">${h(code)}</span></p>`;
}

function explanation(sig: SignatureReport): string {
  const sub = sig.subIndication === undefined ? undefined : SUB_INDICATION_EXPLANATIONS[sig.subIndication];
  return `<p class="explanation">${h(sub ?? INDICATION_EXPLANATIONS[sig.indication])}</p>`;
}

function revocationCell(rev: ChainEntry['revocation'], trustAnchor: boolean): string {
  const source = rev.source === undefined ? undefined : (REVOCATION_SOURCES[rev.source] ?? rev.source);
  const when = rev.issuedAt ?? rev.thisUpdate;
  switch (rev.status) {
    case 'good':
      return `Not revoked${source ? ` (${h(source)}${when ? `, ${formatTime(when)}` : ''})` : ''}`;
    case 'revoked': {
      const reason = rev.revocationReason ? `, reason ${h(rev.revocationReason)}` : '';
      return `<strong>Revoked</strong> on ${formatTime(rev.revocationTime)}${reason}${source ? ` (${h(source)})` : ''}`;
    }
    case 'unknown':
      return `<strong>Unknown</strong>${rev.detail ? `: ${h(rev.detail)}` : ''}${source ? ` (${h(source)})` : ''}`;
    default:
      return trustAnchor ? 'Not checked (trust anchor)' : 'Not checked';
  }
}

function chainTable(chain: readonly ChainEntry[]): string {
  if (chain.length === 0)
    return '<p><strong>Certificate chain:</strong> no chain to a trusted authority was found.</p>';
  const rows = chain.map((c, i) => [
    h(i === 0 ? 'Signer' : c.trustAnchor ? 'Trust anchor' : `CA ${i}`),
    `${h(commonName(c.subject))}<br><span class="dn">${h(c.subject)}</span>`,
    `<span class="mono">${h(c.serialNumber)}</span>`,
    `${formatDate(c.notBefore)} – ${formatDate(c.notAfter)}`,
    revocationCell(c.revocation, c.trustAnchor),
  ]);
  return table(
    'Certificate chain (signer first)',
    ['Role', 'Certificate', 'Serial', 'Valid', 'Revocation'],
    rows,
  );
}

function timestampResult(ts: TimestampReport): string {
  const cls = CSS_CLASS[ts.indication];
  const code = ts.subIndication === undefined ? ts.indication : `${ts.indication} / ${ts.subIndication}`;
  const imprint = ts.imprintIntact ? '' : '<br>The time-stamp is over other data.';
  return `<span class="${cls}">${h(code)}</span>${imprint}${ts.detail ? `<br>${h(ts.detail)}` : ''}`;
}

function timestampTable(timestamps: readonly TimestampReport[]): string {
  if (timestamps.length === 0) return '';
  const rows = timestamps.map((ts) => [
    h(TIMESTAMP_LABELS[ts.type] ?? ts.type),
    formatTime(ts.genTime),
    `${h(ts.tsa ? commonName(ts.tsa) : '—')}${ts.serialNumber ? `<br><span class="dn">serial ${h(ts.serialNumber)}</span>` : ''}`,
    timestampResult(ts),
  ]);
  return table('Time-stamps', ['Type', 'Time', 'Time-stamping authority', 'Result'], rows);
}

function checksTable(checks: readonly CheckResult[]): string {
  if (checks.length === 0) return '';
  const rows = checks.map((c) => {
    const cls = CSS_CLASS[c.indication];
    const result = `<span class="${cls}">${MARKS[cls]} ${h(c.indication)}</span>`;
    const sub = c.subIndication ? `<span class="mono">${h(c.subIndication)}</span> ` : '';
    return [h(checkLabel(c.name)), result, `${sub}${h(c.detail ?? '')}`];
  });
  return table('Checks (ETSI EN 319 102-1 building blocks)', ['Check', 'Result', 'Details'], rows);
}

// Clause 5.6.2.2 / 5.3: without a proof of existence the best signature time is the validation
// time itself, which a reader should not take for a signing time.
function bestTime(sig: SignatureReport, validationTime: string): string {
  const noProof = new Date(sig.bestSignatureTime).getTime() === new Date(validationTime).getTime();
  const note = noProof
    ? 'no proof of an earlier time: this is the validation time'
    : 'earliest proof that the signature existed';
  return `${formatTime(sig.bestSignatureTime)} <span class="dn">(${note})</span>`;
}

/** The trusted-list service of the anchor (TS 119 612): member, provider, service, status. */
function trustFact(sig: SignatureReport): string | undefined {
  const t = sig.trust;
  if (!t) return undefined;
  const status = t.status.slice(t.status.lastIndexOf('/') + 1);
  return (
    `${h(t.country)}: ${h(t.tspName)}, ${h(t.serviceName)}<br>` +
    `<span class="dn">${h(status)} since ${formatTime(t.statusStartingTime)}; ${h(t.source)}</span>`
  );
}

/**
 * The signer's certificate in its country's transparency log (issue 15): logged at which index,
 * under a checkpoint cosigned by which members, or why it is not known.
 */
function transparencyFact(sig: SignatureReport): string | undefined {
  const t = sig.transparency;
  if (!t) return undefined;
  const why = t.error ? `<br><span class="dn">${h(t.error.code)}: ${h(t.error.message)}</span>` : '';
  if (!t.logged) {
    const what: Record<typeof t.status, string> = {
      logged: 'Logged',
      'not-logged': `Not logged${t.country ? ` in ${t.country}\u2019s log` : ''}`,
      invalid: 'The log\u2019s answer did not verify',
      unknown: 'Not known (the log could not be asked)',
      'not-checked': 'Not checked',
    };
    return `${h(what[t.status])}${why}`;
  }
  const cosigners = t.cosigners?.length ? t.cosigners.join(', ') : 'no witness';
  const witnessed = t.witnessed ? 'witnessed' : 'not witnessed by a quorum';
  return (
    `Logged in ${h(t.log)} at index ${h(t.index)} (checkpoint of ${h(t.checkpointSize)} entries), ` +
    `${h(witnessed)}: cosigned by ${h(cosigners)}${t.witnessed ? '' : why}`
  );
}

function signatureSection(sig: SignatureReport, index: number, report: ValidationReport): string {
  const total = report.signatures.length;
  const signer = sig.signer;
  const algorithms = [sig.signatureAlgorithm, sig.digestAlgorithm].filter((a) => a !== undefined).join(', ');
  const warnings = sig.warnings.map((w) => `<li>${h(w)}</li>`).join('');
  return [
    `<section class="signature" aria-labelledby="sig-${index}">`,
    `<h2 id="sig-${index}">Signature ${index} of ${total} <span class="sigid">${h(sig.id)}</span></h2>`,
    verdict(sig.indication, sig.subIndication),
    explanation(sig),
    facts([
      [
        'Signed by',
        signer
          ? `${h(commonName(signer.subject))}<br><span class="dn">${h(signer.subject)}</span>`
          : 'Not identified',
      ],
      ['Certificate issuer', signer ? `<span class="dn">${h(signer.issuer)}</span>` : undefined],
      ['Signing time (claimed)', sig.signingTime === undefined ? 'Not stated' : formatTime(sig.signingTime)],
      ['Best signature time', bestTime(sig, report.validationTime)],
      ['Format and level', `${h(sig.format)} ${h(sig.level)}`],
      ['Algorithms', algorithms === '' ? undefined : h(algorithms)],
      ['Policy rule', sig.policyRule === undefined ? undefined : h(sig.policyRule)],
      ['Trusted list', trustFact(sig)],
      ['Qualification', sig.trust ? h(sig.trust.qualification) : undefined],
      ['Transparency log', transparencyFact(sig)],
    ]),
    chainTable(sig.chain),
    timestampTable(sig.timestamps),
    checksTable(sig.checks),
    warnings === '' ? '' : `<p><strong>Warnings</strong></p><ul class="warnings">${warnings}</ul>`,
    '</section>',
  ].join('\n');
}

const SINGLE_VERDICTS: Readonly<Record<Indication, string>> = {
  'TOTAL-PASSED': 'The signature is valid.',
  'TOTAL-FAILED': 'The signature is not valid.',
  INDETERMINATE: 'The validity of the signature could not be confirmed.',
};

function overall(signatures: readonly SignatureReport[]): string {
  if (signatures.length === 0) {
    return '<p class="verdict indeterminate"><strong>The document holds no signature.</strong></p>';
  }
  const count = (i: Indication) => signatures.filter((s) => s.indication === i).length;
  const [passed, failed, indeterminate] = [
    count('TOTAL-PASSED'),
    count('TOTAL-FAILED'),
    count('INDETERMINATE'),
  ];
  const worst: Indication =
    failed > 0 ? 'TOTAL-FAILED' : indeterminate > 0 ? 'INDETERMINATE' : 'TOTAL-PASSED';
  const total = signatures.length;
  let text: string;
  if (total === 1) text = SINGLE_VERDICTS[worst];
  else if (worst === 'TOTAL-PASSED') text = `All ${total} signatures are valid.`;
  else
    text = `${passed} of ${total} signatures valid, ${failed} invalid, ${indeterminate} could not be confirmed.`;
  const cls = CSS_CLASS[worst];
  return `<p class="verdict ${cls}"><span class="mark" aria-hidden="true">${MARKS[cls]}</span><strong>${h(text)}</strong></p>`;
}

/**
 * Renders a validation report as one printable, self-contained HTML page (A4).
 *
 * @param report - the validation report
 * @returns the HTML document
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * writeFileSync('report.html', renderHtml(report));
 * // chromium --headless --print-to-pdf=report.pdf report.html
 * ```
 */
export function renderHtml(report: ValidationReport): string {
  const doc = report.document;
  const title = `Signature validation report${doc.name ? ` – ${doc.name}` : ''}`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>Signature validation report</h1>
${overall(report.signatures)}
${facts([
  ['Document', doc.name === undefined ? 'Unnamed document' : h(doc.name)],
  ['Size', h(formatSize(doc.size))],
  ['SHA-256', doc.sha256 === undefined ? undefined : `<span class="mono">${h(doc.sha256)}</span>`],
  ['Validation time', formatTime(report.validationTime)],
  ['Validation policy', h(report.policy)],
])}
</header>
<main>
${report.signatures.map((s, i) => signatureSection(s, i + 1, report)).join('\n')}
</main>
<footer>
Validated by trustbridge following ETSI EN 319 102-1. The ETSI TS 119 102-2 XML report of the same validation holds the complete evidence (certificates, revocation data, time-stamps).
</footer>
</body>
</html>
`;
}
