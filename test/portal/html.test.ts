/**
 * The template helper escapes every interpolation (text and attribute values) unless it is
 * markup made by the helper itself.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SafeHtml, html, trustedHtml } from '../../src/portal/html.js';

const NASTY = `<script>alert("x")</script>'\`&`;

describe('html template', () => {
  it('escapes text and attribute values', () => {
    const out = html`<p title="${NASTY}">${NASTY}</p>`.toString();
    const escaped = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39;&#96;&amp;';
    assert.equal(out, `<p title="${escaped}">${escaped}</p>`);
    assert.ok(!out.includes('<script'));
  });

  it('keeps markup made by the helper, escapes the strings inside it, joins arrays', () => {
    const items = ['a<b', 'c"d'].map((x) => html`<li>${x}</li>`);
    assert.equal(html`<ul>${items}</ul>`.toString(), '<ul><li>a&lt;b</li><li>c&quot;d</li></ul>');
    assert.ok(html`${'x'}` instanceof SafeHtml);
  });

  it('renders undefined, null and false as nothing, numbers as text', () => {
    assert.equal(html`[${undefined}${null}${false}${0}${12}]`.toString(), '[012]');
  });

  it('a plain string that looks like markup is still escaped; only trustedHtml passes through', () => {
    assert.equal(html`${'<b>'}`.toString(), '&lt;b&gt;');
    assert.equal(html`${trustedHtml('<b>')}`.toString(), '<b>');
  });
});
