/**
 * XMLDSig core validation against signatures xmlsec1 makes (RSA and ECDSA; detached, enveloping
 * and enveloped; the C14N family with and without comments, base64, XPath and XPath Filter 2.0
 * signature removal, xml:id), and the structural defences on hand-made documents.
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { XmlError } from '../../../src/lib/xml/errors.js';
import { XadesError } from '../../../src/signature/xades/errors.js';
import { extractXades } from '../../../src/signature/xades/extract.js';
import type { DetachedContent } from '../../../src/lib/document_source.js';
import type { ExtractedSignature } from '../../../src/signature/model.js';
import { bufferSource } from '../../../src/lib/document_source.js';
import { REPO_ROOT, missingTools, run, tempDir } from '../../fixtures/cli.js';
import { FIXED_KEYS } from '../../fixtures/keys.js';
import { FIXED_RSA_KEY } from './fixtures.js';

const ANCHOR_KEY = () =>
  new X509Certificate(
    readFileSync(join(REPO_ROOT, '..', 'shared', 'corpus', 'dss', 'anchors', 'cz-tl-signer.cer')),
  ).publicKey;
const DS = 'xmlns:ds="http://www.w3.org/2000/09/xmldsig#"';
const ALG = {
  c14nComments: 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments',
  c14n11: 'http://www.w3.org/2006/12/xml-c14n11',
  exc: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  rsa256: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  ecdsa256: 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256',
  sha1: 'http://www.w3.org/2000/09/xmldsig#sha1',
  sha256: 'http://www.w3.org/2001/04/xmlenc#sha256',
  sha384: 'http://www.w3.org/2001/04/xmldsig-more#sha384',
  sha512: 'http://www.w3.org/2001/04/xmlenc#sha512',
};

function ref(uri: string, digest: string, transforms: string[] = []): string {
  const t = transforms.length ? `<ds:Transforms>${transforms.join('')}</ds:Transforms>` : '';
  return `<ds:Reference URI="${uri}">${t}<ds:DigestMethod Algorithm="${digest}"/><ds:DigestValue/></ds:Reference>`;
}

function transform(alg: string, inner = ''): string {
  return `<ds:Transform Algorithm="${alg}">${inner}</ds:Transform>`;
}

function signedInfo(c14n: string, method: string, refs: string[]): string {
  return `<ds:SignedInfo><ds:CanonicalizationMethod Algorithm="${c14n}"/><ds:SignatureMethod Algorithm="${method}"/>${refs.join('')}</ds:SignedInfo><ds:SignatureValue/><ds:KeyInfo><ds:X509Data/></ds:KeyInfo>`;
}

/** Detached file, base64 Object, and an XML Object element digested with C14N 1.1 (RSA, SignedInfo with comments). */
const DETACHED_TEMPLATE =
  `<?xml version="1.0"?>\n<ds:Signature ${DS} Id="sig">` +
  signedInfo(ALG.c14nComments, ALG.rsa256, [
    ref('doc.txt', ALG.sha256),
    ref('#obj', ALG.sha1, [transform('http://www.w3.org/2000/09/xmldsig#base64')]),
    ref('#data', ALG.sha384, [transform(ALG.c14n11)]),
  ]) +
  '<ds:Object Id="obj">SGVsbG8g\nV29ybGQ=</ds:Object>' +
  '<ds:Object><data xmlns="urn:d" Id="data" xml:lang="en">text <!-- c --> more</data></ds:Object></ds:Signature>';

