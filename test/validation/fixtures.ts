/**
 * Shared fixtures of the tests in this folder.
 *
 * - Certificate, CRL and key fixtures for the path validation tests: fixed keys (the project's
 *   FIXED_KEYS plus one RSA and one Ed25519 key below), fixed dates, chains built with the
 *   project's own `signCertificate`, `encodeName` and `ext.*`, and a raw builder for certificates
 *   the project would never issue (other algorithms, broken fields).
 * - Shared set-up of the validation-process tests: a fixed-key node with citizen A, an in-process
 *   revocation fetcher (the node's OCSP responder and CRLs), and a hand-made CMS builder for the
 *   signatures `signCades` refuses to make (SHA-1, a content time-stamp, a wrong key).
 */
import { createPrivateKey, createPublicKey, sign as cryptoSign, createHash } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import {
  bitString,
  boolean,
  explicit,
  implicitConstructed,
  integer,
  octets,
  oid,
  seq,
  time,
  tlv,
} from '../../src/lib/der.js';
import { OID, keyIdentifier } from '../../src/pki/algorithms.js';
import { encodeExtension, encodeName, ext, signCertificate } from '../../src/pki/certificate_builder.js';
import type { Extension } from '../../src/pki/certificate_builder.js';
import { buildCrl } from '../../src/pki/crl.js';
import type { CrlEntry } from '../../src/pki/crl.js';
import type { HashAlgorithm, Signer } from '../../src/pki/key_store.js';
import { FIXED_KEYS } from '../fixtures/keys.js';
import type { FixedKeyId } from '../fixtures/keys.js';
import { latestCrl } from '../../src/eid/crl_publisher.js';
import { ocspServiceOf } from '../../src/node/ocsp_service.js';
import {
  CMS_OID,
  algorithmIdentifier,
  contentTypeAttribute,
  issuerAndSerialOf,
  messageDigestAttribute,
  signingCertificateV2Attribute,
} from '../../src/pki/cms_signed_data.js';
import type { CmsAttribute } from '../../src/pki/cms_signed_data.js';
import type { RevocationFetcher } from '../../src/signature/revocation_fetcher.js';
import { requestTimeStamp } from '../../src/timestamp/client.js';
import { bufferSource } from '../../src/lib/document_source.js';
import { validateDocument } from '../../src/validation/validate_document.js';
import type { ValidationOptions } from '../../src/validation/validate_document.js';
import type { SignatureReport } from '../../src/validation/report.js';
import type { SigningFixture } from '../signature/fixtures.js';
import { PathValidationError } from '../../src/validation/errors.js';
import type { PathValidationCode } from '../../src/validation/errors.js';
import * as DER from '../../src/lib/der.js';
import assert from 'node:assert/strict';

/** Validity of every fixture certificate unless a test says otherwise. */
export const NOT_BEFORE = new Date('2026-01-01T00:00:00Z');
export const NOT_AFTER = new Date('2031-01-01T00:00:00Z');
/** The validation time of the tests. */
export const NOW = new Date('2026-06-01T12:00:00Z');

