import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { checkManifest, parseAsicManifest, uriToPath } from '../../../src/signature/asic/manifest.js';

const sha256 = (s: string): string => createHash('sha256').update(s).digest('base64');

/** An ASiCManifest as DSS writes it (EN 319 162-1 Annex A.4). */
function manifest(
  refs: { uri: string; digest: string; alg?: string }[],
  sig = 'META-INF/signature001.p7s',
): Buffer {
  const body = refs
    .map(
      (r) =>
        `<asic:DataObjectReference MimeType="text/plain" URI="${r.uri}">` +
        `<ds:DigestMethod Algorithm="${r.alg ?? 'http://www.w3.org/2001/04/xmlenc#sha256'}"/>` +
        `<ds:DigestValue>${r.digest}</ds:DigestValue></asic:DataObjectReference>`,
    )
    .join('');
  return Buffer.from(
    '<?xml version="1.0" encoding="UTF-8"?><asic:ASiCManifest xmlns:asic="http://uri.etsi.org/02918/v1.2.1#" ' +
      `xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><asic:SigReference URI="${sig}" MimeType="application/pkcs7-signature"/>` +
      `${body}</asic:ASiCManifest>`,
  );
}

test('an ASiCManifest parses into its SigReference and data object references', () => {
  const m = parseAsicManifest(
    'META-INF/ASiCManifest.xml',
    manifest([{ uri: 'my%20doc.txt', digest: sha256('a') }]),
  );
  assert.equal(m?.sigReference, 'META-INF/signature001.p7s');
  assert.equal(m?.references.length, 1);
  assert.deepEqual(
    { ...m!.references[0]!, digest: m!.references[0]!.digest.toString('base64') },
    {
      uri: 'my%20doc.txt',
      path: 'my doc.txt',
      mimeType: 'text/plain',
      digestMethod: 'http://www.w3.org/2001/04/xmlenc#sha256',
      digestAlgorithm: 'sha256',
      digest: sha256('a'),
    },
  );
});

test('what is not an ASiCManifest gives undefined', () => {
  assert.equal(parseAsicManifest('m.xml', Buffer.from('bla')), undefined);
  assert.equal(parseAsicManifest('m.xml', Buffer.from('<ASiCManifest/>')), undefined);
  assert.equal(parseAsicManifest('m.xml', Buffer.from('<!DOCTYPE x><x/>')), undefined);
});

test('checkManifest finds missing, altered and unsupported references', () => {
  const files = new Map([
    ['a.txt', Buffer.from('a')],
    ['b.txt', Buffer.from('changed')],
    ['c.txt', Buffer.from('c')],
  ]);
  const m = parseAsicManifest(
    'META-INF/ASiCManifest.xml',
    manifest([
      { uri: 'a.txt', digest: sha256('a') },
      { uri: 'b.txt', digest: sha256('b') },
      { uri: 'gone.txt', digest: sha256('g') },
      { uri: 'c.txt', digest: sha256('c'), alg: 'http://www.w3.org/2001/04/xmldsig-more#md5' },
    ]),
  )!;
  assert.deepEqual(
    checkManifest(m, (p) => files.get(p)),
    {
      missing: ['gone.txt'],
      altered: ['b.txt'],
      unsupported: ['c.txt (http://www.w3.org/2001/04/xmldsig-more#md5)'],
    },
  );
});

test('URIs are percent-decoded, a leading ./ dropped, bad escapes kept as written', () => {
  assert.equal(uriToPath('./dir/a%C3%A9.txt'), 'dir/aé.txt');
  assert.equal(uriToPath('100%.txt'), '100%.txt');
});
