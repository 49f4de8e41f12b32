/** The strict whole-document check trust lists go through, on the DSS trust-list corpus. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { XmlError } from '../../../src/lib/xml/errors.js';
import { verifyEnvelopedSignature } from '../../../src/signature/xades/enveloped.js';
import { XadesError } from '../../../src/signature/xades/errors.js';
import { REPO_ROOT } from '../../fixtures/cli.js';

const CORPUS = join(REPO_ROOT, '..', 'shared', 'corpus', 'dss');
const file = (p: string) => readFileSync(join(CORPUS, p));

const CASES: [string, string, string | undefined][] = [
  ['tl/eu-lotl.xml', 'anchors/lotl-signer_Patrick-Kremer.cer', undefined],
  ['tl/CZ.xml', 'anchors/cz-tl-signer.cer', undefined],
  ['tl/dk_tl-sn21.xml', 'anchors/dk-tl-signer_previous.cer', undefined],
  ['tl/mra-lotl.xml', 'anchors/zz-mra-lotl-signer.cer', undefined],
  ['tl/eu-lotl_broken-sig.xml', 'anchors/lotl-signer_Patrick-Kremer.cer', 'XADES_DIGEST_MISMATCH'],
  ['tl/CZ_broken-sig.xml', 'anchors/cz-tl-signer.cer', 'XADES_DIGEST_MISMATCH'],
  ['tl/CZ_not-compliant.xml', 'anchors/cz-tl-signer.cer', 'XADES_DIGEST_MISMATCH'],
  ['tl/CZ_no-sig.xml', 'anchors/cz-tl-signer.cer', 'XADES_MALFORMED'],
  ['tl/CZ_two-sigs.xml', 'anchors/cz-tl-signer.cer', 'XADES_MALFORMED'],
  ['tl/eu-lotl.xml', 'anchors/cz-tl-signer.cer', 'XADES_SIGNATURE_INVALID'],
  [
    'xades/XSW-enveloped-fake-content-two-same-id.xml',
    'anchors/xsw-sk-tl-signer.trusted.cer',
    'XADES_MALFORMED',
  ],
];

test('trust lists verify with the announced certificate and fail with a stable code otherwise', () => {
  for (const [tl, cert, code] of CASES) {
    if (code === undefined) {
      const { root, signature } = verifyEnvelopedSignature(file(tl), file(cert));
      assert.equal(root.localName, 'TrustServiceStatusList', tl);
      assert.equal(signature.parent, root);
    } else {
      assert.throws(
        () => verifyEnvelopedSignature(file(tl), file(cert)),
        (e: unknown) => e instanceof XadesError && e.code === code,
        `${tl} with ${cert}: ${code}`,
      );
    }
  }
});

test('an enveloping or detached signature is not a signed trust list', () => {
  const enveloping = file('xades/dss-signed.xml');
  assert.throws(() => verifyEnvelopedSignature(enveloping, file('anchors/cz-tl-signer.cer')), XadesError);
  assert.throws(
    () => verifyEnvelopedSignature('<!DOCTYPE x><x/>', file('anchors/cz-tl-signer.cer')),
    (e: unknown) => e instanceof XmlError && e.code === 'XML_DTD_FORBIDDEN',
  );
  assert.throws(
    () => verifyEnvelopedSignature(file('tl/CZ.xml'), Buffer.from('not a certificate')),
    (e: unknown) => e instanceof XadesError && e.code === 'XADES_MALFORMED',
  );
});
