/**
 * Shared set-up of the validation-process tests: a fixed-key node with citizen A, an in-process
 * revocation fetcher (the node's OCSP responder and CRLs), and a hand-made CMS builder for the
 * signatures `signCades` refuses to make (SHA-1, a content time-stamp, a wrong key).
 */
import { createHash, sign as cryptoSign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import * as DER from '../../src/lib/der.js';
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