// TEST FIXTURE ONLY — not a real key (RSA 2048, `openssl genpkey -algorithm RSA`).
export const RSA_KEY = `-----BEGIN PRIVATE KEY-----
MIIEvAIBADANBgkqhkiG9w0BAQEFAASCBKYwggSiAgEAAoIBAQDMj7bxyxkqH+K2
/yeY5yFutaz2BCpjbBi1NirNFQNdeMhDWbv83QqWPWXduEFkDSb6xl/trAMnDHmB
jhGD58HKUCXmYMCC14ZUPyrKblZvUxfggzQircR2OvkwKOEUKvaTtdU6Y4CybfC/
CHjl1Er9qmsNjZ5NCrgTPnDHpY98iLZ5oYLiaLE/NOgl+Tv4Mf4qFYk7954onkOl
MWLQkKZl5uUxxq9oicery6cxXUCBiZE7XNhoOxC/qO3VQIO0Teg+YEJPTpb32YkW
qBJd2ld7r8e5frZOOQPjCkGAoY7GsTKjkNdkMIvREqjM95XD0cfA9oao4oR0srpt
qA45xB03AgMBAAECggEADmBRRU1L6kkjDU+sUD4k0YYvbtDHIS/2d+cj0JWX+XM6
G9BMJQ7B0OI6wlTR36le98Pbol/y5Bp9KuzkRTwTQ1fTpLe1qocMF+f35rx6EvPT
heyioYdLJdtU1PIiiLYmQyZFzdyIAxeKklpoPhASlHZBdMqNpAYgqVWQ5oRiVlLt
uJLAQ1yRcGW0/zkM6m4dfVsqZ1X/EbXvjLFnUDPkfIpTtYDIpNggCz/k9C4+TsPk
b8NJeeTOWNBt4zVImg3FO6l1q6Z50lIpS4lsXNaZlcXmPTmEiijxRqcisbwZ/xCF
mNqog/2pSB9AdwnS1DEjY9YQY5WeMNbtqQF+ZqVeBQKBgQD6UCnDrYft+Ut4hikh
KggZRvzDlMWru9/f0ATrIb2wG8LqphtdyfMxjLRG83ReG1bzTvm9ACtCYz3Oz7KU
sQoh7td3MUO+CQIVMXl7HIB13kiHGb425WwIioAOYK2trDHj0aNYxlYg0i0isFg2
hcuU34dYnobwap+8v7jUG31TWwKBgQDRNXTY42eT9zpU8I+rJu0G/1B6cRUm06mF
6miUKaEv+lXqDBmyJgQ+/E9Tfa3BX7rYfRTmTCKBVi2NoYHT0IaYfyEddvvEjhfn
CkxlwSdtOX8A8GVdt407seRvkV6CWvPYLbTpENeFlcVuDB4FtWWgwfykKW1xFxB9
YcwrX0FQVQKBgGwxUAwDKpjCw0tB+e8awstiMoi6+kHDf/22ZRnYyKuhJDvWNkfw
rUxCe/2a5zZx7MBX53w44XndeW61uYOpji6ilMExKw2tyRet/csnw6KuxHyYtO33
dh2u97C/OvKxVhMZntgVSk7/aYDv5gETDa64e0DjrIGoJIkp+VK82wu3AoGARcdh
sNGwg37Levc9xCVYm6Pe0OgU2P1yJpN3zCtScvE5ZLYif/QEKIn5X2yk3sGyTXDy
3pl4TNFUok/DQMXljsmgXvaHpRiLymj58FqLbvflb4e/F5IYTlfYTIodDreNa4Zb
N/2BFTJORpVOEjNdsU/il1KmCTlbK6bJ9ZFw9H0CgYBdeuYE0IyBv3a3hEGIexRW
7i6oOrSpDd96Nof7pF3ZdiyXt0bMn5moPvrc/O2l2qLfJUSgXmUm9qL3gxsTOGxC
3Os2MKwn7OWPjZzoscoCSj6gOVgSjCJXFXdBTekuIox2SU4P05W9aeCB2e5sdupT
tyc5UPozNGu0ziMsfmQBiQ==
-----END PRIVATE KEY-----
`;
// TEST FIXTURE ONLY — not a real key (Ed25519, `openssl genpkey -algorithm ed25519`).
export const ED25519_KEY = `-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEILe8h4j4tau43yGYH1EJNOIn666LLkk3tLbnRIIEQxsT
-----END PRIVATE KEY-----
`;

/** SubjectPublicKeyInfo DER of a private key. */
export function spkiOf(key: KeyObject): Buffer {
  return createPublicKey(key).export({ type: 'spki', format: 'der' });
}

/** A Signer over a fixed EC key (P-384 for `root`, P-256 otherwise). */
export function fixedSigner(id: FixedKeyId): Signer {
  const key = createPrivateKey(FIXED_KEYS[id]);
  const p384 = key.asymmetricKeyDetails?.namedCurve === 'secp384r1';
  const hash: HashAlgorithm = p384 ? 'sha384' : 'sha256';
  return {
    keyId: id,
    algorithm: p384 ? 'P-384' : 'P-256',
    hash,
    spki: spkiOf(key),
    sign: (data) => Promise.resolve(cryptoSign(hash, data, { key, dsaEncoding: 'der' })),
  };
}