/** Enveloped with XPath Filter 2.0 and exclusive C14N with an InclusiveNamespaces list (ECDSA), plus an xml:id reference. */
const ENVELOPED_TEMPLATE =
  '<?xml version="1.0"?>\n<doc xmlns="urn:doc" xmlns:x="urn:unused"><item xml:id="i1">one</item><!-- comment -->\n' +
  `<ds:Signature ${DS}>` +
  signedInfo(ALG.exc, ALG.ecdsa256, [
    ref('', ALG.sha512, [
      transform(
        'http://www.w3.org/2002/06/xmldsig-filter2',
        '<f:XPath xmlns:f="http://www.w3.org/2002/06/xmldsig-filter2" Filter="subtract">/descendant::ds:Signature</f:XPath>',
      ),
      transform(
        ALG.exc,
        '<ec:InclusiveNamespaces xmlns:ec="http://www.w3.org/2001/10/xml-exc-c14n#" PrefixList="x #default"/>',
      ),
    ]),
    ref('#i1', ALG.sha1, [
      transform(
        'http://www.w3.org/TR/1999/REC-xpath-19991116',
        '<ds:XPath>not(ancestor-or-self::ds:Signature)</ds:XPath>',
      ),
      transform(`${ALG.exc}WithComments`),
    ]),
  ]) +
  '</ds:Signature></doc>';

async function xmlsecSign(
  template: string,
  key: string,
  extra: string[] = [],
  files: Record<string, string> = {},
): Promise<Buffer> {
  const dir = tempDir('tb-xmldsig-');
  try {
    const p = (n: string) => join(dir.path, n);
    writeFileSync(p('key.pem'), key);
    const cert = await run('openssl', [
      'req',
      '-x509',
      '-key',
      p('key.pem'),
      '-subj',
      '/CN=xmlsec test',
      '-days',
      '3650',
      '-out',
      p('cert.pem'),
    ]);
    assert.equal(cert.code, 0, cert.stderr);
    for (const [name, text] of Object.entries(files)) writeFileSync(p(name), text);
    writeFileSync(p('t.xml'), template);
    const r = await run(
      'xmlsec1',
      [
        '--sign',
        '--privkey-pem',
        `${p('key.pem')},${p('cert.pem')}`,
        ...extra,
        '--output',
        p('s.xml'),
        p('t.xml'),
      ],
      {
        cwd: dir.path,
      },
    );
    assert.equal(r.code, 0, r.stderr);
    return readFileSync(p('s.xml'));
  } finally {
    dir.remove();
  }
}

async function signerValue(sig: ExtractedSignature): Promise<boolean | undefined> {
  const cert = sig.certificates.find((c) => sig.namesSigner(c));
  return cert ? sig.verifySignatureValue(new X509Certificate(cert).publicKey) : undefined;
}

test(
  'detached + enveloping signature made by xmlsec1 (RSA): intact only with the right detached file',
  { skip: missingTools('xmlsec1', 'openssl') },
  async () => {
    const xml = await xmlsecSign(
      DETACHED_TEMPLATE,
      FIXED_RSA_KEY,
      ['--id-attr:Id', 'Object', '--id-attr:Id', 'urn:d:data'],
      {
        'doc.txt': 'Hello detached\n',
      },
    );
    const read = async (detached: DetachedContent[]) =>
      (await extractXades(bufferSource(xml), { detached }))[0]!;
    const good = await read([{ name: 'doc.txt', bytes: Buffer.from('Hello detached\n') }]);
    assert.equal(good.level, 'NOT-ETSI');
    assert.equal(good.signatureAlgorithm, 'sha256WithRSAEncryption');
    assert.deepEqual(await good.checkIntegrity(), { status: 'intact' });
    assert.equal(await signerValue(good), true);
    assert.equal((await (await read([])).checkIntegrity()).status, 'not-found');
    assert.equal(
      (await (await read([{ name: 'doc.txt', bytes: Buffer.from('changed') }])).checkIntegrity()).status,
      'hash-failure',
    );
    const unnamed = await read([{ bytes: Buffer.from('Hello detached\n') }]);
    assert.equal(
      (await unnamed.checkIntegrity()).status,
      'intact',
      'one unnamed document serves the one external reference',
    );
  },
);

