/** Shared set-up of the PAdES tests: the signing fixture, an in-process revocation fetcher, signing shorthands. */
import { latestCrl } from '../../../src/eid/crl_publisher.js';
import { ocspServiceOf } from '../../../src/node/ocsp_service.js';
import type { RevocationFetcher } from '../../../src/signature/revocation_fetcher.js';
import { signPades } from '../../../src/signature/pades/sign.js';
import type { PadesLevel, PadesSignParams } from '../../../src/signature/pades/sign.js';
import { extractPades } from '../../../src/signature/pades/extract.js';
import type { ExtractedSignature } from '../../../src/signature/model.js';
import { bufferSource } from '../../../src/lib/document_source.js';
import { FIXED_NOW } from '../../fixtures/node.js';
import type { SigningFixture } from '../fixtures.js';

/** A fetcher answering from the test node's OCSP service and CRL store, recording the URLs. */
export function inProcessFetcher(f: SigningFixture, calls: string[] = []): RevocationFetcher {
  const ocsp = ocspServiceOf(f.node);
  return {
    async ocsp(url, requestDer) {
      calls.push(url);
      return (await ocsp.respond(requestDer)).der;
    },
    async crl(url) {
      calls.push(url);
      return (await latestCrl(f.node.store, url.includes('root') ? 'root' : 'eid-ca'))!.der;
    },
  };
}

/** Signs `pdf` with citizen A at `level` on the fixed clock. */
export function signAt(
  f: SigningFixture,
  pdf: Buffer,
  level: PadesLevel,
  extra: Partial<PadesSignParams> = {},
): Promise<Buffer> {
  return signPades({
    pdf,
    signer: f.signer,
    signerCertificate: f.certificate,
    chain: f.chain,
    signingTime: FIXED_NOW,
    level,
    tsa: f.endpoint,
    fetcher: inProcessFetcher(f),
    revocationAt: f.node.clock(),
    ...extra,
  });
}

/** The signatures the extractor finds in `pdf`. */
export function extract(pdf: Buffer): Promise<ExtractedSignature[]> {
  return extractPades(bufferSource(pdf), {});
}
