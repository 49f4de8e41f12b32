/**
 * The fixed PKI of the trust-store tests: a LOTL signer, two TL signers (PH, VN), a CA per
 * member listed as CA/QC, and a qualified signature certificate under each CA.
 */
import { ext } from '../../../src/pki/certificate_builder.js';
import { decodeCertificate } from '../../../src/x509/certificate.js';
import type { Certificate } from '../../../src/x509/certificate.js';
import { issue } from '../../validation/fixtures.js';
import type { Issued } from '../../validation/fixtures.js';
import { listSigner } from './tl_builder.js';

/** Everything the tests sign and list. */
export interface TrustPki {
  lotlSigner: Issued;
  phSigner: Issued;
  vnSigner: Issued;
  /** A certificate nobody pinned. */
  rogue: Issued;
  phCa: Issued;
  vnCa: Issued;
  phLeaf: Issued;
  vnLeaf: Issued;
}

/** QCP-n (EN 319 411-2). */
export const QCP_N = '0.4.0.194112.1.0';

async function leaf(cn: string, issuer: Issued, key: 'citizen-a-sig' | 'citizen-b-sig'): Promise<Issued> {
  return issue({
    cn,
    key,
    issuer,
    only: [
      ext.keyUsage(['nonRepudiation']),
      ext.certificatePolicies([{ oid: QCP_N }]),
      ext.qcStatements({ compliance: true, esign: true }),
    ],
  });
}

/** Builds the fixture PKI (fixed keys; certificates valid 2026-01-01 to 2031-01-01). */
export async function trustPki(): Promise<TrustPki> {
  const phCa = await issue({ cn: 'PH eID CA', key: 'eid-ca', ca: {} });
  const vnCa = await issue({ cn: 'VN eID CA', key: 'foreign-ca', ca: {} });
  return {
    lotlSigner: await listSigner('Region LOTL signer', 'root'),
    phSigner: await listSigner('PH TL signer', 'citizen-b-auth'),
    vnSigner: await listSigner('VN TL signer', 'citizen-c-auth'),
    rogue: await listSigner('Rogue signer', 'citizen-c-sig'),
    phCa,
    vnCa,
    phLeaf: await leaf('Maria Santos', phCa, 'citizen-a-sig'),
    vnLeaf: await leaf('Nguyen Van A', vnCa, 'citizen-b-sig'),
  };
}

/** The decoded path leaf → CA, as the validator hands it to the store. */
export function pathOf(leafCert: Issued, ca: Issued): Certificate[] {
  return [decodeCertificate(leafCert.der), decodeCertificate(ca.der)];
}
