/**
 * Signs a list (ETSI TS 119 612 clause 5.7.1): one XAdES B-B enveloped signature over the whole
 * document (reference URI "" with the enveloped-signature and exclusive C14N transforms), the
 * signer's certificate in ds:KeyInfo, SigningTime equal to ListIssueDateTime.
 */
import { createHash } from 'node:crypto';
import type { Signer } from '../../pki/key_store.js';
import { signXmlEnveloped } from '../../signature/xades/sign.js';

/** The list-signing key and its certificate. */
export interface ListSigner {
  signer: Signer;
  /** The TL/LOTL signing certificate (DER), put in ds:KeyInfo. */
  certificate: Buffer;
}

/**
 * Signs an unsigned list. The signature Id is derived from the list bytes, so the same list
 * always gets the same identifiers (only the ECDSA value differs).
 *
 * @param unsigned - the XML from {@link buildTsl}
 * @param signer - key and certificate
 * @param signingTime - the list's issue time
 * @returns the signed list, UTF-8
 * @example
 * ```ts
 * const signed = await signTsl(buildTsl(doc), { signer, certificate }, doc.scheme.issued);
 * ```
 */
export async function signTsl(unsigned: string, signer: ListSigner, signingTime: Date): Promise<Buffer> {
  const id = `sig-${createHash('sha256').update(unsigned).digest('hex').slice(0, 32)}`;
  return signXmlEnveloped(unsigned, {
    signer: signer.signer,
    certificate: signer.certificate,
    signingTime,
    signatureId: id,
    mimeType: 'text/xml',
  });
}