test(
  'enveloped signature made by xmlsec1 (ECDSA raw r||s, Filter 2.0, XPath, InclusiveNamespaces, xml:id)',
  { skip: missingTools('xmlsec1', 'openssl') },
  async () => {
    const xml = await xmlsecSign(ENVELOPED_TEMPLATE, FIXED_KEYS['citizen-c-sig']);
    const [sig] = await extractXades(bufferSource(xml), {});
    assert.equal(sig!.signatureAlgorithm, 'ecdsa-with-SHA256');
    assert.equal(sig!.digestAlgorithm, 'sha512');
    assert.deepEqual(await sig!.checkIntegrity(), { status: 'intact' });
    assert.equal(await signerValue(sig!), true);
    const changed = Buffer.from(xml.toString().replace('>one<', '>two<'));
    const [bad] = await extractXades(bufferSource(changed), {});
    assert.equal((await bad!.checkIntegrity()).status, 'hash-failure');
    assert.equal(await signerValue(bad!), true, 'SignedInfo itself is untouched');
  },
);

function unsigned(body: string): Promise<ExtractedSignature[]> {
  return extractXades(bufferSource(Buffer.from(body)), {});
}

const EMPTY_SIG = (refs: string, extra = '') =>
  `<ds:Signature ${DS} Id="s"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="${ALG.exc}"/>` +
  `<ds:SignatureMethod Algorithm="${ALG.rsa256}"/>${refs}</ds:SignedInfo><ds:SignatureValue>AAAA</ds:SignatureValue>${extra}</ds:Signature>`;

test('duplicate identifiers are a format failure and never resolve', async () => {
  const [sig] = await unsigned(`<r><a Id="x"/><b ID="x"/>${EMPTY_SIG(ref('#x', ALG.sha256))}</r>`);
  assert.match(sig!.formatFailure ?? '', /2 elements carry the identifier 'x'/);
  assert.equal((await sig!.checkIntegrity()).status, 'not-found');
});

test('unsupported transforms and unknown algorithms are reported, not guessed', async () => {
  const xslt = ref('', ALG.sha256, [transform('http://www.w3.org/TR/1999/REC-xslt-19991116')]);
  const [t] = await unsigned(`<r>${EMPTY_SIG(xslt)}</r>`);
  const r = await t!.checkIntegrity();
  assert.equal(r.status, 'not-found');
  assert.match((r as { detail: string }).detail, /not supported/);
  const xpath = ref('', ALG.sha256, [
    transform('http://www.w3.org/TR/1999/REC-xpath-19991116', '<ds:XPath>1=1</ds:XPath>'),
  ]);
  assert.match(
    ((await (await unsigned(`<r>${EMPTY_SIG(xpath)}</r>`))[0]!.checkIntegrity()) as { detail: string })
      .detail,
    /XPath/,
  );
  const [m] = await unsigned(`<r>${EMPTY_SIG(ref('', ALG.sha256)).replace(ALG.rsa256, 'urn:unknown')}</r>`);
  assert.equal(m!.signatureAlgorithm, 'urn:unknown');
  await assert.rejects(
    m!.verifySignatureValue(ANCHOR_KEY()),
    (e: unknown) => e instanceof XadesError && e.code === 'XADES_ALGORITHM_UNSUPPORTED',
  );
});

test('a signature without SignedInfo parts is a format failure; a DTD fails the whole document', async () => {
  const [broken] = await unsigned(`<r><ds:Signature ${DS}><ds:SignatureValue/></ds:Signature></r>`);
  assert.match(broken!.formatFailure ?? '', /SignedInfo/);
  assert.equal(await broken!.verifySignatureValue(ANCHOR_KEY()), false);
  await assert.rejects(
    unsigned('<!DOCTYPE r [<!ENTITY a "b">]><r/>'),
    (e: unknown) => e instanceof XmlError && e.code === 'XML_DTD_FORBIDDEN',
  );
  assert.deepEqual(await unsigned('<r/>'), []);
});
