/**
 * The signing set-up of the validation benchmark: a freshly initialised node (root, eID CA, OCSP
 * responder, TSA, first CRLs) with one enrolled citizen whose P-256 signature key the benchmark
 * holds, an in-process TSA and a revocation fetcher answering from the node's own OCSP responder
 * and CRLs. The signer's chain is three certificates: citizen, eID CA, root.
 */
import { createPublicKey, generateKeyPairSync, sign as cryptoSign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { enrolPerson } from '../src/eid/issuance.js';
import type { NodeContext } from '../src/node/context.js';
import { latestCrl } from '../src/eid/crl_publisher.js';
import { eidContextOf } from '../src/node/eid_context.js';
import { ocspServiceOf } from '../src/node/ocsp_service.js';
import { OID } from '../src/pki/algorithms.js';
import { createCsr } from '../src/pki/csr.js';
import type { Signer } from '../src/pki/key_store.js';
import type { TsaEndpoint } from '../src/signature/cades/sign.js';
import { keyObjectSigner } from '../src/signature/key_signer.js';
import type { RevocationFetcher } from '../src/signature/revocation_fetcher.js';
import { TimeStampAuthority } from '../src/timestamp/tsa.js';
import { setUpNode } from './issuance.js';

/** A node, a citizen able to sign, a TSA and a counting revocation fetcher. */
export interface ValidationFixture {
  node: NodeContext;
  signer: Signer;
  /** The citizen's signature certificate (DER). */
  certificate: Buffer;
  /** eID CA, then root (DER). */
  chain: Buffer[];
  /** The trust anchor: the root certificate (DER). */
  root: Buffer;
  tsa: TsaEndpoint;
  /** Answers from the node's OCSP responder and CRLs; `calls` counts the requests. */
  fetcher: RevocationFetcher & { calls: number };
  close: () => Promise<void>;
}

function csrOf(key: KeyObject, cn: string): Promise<Buffer> {
  const spki = createPublicKey(key).export({ type: 'spki', format: 'der' });
  return createCsr([{ type: OID.commonName, value: cn }], spki, 'sha256', (d) =>
    cryptoSign('sha256', d, { key, dsaEncoding: 'der' }),
  );
}

/** The node's OCSP responder and CRLs as a {@link RevocationFetcher}, counting requests. */
function nodeFetcher(node: NodeContext): RevocationFetcher & { calls: number } {
  const ocsp = ocspServiceOf(node);
  const f = {
    calls: 0,
    async ocsp(_url: string, requestDer: Buffer): Promise<Buffer> {
      f.calls++;
      return (await ocsp.respond(requestDer)).der;
    },
    async crl(url: string): Promise<Buffer> {
      f.calls++;
      const crl = await latestCrl(node.store, url.includes('/root') ? 'root' : 'eid-ca');
      if (!crl) throw new Error(`no CRL for ${url}`);
      return crl.der;
    },
  };
  return f;
}

/**
 * Initialises a node in a temp dir, enrols one citizen with a fresh P-256 signature key.
 *
 * @example
 * ```ts
 * const f = await setUpValidationFixture();
 * try { await signCades({ signer: f.signer, ... }) } finally { await f.close() }
 * ```
 */
export async function setUpValidationFixture(): Promise<ValidationFixture> {
  const bn = await setUpNode('validation', 0);
  try {
    const { node } = bn;
    const fresh = (): KeyObject => generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
    const signatureKey = fresh();
    const issued = await enrolPerson(
      eidContextOf(node),
      {
        givenNames: 'Maria Clara',
        familyName: 'Santos',
        birthDate: '1990-05-17',
        placeOfBirth: 'Manila',
        sex: 'F',
      },
      {
        authentication: await csrOf(fresh(), 'eID authentication key'),
        signature: await csrOf(signatureKey, 'eID signature key'),
      },
      'bench',
    );
    const authority = new TimeStampAuthority({
      signer: node.tsa.signer,
      certificate: node.tsa.certificate.der,
      chain: [node.root.certificate.der],
      clock: node.clock,
    });
    return {
      node,
      signer: keyObjectSigner(signatureKey),
      certificate: issued.certificates.signature.der,
      chain: [node.eidCa.certificate.der, node.root.certificate.der],
      root: node.root.certificate.der,
      tsa: {
        url: `${node.identity.baseUrl}/tsa`,
        transport: async (_url, body) => ({
          status: 200,
          body: await authority.respond(body),
          contentType: 'application/timestamp-reply',
        }),
      },
      fetcher: nodeFetcher(node),
      close: bn.close,
    };
  } catch (e) {
    await bn.close();
    throw e;
  }
}
