/** TSTInfo (RFC 3161 §2.4.2), the content a time-stamp token signs. */
import * as DER from '../lib/der.js';
import { fail, topElement } from '../lib/der_reader.js';
import type { DerElement } from '../lib/der_reader.js';
import { cursor, integerAt, oidAt, serialHex, smallIntAt } from '../lib/der_cursor.js';
import { bigintOf, generalizedTimeAt, generalizedTimeMs, messageImprintAt } from './tsp.js';
import type { MessageImprint } from './tsp.js';

/** Accuracy of genTime (RFC 3161 §2.4.2): absent fields are 0. */
export interface Accuracy {
  seconds: number;
  millis: number;
  micros: number;
}

/**
 * A TSTInfo: `serialNumber` in lower-case hex, `tsaName` the DER of the GeneralName if present, and
 * whether extensions are present.
 */
export interface TstInfo {
  version: number;
  policy: string;
  messageImprint: MessageImprint;
  serialNumber: string;
  genTime: Date;
  accuracy?: Accuracy;
  ordering: boolean;
  nonce?: bigint;
  tsaName?: Buffer;
  hasExtensions: boolean;
}

/** What the TSA puts in a TSTInfo: exact DER of the echoed MessageImprint and nonce, serial INTEGER DER. */
export interface TstInfoFields {
  policy: string;
  imprintDer: Buffer;
  serialDer: Buffer;
  genTime: Date;
  accuracyMs: number;
  nonceDer?: Buffer;
}

function encodeAccuracy(ms: number): Buffer | undefined {
  if (ms <= 0) return undefined;
  const seconds = Math.floor(ms / 1000);
  const millis = ms % 1000;
  const millisDer = DER.integer(millis);
  return DER.seq(
    seconds > 0 ? DER.integer(seconds) : undefined,
    millis > 0 ? DER.implicitPrimitive(0, millisDer.subarray(2)) : undefined,
  );
}

/**
 * TSTInfo DER: version 1, policy, messageImprint, serialNumber, genTime (with a milliseconds
 * fraction when the accuracy is under a second, else to the second), accuracy, nonce; ordering
 * (FALSE, its DEFAULT), tsa and extensions are left out.
 */
export function encodeTstInfo(f: TstInfoFields): Buffer {
  const genTime = new Date(
    f.accuracyMs < 1000 ? f.genTime.getTime() : Math.floor(f.genTime.getTime() / 1000) * 1000,
  );
  return DER.seq(
    DER.integer(1),
    DER.oid(f.policy),
    f.imprintDer,
    f.serialDer,
    generalizedTimeMs(genTime, f.accuracyMs < 1000),
    encodeAccuracy(f.accuracyMs),
    f.nonceDer,
  );
}

function accuracyAt(der: Buffer, el: DerElement): Accuracy {
  const c = cursor(der, el);
  const value = (e: DerElement | undefined): number => {
    if (e === undefined) return 0;
    if (e.length === 0 || e.length > 4 || (der[e.start]! & 0x80) !== 0) fail('bad Accuracy value');
    return Number(bigintOf(der.subarray(e.start, e.end)));
  };
  const seconds = value(c.optional(0x02));
  const millis = value(c.optional(0x80));
  const micros = value(c.optional(0x81));
  c.end('Accuracy');
  if (millis > 999 || micros > 999) fail('Accuracy millis and micros are 0 to 999');
  return { seconds, millis, micros };
}

/** Reads a TSTInfo; throws (DerSyntaxError, RangeError) on anything that is not one. */
export function parseTstInfo(der: Buffer): TstInfo {
  const c = cursor(der, topElement(der, 0x30, 'TSTInfo'));
  const version = smallIntAt(der, c.take(0x02, 'version'));
  const policy = oidAt(der, c.take(0x06, 'policy'));
  const { hash, hashOid, digest, raw } = messageImprintAt(der, c.take(0x30, 'messageImprint'));
  const serialNumber = serialHex(integerAt(der, c.take(0x02, 'serialNumber')));
  const genTime = generalizedTimeAt(der, c.take(0x18, 'genTime'));
  const accuracy = c.optional(0x30);
  const ordering = c.optional(0x01);
  const nonce = c.optional(0x02);
  const tsa = c.optional(0xa0);
  const extensions = c.optional(0xa1);
  c.end('TSTInfo');
  if (ordering && ordering.length !== 1) fail('bad ordering BOOLEAN');
  return {
    version,
    policy,
    messageImprint: { hash, hashOid, digest, raw },
    serialNumber,
    genTime,
    ...(accuracy ? { accuracy: accuracyAt(der, accuracy) } : {}),
    ordering: ordering !== undefined && der[ordering.start] !== 0,
    ...(nonce ? { nonce: bigintOf(integerAt(der, nonce)) } : {}),
    ...(tsa ? { tsaName: der.subarray(tsa.start, tsa.end) } : {}),
    hasExtensions: extensions !== undefined,
  };
}
