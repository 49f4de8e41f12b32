import { createHash } from 'node:crypto';
import * as DER from '../../src/lib/der.js';
import { CMS_OID } from '../../src/pki/cms_signed_data.js';
import type { HashAlgorithm } from '../../src/pki/key_store.js';
import { parseTimeStampResp } from '../../src/timestamp/response.js';
import type { TimeStampRespInfo } from '../../src/timestamp/response.js';
import { TimeStampAuthority } from '../../src/timestamp/tsa.js';
import type { TimeStampAuthorityOptions } from '../../src/timestamp/tsa.js';
import type { TestNode } from '../fixtures/node.js';

/** The document the tests time-stamp. */
export const DATA = Buffer.from('Memorandum of Understanding between the PH and VN digital agencies\n');

/** Digest of `data` with `hash`. */
export function digestOf(data: Uint8Array, hash: HashAlgorithm = 'sha256'): Buffer {
  return createHash(hash).update(data).digest();
}

/** A TSA on the test node's TSA key and certificate, with the root as chain. */
export function tsaOf(node: TestNode, options: Partial<TimeStampAuthorityOptions> = {}): TimeStampAuthority {
  return new TimeStampAuthority({
    signer: node.tsa.signer,
    certificate: node.tsa.certificate.der,
    chain: [node.root.certificate.der],
    clock: node.clock,
    ...options,
  });
}

/** Fields of a hand-made TimeStampReq, any of which may be wrong on purpose. */
export interface RawRequest {
  version?: number;
  hashOid?: string;
  hashParams?: Buffer;
  digest?: Buffer;
  policy?: string;
  nonce?: bigint;
  /** The nonce's whole DER, as is (to send a non-minimal INTEGER). */
  nonceDer?: Buffer;
  certReq?: boolean;
  extensions?: Buffer;
}

/** A TimeStampReq written field by field (defaults: v1, SHA-256 of DATA, nonce 42, certReq). */
export function rawRequest(r: RawRequest = {}): Buffer {
  return DER.seq(
    DER.integer(r.version ?? 1),
    DER.seq(
      DER.seq(DER.oid(r.hashOid ?? CMS_OID.sha256), r.hashParams),
      DER.octets(r.digest ?? digestOf(DATA)),
    ),
    r.policy === undefined ? undefined : DER.oid(r.policy),
    r.nonceDer ?? DER.integer(r.nonce ?? 42n),
    r.certReq === false ? undefined : DER.boolean(true),
    r.extensions === undefined ? undefined : DER.explicit(0, r.extensions),
  );
}

/** Answers `request` with `tsa` and parses the TimeStampResp. */
export async function ask(tsa: TimeStampAuthority, request: Uint8Array): Promise<TimeStampRespInfo> {
  return parseTimeStampResp(await tsa.respond(request));
}

/** A seeded PRNG (mulberry32): integers in [0, n). */
export function prng(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}
