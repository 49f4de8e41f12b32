import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { ValidationReport } from '../../src/validation/report.js';
import { renderHtml } from '../../src/validation/report_html.js';
import { SUB_INDICATION_EXPLANATIONS } from '../../src/validation/report_html_text.js';
import { missingTools, run, tempDir } from '../fixtures/cli.js';
import {
  EMPTY_CHAIN_REPORT,
  forbiddenCharacters,
  HASH_FAILURE_REPORT,
  HOSTILE,
  HOSTILE_REPORT,
  MARIA,
  PASSED_REPORT,
  REVOKED_REPORT,
  SAMPLE_REPORTS,
  TIMESTAMPS_REPORT,
  TWO_SIGNATURES_REPORT,
} from '../fixtures/reports.js';

const CHROMIUM = '/usr/bin/chromium';

/** The tag names of the page, in order. */
function tagNames(html: string): string[] {
  return [...html.matchAll(/<\/?([A-Za-z][A-Za-z0-9]*)/g)].map((m) => m[1]!.toLowerCase());
}

const ALLOWED_TAGS = new Set(
  'html head meta title style body header main section footer h1 h2 p span strong br dl dt dd table caption thead tbody tr th td ul li'.split(
    ' ',
  ),
);

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

describe('renderHtml: structure', () => {
  test('a self-contained page: doctype, language, charset, CSP, A4 print style, nothing external', () => {
    for (const report of Object.values(SAMPLE_REPORTS)) {
      const html = renderHtml(report);
      assert.ok(html.startsWith('<!DOCTYPE html>\n<html lang="en">'));
      assert.ok(html.includes('<meta charset="utf-8">'));
      assert.ok(
        html.includes(
          `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
        ),
      );
      assert.match(html, /@page \{ size: A4; margin: 12mm; \}/);
      assert.match(html, /print-color-adjust: exact/);
      // Only tags can load anything: no src/href attribute anywhere, no url() or @import in the style.
      for (const tag of html.match(/<[A-Za-z][^>]*>/g) ?? [])
        assert.ok(!/\s(src|href|srcset|action)=/i.test(tag), tag);
      const style = html.slice(html.indexOf('<style>'), html.indexOf('</style>'));
      assert.ok(!style.includes('url(') && !style.includes('@import'));
      for (const tag of tagNames(html)) assert.ok(ALLOWED_TAGS.has(tag), `unexpected <${tag}>`);
      assert.equal(count(html, '<section class="signature"'), report.signatures.length);
    }
  });

  test('tables have captions and column and row headers', () => {
    const html = renderHtml(PASSED_REPORT);
    assert.equal(count(html, '<table>'), 3);
    assert.equal(count(html, '<caption>'), 3);
    assert.ok(html.includes('<caption>Certificate chain (signer first)</caption>'));
    assert.ok(html.includes('<caption>Time-stamps</caption>'));
    assert.ok(html.includes('<caption>Checks (ETSI EN 319 102-1 building blocks)</caption>'));
    assert.equal(count(html, '<th scope="col">'), 5 + 4 + 3);
    assert.equal(count(html, '<th scope="row">'), 3 + 1 + 7);
    assert.match(html, /<section class="signature" aria-labelledby="sig-1">\n<h2 id="sig-1">/);
  });

  test('passed: green verdict, signer, times, level, chain with revocation, time-stamp, checks', () => {
    const html = renderHtml(PASSED_REPORT);
    assert.match(
      html,
      /<p class="verdict passed"><span class="mark" aria-hidden="true">✔<\/span><strong>The signature is valid\.<\/strong>/,
    );
    assert.ok(html.includes('<strong>Valid signature</strong><span class="code">TOTAL-PASSED</span>'));
    assert.ok(html.includes('<dt>Signed by</dt><dd>Maria Clara Santos<br>'));
    assert.ok(html.includes('<dt>Signing time (claimed)</dt><dd>2026-03-02 09:30:00 UTC</dd>'));
    assert.ok(
      html.includes(
        '2026-03-02 09:30:05 UTC <span class="dn">(earliest proof that the signature existed)</span>',
      ),
    );
    assert.ok(html.includes('<dd>CAdES B-LT</dd>'));
    assert.ok(html.includes('<dt>Validation policy</dt><dd>trustbridge default validation policy 1.0</dd>'));
    assert.ok(html.includes('<dt>Validation time</dt><dd>2026-06-01 12:00:00 UTC</dd>'));
    assert.ok(html.includes('Not revoked (OCSP, in the signature, 2026-03-02 09:31:00 UTC)'));
    assert.ok(html.includes('Not revoked (CRL, in the signature, 2026-03-01 00:00:00 UTC)'));
    assert.ok(html.includes('Not checked (trust anchor)'));
    assert.ok(html.includes('<th scope="row">Signature time-stamp</th><td>2026-03-02 09:30:05 UTC</td>'));
    assert.ok(html.includes('<th scope="row">Certificate chain validation (X.509)</th>'));
    assert.ok(html.includes(MARIA.serialNumber));
    assert.ok(html.includes('48213 bytes (47.1 KiB)'));
  });

  test('failed: red verdict with the plain-language HASH_FAILURE explanation and the failed check', () => {
    const html = renderHtml(HASH_FAILURE_REPORT);
    assert.ok(html.includes('<p class="verdict failed">'));
    assert.ok(html.includes('<span class="code">TOTAL-FAILED / HASH_FAILURE</span>'));
    assert.ok(html.includes(`<p class="explanation">${SUB_INDICATION_EXPLANATIONS.HASH_FAILURE}</p>`));
    assert.ok(html.includes('<span class="failed">✘ FAILED</span>'));
    assert.ok(html.includes('(no proof of an earlier time: this is the validation time)'));
    assert.ok(!html.includes('<caption>Time-stamps</caption>'), 'no empty time-stamp table');
  });

  test('indeterminate: amber verdict, revocation date and reason', () => {
    const html = renderHtml(REVOKED_REPORT);
    assert.ok(html.includes('<p class="verdict indeterminate">'));
    assert.ok(html.includes('The validity of the signature could not be confirmed.'));
    assert.ok(
      html.includes(
        '<strong>Revoked</strong> on 2026-04-01 10:00:00 UTC, reason keyCompromise (OCSP, fetched)',
      ),
    );
    assert.ok(html.includes(SUB_INDICATION_EXPLANATIONS.REVOKED_NO_POE.replace(/’/g, '’')));
  });

  test('two signatures: overall summary, one section each, unknown revocation with its reason, warnings', () => {
    const html = renderHtml(TWO_SIGNATURES_REPORT);
    assert.ok(html.includes('1 of 2 signatures valid, 0 invalid, 1 could not be confirmed.'));
    assert.ok(html.includes('<h2 id="sig-2">Signature 2 of 2 <span class="sigid">Signature2</span></h2>'));
    assert.ok(
      html.includes(
        '<strong>Unknown</strong>: the OCSP responder http://127.0.0.1:8081/ocsp could not be reached',
      ),
    );
    assert.ok(html.includes('<li>the VN trust list was 3 days past its next update</li>'));
    assert.equal(count(html, '<th scope="row">Document time-stamp</th>'), 2);
  });

  test('time-stamps and empty chain', () => {
    const ts = renderHtml(TIMESTAMPS_REPORT);
    assert.ok(ts.includes('<th scope="row">Content time-stamp (before signing)</th>'));
    assert.ok(
      ts.includes(
        '<span class="failed">TOTAL-FAILED / HASH_FAILURE</span><br>The time-stamp is over other data.',
      ),
    );
    const empty = renderHtml(EMPTY_CHAIN_REPORT);
    assert.ok(empty.includes('no chain to a trusted authority was found'));
    assert.ok(empty.includes('<dt>Signing time (claimed)</dt><dd>Not stated</dd>'));
  });

  test('a report without signatures still prints', () => {
    const html = renderHtml({ ...PASSED_REPORT, signatures: [], document: { size: 10 } });
    assert.ok(html.includes('The document holds no signature.'));
    assert.ok(html.includes('<dd>Unnamed document</dd>'));
    assert.ok(!html.includes('<section'));
  });

  test('is deterministic', () => {
    for (const report of Object.values(SAMPLE_REPORTS)) {
      const clone = JSON.parse(JSON.stringify(report)) as ValidationReport;
      assert.equal(renderHtml(clone), renderHtml(report));
    }
  });
});

describe('renderHtml: hostile values', () => {
  const html = renderHtml(HOSTILE_REPORT);

  test('markup in names, ids, details and the document name is shown as text', () => {
    for (const tag of tagNames(html)) assert.ok(ALLOWED_TAGS.has(tag), `unexpected <${tag}>`);
    assert.ok(!html.includes('<script') && !html.includes('<img') && !html.includes('</td></tr></table><'));
    assert.ok(html.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'));
    assert.ok(html.includes('Evil &amp; Co &#39;quoted&#39;'));
    assert.ok(html.includes('&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;&lt;img src=x onerror=alert(1)&gt;'));
    assert.ok(html.includes('&lt;b&gt;BOLD&lt;/b&gt; &amp; &quot;quoted&quot;'));
    assert.match(
      html,
      /<title>Signature validation report – &quot;&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt;\uFFFD\uFFFD\uFFFD\.pdf<\/title>/,
    );
    assert.ok(html.includes(`<span class="sigid">sig 1&quot;/&gt;&lt;x y=&quot;</span>`));
    assert.equal(count(html, '<section class="signature"'), 2);
    assert.ok(!html.includes(HOSTILE.subject));
  });

  test('control characters and lone surrogates become U+FFFD', () => {
    assert.deepEqual(forbiddenCharacters(html), []);
    assert.ok(html.includes(']]&gt;&lt;!-- --&gt;&lt;?pi?&gt;\r\n&amp;amp;\uFFFD\uFFFD\uFFFD\uFFFD'));
  });
});

describe('renderHtml: parses cleanly', { skip: missingTools('xmllint') }, () => {
  const dir = tempDir('tb-report-html-');
  after(() => dir.remove());

  for (const [name, report] of Object.entries(SAMPLE_REPORTS)) {
    test(`${name}: libxml2's HTML parser finds no error`, async () => {
      const file = join(dir.path, `${name}.html`);
      writeFileSync(file, renderHtml(report));
      const r = await run('xmllint', ['--html', '--noout', '--nonet', file]);
      // libxml2 parses HTML 4: the HTML5 sectioning elements are the only thing it may not know.
      const errors = r.stderr
        .split('\n')
        .filter((l) => /parser error/.test(l) && !/Tag (main|section|header|footer) invalid/.test(l));
      assert.deepEqual(errors, []);
    });
  }
});

describe(
  'renderHtml: prints on one A4 page',
  { skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} not installed` },
  () => {
    const dir = tempDir('tb-report-pdf-');
    after(() => dir.remove());

    for (const [name, report] of Object.entries({ PASSED_REPORT, HASH_FAILURE_REPORT, REVOKED_REPORT })) {
      test(`${name}`, async () => {
        const html = join(dir.path, `${name}.html`);
        const pdf = join(dir.path, `${name}.pdf`);
        writeFileSync(html, renderHtml(report));
        const r = await run(CHROMIUM, [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--no-pdf-header-footer',
          `--print-to-pdf=${pdf}`,
          `file://${html}`,
        ]);
        assert.ok(existsSync(pdf), r.stderr);
        const info = await run('pdfinfo', [pdf]);
        assert.match(info.stdout, /^Pages:\s+1$/m);
        // Chromium's A4 is 594.96 x 841.92 pt, poppler's nominal A4 595.28 x 841.89.
        assert.match(info.stdout, /Page size:\s+59[45]\.\d+ x 841\.\d+ pts \(A4\)/);
      });
    }
  },
);