/** A certificate with what is needed to issue below it. */
export interface Issued {
  der: Buffer;
  subject: Buffer;
  signer: Signer;
}

/** How to issue a fixture certificate. */
export interface IssueOptions {
  cn: string;
  key: FixedKeyId;
  /** The issuer; the certificate is self-signed when absent. */
  issuer?: Issued;
  /** CA with optional pathLenConstraint; an end entity when absent. */
  ca?: { pathLen?: number };
  /** Extra extensions, after the defaults. */
  extensions?: Extension[];
  /** Replace the default extensions entirely. */
  only?: Extension[];
  notBefore?: Date;
  notAfter?: Date;
  serial?: Buffer;
  /** Subject DER (default CN=cn). */
  subject?: Buffer;
}

let nextSerial = 0x1000;

function defaults(o: IssueOptions, spki: Buffer, issuerSpki: Buffer): Extension[] {
  const list: Extension[] = o.ca
    ? [ext.basicConstraints(true, o.ca.pathLen), ext.keyUsage(['keyCertSign', 'cRLSign'])]
    : [ext.keyUsage(['digitalSignature'])];
  list.push(ext.subjectKeyIdentifier(spki));
  if (o.issuer) list.push(ext.authorityKeyIdentifier(issuerSpki));
  return list;
}

/**
 * Issues a certificate with the project's certificate builder.
 *
 * @example
 * ```ts
 * const root = await issue({ cn: 'Root', key: 'root', ca: {} });
 * const leaf = await issue({ cn: 'leaf', key: 'citizen-a-sig', issuer: root });
 * ```
 */
export async function issue(o: IssueOptions): Promise<Issued> {
  const own = fixedSigner(o.key);
  const signer = o.issuer?.signer ?? own;
  const subject = o.subject ?? encodeName([{ type: OID.commonName, value: o.cn }]);
  const der = await signCertificate(
    {
      serial: o.serial ?? Buffer.from((nextSerial++).toString(16).padStart(4, '0'), 'hex'),
      issuer: o.issuer?.subject ?? subject,
      subject,
      notBefore: o.notBefore ?? NOT_BEFORE,
      notAfter: o.notAfter ?? NOT_AFTER,
      spki: own.spki,
      extensions: o.only ?? [...defaults(o, own.spki, signer.spki), ...(o.extensions ?? [])],
    },
    signer,
  );
  return { der, subject, signer: own };
}

/** A standard chain: root (P-384) → issuing CA → end entity. */
export async function standardChain(
  leafExtensions: Extension[] = [],
): Promise<{ root: Issued; ca: Issued; leaf: Issued }> {
  const root = await issue({ cn: 'Test Root', key: 'root', ca: {} });
  const ca = await issue({ cn: 'Test Issuing CA', key: 'eid-ca', ca: { pathLen: 0 }, issuer: root });
  const leaf = await issue({
    cn: 'Maria Santos',
    key: 'citizen-a-sig',
    issuer: ca,
    extensions: leafExtensions,
  });
  return { root, ca, leaf };
}

/** GeneralName encoders (RFC 5280 §4.2.1.6). */
export const gn = {
  dns: (s: string): Buffer => tlv(0x82, Buffer.from(s, 'latin1')),
  email: (s: string): Buffer => tlv(0x81, Buffer.from(s, 'latin1')),
  uri: (s: string): Buffer => tlv(0x86, Buffer.from(s, 'latin1')),
  ip: (bytes: number[]): Buffer => tlv(0x87, Buffer.from(bytes)),
  dir: (nameDer: Buffer): Buffer => tlv(0xa4, nameDer),
  other: (typeOid: string): Buffer =>
    tlv(0xa0, Buffer.concat([oid(typeOid), explicit(0, tlv(0x0c, Buffer.from('x')))])),
};

