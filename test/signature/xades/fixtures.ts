/**
 * Fixed PKI for the XAdES tests: a P-384 root on the fixed `root` key issuing citizen signature
 * certificates on the fixed citizen keys. Certificates are valid from FIXED_NOW; outside tools are
 * told to verify at {@link XMLSEC_TIME}.
 */
import { X509Certificate } from 'node:crypto';
import { childrenOf, topElement } from '../../../src/lib/der_reader.js';
import { signCertificate } from '../../../src/pki/certificate_builder.js';
import type { Signer } from '../../../src/pki/key_store.js';
import { citizenTemplate, rootCaTemplate } from '../../../src/pki/profiles.js';
import type { IssuerRef } from '../../../src/pki/profiles.js';
import { keyObjectSigner } from '../../../src/signature/key_signer.js';
import { fixedKey, spkiOf } from '../../fixtures/keys.js';
import type { FixedKeyId } from '../../fixtures/keys.js';
import { FIXED_NOW, TEST_IDENTITY } from '../../fixtures/node.js';

/** A signing identity of the tests. */
export interface XadesTestSigner {
  signer: Signer;
  certificate: Buffer;
  root: Buffer;
}

/** The subject Name DER of a certificate. */
function subjectOf(der: Buffer): Buffer {
  const [tbs] = childrenOf(der, topElement(der, 0x30, 'Certificate'));
  const fields = childrenOf(der, tbs!);
  const subject = fields[fields[0]!.tag === 0xa0 ? 5 : 4]!;
  return der.subarray(subject.offset, subject.end);
}

let cachedRoot: Promise<{ root: Buffer; ref: IssuerRef }> | undefined;

async function rootCa(): Promise<{ root: Buffer; ref: IssuerRef }> {
  const key = fixedKey('root');
  const spki = spkiOf(key);
  const root = await signCertificate(
    rootCaTemplate(TEST_IDENTITY, spki, FIXED_NOW),
    keyObjectSigner(key, 'root'),
  );
  const notAfter = new Date(new X509Certificate(root).validTo);
  return { root, ref: { caId: 'root', subjectDer: subjectOf(root), spki, notAfter } };
}

/**
 * The test signer on a fixed citizen key, with its certificate (issued by the root) and the root.
 *
 * @example
 * ```ts
 * const { signer, certificate, root } = await xadesTestSigner('citizen-a-sig');
 * ```
 */
export async function xadesTestSigner(keyId: FixedKeyId = 'citizen-a-sig'): Promise<XadesTestSigner> {
  cachedRoot ??= rootCa();
  const { root, ref } = await cachedRoot;
  const key = fixedKey(keyId);
  const holder = { nationalId: '123456789012', givenNames: 'Maria', familyName: 'Santos' };
  const template = citizenTemplate(TEST_IDENTITY, ref, 'signature', holder, spkiOf(key), FIXED_NOW);
  const certificate = await signCertificate(template, keyObjectSigner(fixedKey('root'), 'root'));
  return { signer: keyObjectSigner(key, keyId), certificate, root };
}

/** `--verification-gmt-time` for xmlsec1: one day after FIXED_NOW, when the test certificates are valid. */
export const XMLSEC_TIME = new Date(FIXED_NOW.getTime() + 86_400_000)
  .toISOString()
  .replace('T', ' ')
  .slice(0, 19);

// TEST FIXTURE ONLY — not a real key. RSA 2048, generated once with
// `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048` for the xmlsec1 cross-signing tests
// (the shared fixture keys are all EC).
export const FIXED_RSA_KEY = `-----BEGIN PRIVATE KEY-----
MIIEvwIBADANBgkqhkiG9w0BAQEFAASCBKkwggSlAgEAAoIBAQDaAsLtUHHkrRX5
CGHjsrMnVMdfnKhVfzH4qHBD1WlMmoMqZQUBHCfORBnOZhBS7VrIBjdaeT1z2mse
TxsYjl0aX9jRxLryVUDx9SlFF2HqxIIktlYUupAbqsQ/vBuvYioXJT+5WqPvr7i5
ebqYcQNds5Z6Ql6+ESH3lNQ6bL8VcfhpX3TsmxHbROj52651gVaSu2rp2+aykqht
M3GOUiVh03MOgy/hv4TunBAJ7LA1w+opPHQca1j5dWBRC0ynAzbT5BOujM56JmYl
oBEfQMGDm/wSkmUr2N9PHDDnUT9JJb8xeUtpA5Zkdh7MKqTVuHbszDzz8vlPiSl8
EPsOSgQjAgMBAAECggEAOI8v2BafPbcD9NROZR7m6MTPZshDSc8SfVLhsU+MHoIV
lmmX50ZRM2uqkEgdYw5OF4e5U6ERpt1bHgVi37eLgvyryRwzbgxdKYizmMessRYj
N3gQlBckrPDcMjbQresXRWL2CdXwow3hLEle9g6X03b0iqpuXvwd5lf3yWKOHnc0
zntNitbpqqg58AxbGOVYEog1puT0o0xobtq3hKj/mxyN2UV6tNv5lSSUYOFHDyIP
6glNpLNMVg5yuq3XQ4zi6nJj2u42qbN5MbD84IfTjDa1Ywvs5B1eDAJk/oibHCyf
01wOcwuoZcp0nxkpSt+EX6nf4Lg6tiXgf9pNYggS2QKBgQD2MCdPuAWWXwIWw4+k
uDpzQzHzgjahInJIgAmJfNMdz6fZqRLrOmv1T1LMPmD1gp84FCicMVMovdsA/Nxc
PpQA9pHXe8gMpc1JRAOqOTEWMuNt5AgfvumJi8yGLo61wbopWamjFpr/G/s8Ov0I
kIaqWqX9683471XVDwQ5YzeeWQKBgQDisx2wxT+dS0DcwzzOXB4T1R1utzP+KxLG
bYi6OQrJ3gnEgYWO/ZNRsU53cJvscM1WIz4VAMEZtdflm/rQYGwKn9zyeANNB3Sp
FBP1OoDNqpcHxIG8KztDV9C/RH3DlULjJsMkDE2pvkj/C74DMl59rdegpHP/O7to
wafpTLw+2wKBgQCJtl4HJfVaLENK4JIVnkhz+X6TrJ9Ke65aB+VN11lxL5vBEebX
VpLVYk36mlo6e5r9D6m31Y+jFrDPWKMbppW8BDGIzGEXUhgHh9hU/DENLeIysoAo
4e5ZVq5N0PVbjsbIIrPV2utRESH0izrH87Cg0pxP8fwB6D+nMwM15t5R4QKBgQDL
F1wJ+Su8ZqZ9IAthc/UeH1Z20XmqwjvXuFk9O80Ge/yUJtTX/SP1k7qQFjoZ4BSU
jo4Xks1rkxUPhmV0OG2SNxVhw1Jxt7QzpOEcWIT7u1ACjXEMek5lTk6ci2d/yEBb
72Xy7XLGFsqeco6Pnpg4T31VVP72MTT77EHZJ/2c8QKBgQDgfhnDYFKTfqHUFvLm
5XkcGzxkiS9ynvNFnLSKZkNg1vJsFRQ1ejhYCgxtbgxvi1jADheQdpfZqWpzXC2Z
dD9AfKM8H0PCB0JwsOWIyTINZn24KRCNkNhmY+1rmkkzJ/DUZZjQ672m4BNpqWEI
ORWZIkc9s1yatwotbynGijODbg==
-----END PRIVATE KEY-----
`;
