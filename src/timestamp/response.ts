/** TimeStampResp and PKIStatusInfo (RFC 3161 §2.4.2): written by the TSA, read by the client. */
import * as DER from '../lib/der.js';
import { fail, slice, topElement } from '../lib/der_reader.js';
import { cursor, smallIntAt } from '../lib/der_cursor.js';
import { TimestampError } from './errors.js';
import { FAIL_INFO, PKI_STATUS } from './tsp.js';
import type { FailInfo } from './tsp.js';

/** A TimeStampResp as read by the client; `token` is the exact TimeStampToken DER. */
export interface TimeStampRespInfo {
  status: number;
  statusName: string;
  statusText: string[];
  failInfo: FailInfo[];
  token?: Buffer;
}

/** PKIStatusInfo DER: the status, an optional statusString of one UTF8String, an optional failInfo bit. */
export function encodeStatusInfo(status: number, failInfo?: FailInfo, text?: string): Buffer {
  return DER.seq(
    DER.integer(status),
    text === undefined ? undefined : DER.seq(DER.utf8(text)),
    failInfo === undefined ? undefined : DER.namedBits([FAIL_INFO[failInfo]]),
  );
}

/** TimeStampResp DER from a PKIStatusInfo and, when granted, the token. */
export function encodeTimeStampResp(statusInfo: Buffer, token?: Buffer): Buffer {
  return DER.seq(statusInfo, token);
}

function failInfoOf(bits: Buffer): FailInfo[] {
  if (bits.length === 0 || bits[0]! > 7) fail('bad failInfo BIT STRING');
  const set = (n: number): boolean => ((bits[1 + (n >> 3)] ?? 0) & (0x80 >> (n & 7))) !== 0;
  return (Object.keys(FAIL_INFO) as FailInfo[]).filter((k) => set(FAIL_INFO[k]));
}

/**
 * Reads a TimeStampResp (RFC 3161 §2.4.2): status, statusString, failInfo names and the exact token.
 *
 * @param input - the body of an `application/timestamp-reply`
 * @throws TimestampError 'TSP_RESPONSE_MALFORMED' for anything that is not one
 * @example
 * ```ts
 * const { statusName, failInfo, token } = parseTimeStampResp(body);
 * ```
 */
export function parseTimeStampResp(input: Uint8Array): TimeStampRespInfo {
  try {
    const der = Buffer.from(input);
    const c = cursor(der, topElement(der, 0x30, 'TimeStampResp'));
    const s = cursor(der, c.take(0x30, 'PKIStatusInfo'));
    const token = c.optional(0x30);
    c.end('TimeStampResp');
    const status = smallIntAt(der, s.take(0x02, 'status'));
    const text = s.optional(0x30);
    const bits = s.optional(0x03);
    s.end('PKIStatusInfo');
    const statusText = text ? cursor(der, text) : undefined;
    const strings: string[] = [];
    for (let el = statusText?.optional(0x0c); el; el = statusText?.optional(0x0c))
      strings.push(der.subarray(el.start, el.end).toString('utf8'));
    statusText?.end('statusString');
    return {
      status,
      statusName: PKI_STATUS[status] ?? `status ${status}`,
      statusText: strings,
      failInfo: bits ? failInfoOf(der.subarray(bits.start, bits.end)) : [],
      ...(token ? { token: slice(der, token) } : {}),
    };
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    throw new TimestampError('TSP_RESPONSE_MALFORMED', `not an RFC 3161 TimeStampResp: ${detail}`, {
      cause: e,
    });
  }
}