/** Extensions the project's builder has no helper for. */
export const xt = {
  san(names: Buffer[], critical = false): Extension {
    return { oid: '2.5.29.17', critical, value: seq(...names) };
  },
  nameConstraints(c: { permitted?: Buffer[]; excluded?: Buffer[] }, critical = true): Extension {
    const subtrees = (names: Buffer[]): Buffer => Buffer.concat(names.map((n) => seq(n)));
    return {
      oid: '2.5.29.30',
      critical,
      value: seq(
        c.permitted ? implicitConstructed(0, subtrees(c.permitted)) : undefined,
        c.excluded ? implicitConstructed(1, subtrees(c.excluded)) : undefined,
      ),
    };
  },
  policyConstraints(c: { requireExplicitPolicy?: number; inhibitPolicyMapping?: number }): Extension {
    const field = (tag: number, v: number | undefined): Buffer | undefined =>
      v === undefined ? undefined : tlv(tag, integer(v).subarray(2));
    return {
      oid: '2.5.29.36',
      critical: true,
      value: seq(field(0x80, c.requireExplicitPolicy), field(0x81, c.inhibitPolicyMapping)),
    };
  },
  policyMappings(pairs: [string, string][]): Extension {
    return { oid: '2.5.29.33', critical: true, value: seq(...pairs.map(([i, s]) => seq(oid(i), oid(s)))) };
  },
  inhibitAnyPolicy(skip: number): Extension {
    return { oid: '2.5.29.54', critical: true, value: integer(skip) };
  },
  unknownCritical(): Extension {
    return { oid: '1.3.6.1.4.1.55738.666.1', critical: true, value: Buffer.from([0x05, 0x00]) };
  },
  crlDistributionPoint(url: string): Extension {
    return ext.crlDistributionPoint(url);
  },
};

/** A name with one CN. */
export function cnName(cn: string): Buffer {
  return encodeName([{ type: OID.commonName, value: cn }]);
}

/** A CRL from `ca` revoking `entries`, valid around {@link NOW}. */
export async function crlOf(
  ca: Issued,
  entries: CrlEntry[] = [],
  nextUpdate = new Date('2026-07-01T00:00:00Z'),
): Promise<Buffer> {
  return buildCrl({
    issuerDer: ca.subject,
    issuerSpki: ca.signer.spki,
    signer: ca.signer,
    crlNumber: 1,
    thisUpdate: new Date('2026-05-01T00:00:00Z'),
    nextUpdate,
    entries,
  });
}

/** The parts of a raw TBSCertificate. */
export interface RawTemplate {
  version?: number;
  /** Content octets of the serialNumber INTEGER, as they are (two's complement). */
  serial?: Buffer;
  algorithm: Buffer;
  outerAlgorithm?: Buffer;
  issuer: Buffer;
  subject: Buffer;
  spki: Buffer;
  extensions?: Extension[];
  notBefore?: Date;
  notAfter?: Date;
}

/**
 * Builds a certificate from raw parts and signs it with `sign`: for algorithms and faults the
 * project's builder does not produce.
 */
export function rawCertificate(t: RawTemplate, signTbs: (tbs: Buffer) => Buffer): Buffer {
  const tbs = seq(
    t.version === 1 ? undefined : explicit(0, integer((t.version ?? 3) - 1)),
    tlv(0x02, t.serial ?? Buffer.from([0x7f, 0x01])), // raw content octets: may be negative
    t.algorithm,
    t.issuer,
    seq(time(t.notBefore ?? NOT_BEFORE), time(t.notAfter ?? NOT_AFTER)),
    t.subject,
    t.spki,
    t.extensions ? explicit(3, seq(...t.extensions.map(encodeExtension))) : undefined,
  );
  return seq(tbs, t.outerAlgorithm ?? t.algorithm, bitString(signTbs(tbs)));
}

/** Key identifier extensions linking a raw certificate to its issuer's key. */
export function keyIdExtensions(spki: Buffer, issuerSpki: Buffer): Extension[] {
  return [
    { oid: OID.subjectKeyIdentifier, critical: false, value: octets(keyIdentifier(spki)) },
    { oid: OID.authorityKeyIdentifier, critical: false, value: seq(tlv(0x80, keyIdentifier(issuerSpki))) },
  ];
}

export { boolean, oid, seq, tlv };

