/**
 * The template helper escapes every interpolation (text and attribute values) unless it is
 * markup made by the helper itself.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SafeHtml, markup, trustedHtml } from '../../src/portal/html.js';

const NASTY = `<script>alert("x")</script>'\`&`;

describe('markup template', () => {
  it('escapes text and attribute values', () => {
    const out = markup`<p title="${NASTY}">${NASTY}</p>`.toString();
    const escaped = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39;&#96;&amp;';
    assert.equal(out, `<p title="${escaped}">${escaped}</p>`);
    assert.ok(!out.includes('<script'));
  });

  it('keeps markup made by the helper, escapes the strings inside it, joins arrays', () => {
    const items = ['a<b', 'c"d'].map((x) => markup`<li>${x}</li>`);
    assert.equal(markup`<ul>${items}</ul>`.toString(), '<ul><li>a&lt;b</li><li>c&quot;d</li></ul>');
    assert.ok(markup`${'x'}` instanceof SafeHtml);
  });

  it('renders undefined, null and false as nothing, numbers as text', () => {
    assert.equal(markup`[${undefined}${null}${false}${0}${12}]`.toString(), '[012]');
  });

  it('a plain string that looks like markup is still escaped; only trustedHtml passes through', () => {
    assert.equal(markup`${'<b>'}`.toString(), '&lt;b&gt;');
    assert.equal(markup`${trustedHtml('<b>')}`.toString(), '<b>');
  });
});
