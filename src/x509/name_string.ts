/**
 * The RFC 4514-style text of a Name, for display, storage and reports. It reads the Name DER
 * directly (not the comparison model of `name.ts`), so that any Name a certificate carries can be
 * shown, including values that name comparison would refuse.
 */
import { readHeader } from '../lib/der.js';
import { decodeOid } from '../lib/der_values.js';
import { PkiError } from '../lib/errors.js';

const SHORT_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.42': 'GN',
  '2.5.4.97': 'organizationIdentifier',
};

/** Text of a DirectoryString / IA5String / PrintableString value by its tag (X.520). */
function decodeString(tag: number, v: Buffer): string {
  switch (tag) {
    case 0x0c:
      return v.toString('utf8');
    case 0x13:
    case 0x16:
    case 0x14:
      return v.toString('latin1');
    case 0x1e:
      return Buffer.from(v).swap16().toString('utf16le');
    default:
      return `#${v.toString('hex')}`;
  }
}

function escapeRdn(v: string): string {
  return v.replace(/([,+"\\<>;])/g, '\\$1');
}

/**
 * Renders a Name DER as `CN=…, C=…` (most specific first, RFC 4514 order).
 *
 * @param nameDer - DER of a Name
 * @throws PkiError PKI_CERT_MALFORMED when the DER is not a Name
 * @example
 * ```ts
 * nameToString(info.subjectDer); // 'CN=PH eID Issuing CA, O=…, C=PH'
 * ```
 */
export function nameToString(nameDer: Uint8Array): string {
  try {
    const der = Buffer.from(nameDer);
    const name = readHeader(der, 0);
    const rdns: string[] = [];
    for (let p = name.start; p < name.end;) {
      const set = readHeader(der, p);
      const parts: string[] = [];
      for (let q = set.start; q < set.end;) {
        const atv = readHeader(der, q);
        const type = readHeader(der, atv.start);
        const value = readHeader(der, type.end);
        const oid = decodeOid(der.subarray(type.start, type.end));
        parts.push(
          `${SHORT_NAMES[oid] ?? oid}=${escapeRdn(decodeString(value.tag, der.subarray(value.start, value.end)))}`,
        );
        q = atv.end;
      }
      rdns.push(parts.join('+'));
      p = set.end;
    }
    return rdns.reverse().join(', ');
  } catch (e) {
    if (e instanceof PkiError) throw e;
    throw new PkiError('PKI_CERT_MALFORMED', `malformed certificate: bad Name: ${(e as Error).message}`);
  }
}