/** A fetcher answering from the node's own OCSP responder and CRLs; `down` makes it fail. */
export function nodeFetcher(f: SigningFixture, down = false): RevocationFetcher & { calls: string[] } {
  const ocsp = ocspServiceOf(f.node);
  const calls: string[] = [];
  return {
    calls,
    async ocsp(url, requestDer) {
      calls.push(`ocsp ${url}`);
      if (down) throw new Error('connect ECONNREFUSED');
      return (await ocsp.respond(requestDer)).der;
    },
    async crl(url) {
      calls.push(`crl ${url}`);
      if (down) throw new Error('connect ECONNREFUSED');
      const crl = await latestCrl(f.node.store, url.includes('root') ? 'root' : 'eid-ca');
      if (!crl) throw new Error('no CRL');
      return crl.der;
    },
  };
}

function attribute(a: CmsAttribute): Buffer {
  return DER.seq(DER.oid(a.type), DER.setOf(...a.values));
}

/** What {@link handMadeCms} signs with. */
export interface HandMade {
  content: Buffer;
  certificate: Buffer;
  chain: Buffer[];
  key: KeyObject;
  digest: 'sha1' | 'sha256';
  /** Extra signed attributes (a content time-stamp). */
  signed?: CmsAttribute[];
}

const ECDSA_OID = { sha1: '1.2.840.10045.4.1', sha256: '1.2.840.10045.4.3.2' };
const DIGEST_OID = { sha1: '1.3.14.3.2.26', sha256: '2.16.840.1.101.3.4.2.1' };

/** An attached CAdES B-B built by hand (RFC 5652 §5), so that tests can pick any algorithm. */
export function handMadeCms(h: HandMade): Buffer {
  const digest = createHash(h.digest).update(h.content).digest();
  const attrs = [
    contentTypeAttribute(CMS_OID.data),
    messageDigestAttribute(digest),
    signingCertificateV2Attribute(h.certificate),
    ...(h.signed ?? []),
  ].map(attribute);
  const signedAttrs = DER.setOf(...attrs);
  const signature = cryptoSign(h.digest, signedAttrs, { key: h.key, dsaEncoding: 'der' });
  const { issuerDer, serialDer } = issuerAndSerialOf(h.certificate);
  const signerInfo = DER.seq(
    DER.integer(1),
    DER.seq(issuerDer, serialDer),
    algorithmIdentifier(DIGEST_OID[h.digest]),
    DER.implicitConstructed(
      0,
      signedAttrs.subarray(signedAttrs[1]! & 0x80 ? 2 + (signedAttrs[1]! & 0x7f) : 2),
    ),
    algorithmIdentifier(ECDSA_OID[h.digest]),
    DER.octets(signature),
  );
  const signedData = DER.seq(
    DER.integer(1),
    DER.setOf(algorithmIdentifier(DIGEST_OID[h.digest])),
    DER.seq(DER.oid(CMS_OID.data), DER.explicit(0, DER.octets(h.content))),
    DER.implicitConstructed(0, Buffer.concat([h.certificate, ...h.chain])),
    DER.setOf(signerInfo),
  );
  return DER.seq(DER.oid(CMS_OID.signedData), DER.explicit(0, signedData));
}

/** A content-time-stamp attribute (EN 319 122-1 §5.2.8) over `content` from the fixture's TSA. */
export async function contentTimestamp(f: SigningFixture, content: Buffer): Promise<CmsAttribute> {
  const digest = createHash('sha256').update(content).digest();
  const token = await requestTimeStamp(f.endpoint.url, digest, 'sha256', f.endpoint.transport);
  return { type: '1.2.840.113549.1.9.16.2.20', values: [token] };
}

/** Validates a CMS with the fixture's root as the only trust anchor; returns the one signature's report. */
export async function validateCms(
  f: SigningFixture,
  cms: Buffer,
  options: Partial<ValidationOptions> = {},
): Promise<SignatureReport> {
  const report = await validateDocument(bufferSource(cms), {
    anchors: [f.node.root.certificate.der],
    time: f.node.clock(),
    fetcher: nodeFetcher(f),
    ...options,
  });
  return report.signatures[0]!;
}

/** Asserts that `fn` throws a PathValidationError with `code` and a message matching `message`. */
export function assertPathError(
  fn: () => unknown,
  code: PathValidationCode,
  message?: RegExp,
): PathValidationError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof PathValidationError, `expected a PathValidationError, got ${String(caught)}`);
  assert.equal(caught.pathCode, code, caught.message);
  assert.equal(caught.code as string, code);
  if (message) assert.match(caught.message, message);
  return caught;
}
