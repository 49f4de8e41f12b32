/** TimeStampReq (RFC 3161 §2.4.1): written by the client, read by the TSA. */
import * as DER from '../lib/der.js';
import { fail, slice, topElement } from '../lib/der_reader.js';
import type { HashAlgorithm } from '../pki/key_store.js';
import { cursor, integerAt, oidAt } from '../lib/der_cursor.js';
import { bigintAt, encodeMessageImprint, messageImprintAt } from './tsp.js';
import type { MessageImprint } from './tsp.js';

/** Fields of a TimeStampReq to write. */
export interface TimeStampReqFields {
  hash: HashAlgorithm;
  digest: Uint8Array;
  policy?: string;
  nonce?: bigint;
  certReq: boolean;
}

/**
 * A TimeStampReq as read by the TSA: the version, the message imprint (with `paramsOk` false when
 * its AlgorithmIdentifier has parameters other than NULL), the policy, the nonce INTEGER's exact
 * DER (echoed in the token), certReq, and whether extensions were sent.
 */
export interface TimeStampReqInfo {
  version: bigint;
  imprint: MessageImprint & { paramsOk: boolean };
  policy?: string;
  nonce?: Buffer;
  certReq: boolean;
  hasExtensions: boolean;
}

/** TimeStampReq DER: version 1, messageImprint, reqPolicy, nonce, certReq (left out when false, its DEFAULT). */
export function encodeTimeStampReq(f: TimeStampReqFields): Buffer {
  return DER.seq(
    DER.integer(1),
    encodeMessageImprint(f.hash, f.digest),
    f.policy === undefined ? undefined : DER.oid(f.policy),
    f.nonce === undefined ? undefined : DER.integer(f.nonce),
    f.certReq ? DER.boolean(true) : undefined,
  );
}

/** Reads a TimeStampReq; throws (DerSyntaxError, RangeError) on anything that is not one. */
export function parseTimeStampReq(input: Uint8Array): TimeStampReqInfo {
  const der = Buffer.from(input);
  const c = cursor(der, topElement(der, 0x30, 'TimeStampReq'));
  const version = bigintAt(der, c.take(0x02, 'version'));
  const imprint = messageImprintAt(der, c.take(0x30, 'messageImprint'));
  const policy = c.optional(0x06);
  const nonce = c.optional(0x02);
  const certReq = c.optional(0x01);
  const extensions = c.optional(0xa0);
  c.end('TimeStampReq');
  if (certReq && certReq.length !== 1) fail('bad certReq BOOLEAN');
  if (nonce) integerAt(der, nonce);
  return {
    version,
    imprint,
    ...(policy ? { policy: oidAt(der, policy) } : {}),
    ...(nonce ? { nonce: slice(der, nonce) } : {}),
    certReq: certReq !== undefined && der[certReq.start] !== 0,
    hasExtensions: extensions !== undefined,
  };
}
