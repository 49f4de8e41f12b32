import { readHeader } from '../lib/der.js';
import { PkiError } from '../lib/errors.js';
import { pemOrDer } from '../lib/pem.js';

/** What the node needs to know of a certificate, with the exact DER of its parts. */
export interface CertificateInfo {
  der: Buffer;
  /** Serial number, lower-case hex of the positive INTEGER value. */
  serial: string;
  /** Exact DER of the issuer Name. */
  issuerDer: Buffer;
  /** Exact DER of the subject Name. */
  subjectDer: Buffer;
  /** Exact DER of the SubjectPublicKeyInfo. */
  spki: Buffer;
  notBefore: Date;
  notAfter: Date;
  /** RFC 4514-style rendering of the subject, for display and storage. */
  subject: string;
}

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

function malformed(what: string): never {
  throw new PkiError('PKI_CERT_MALFORMED', `malformed certificate: ${what}`);
}

/** Dotted form of an OBJECT IDENTIFIER's content octets. */
export function decodeOid(v: Uint8Array): string {
  if (v.length === 0) malformed('empty OID');
  const arcs: number[] = [];
  let acc = 0;
  for (const b of v) {
    acc = acc * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      arcs.push(acc);
      acc = 0;
    }
  }
  const first = arcs.shift()!;
  const head = first < 80 ? [Math.floor(first / 40), first % 40] : [2, first - 80];
  return [...head, ...arcs].join('.');
}

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
    return malformed(`bad Name: ${(e as Error).message}`);
  }
}

/**
 * A UTCTime (0x17) or GeneralizedTime (0x18) value as a Date, both in Z form (RFC 5280
 * §4.1.2.5.1: UTCTime YY ≥ 50 is 19YY).
 *
 * @example `decodeTime(0x17, Buffer.from('260302093000Z'))`
 */
export function decodeTime(tag: number, v: Buffer): Date {
  const s = v.toString('latin1');
  const m =
    tag === 0x17
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s)
      : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m || (tag !== 0x17 && tag !== 0x18)) malformed(`bad time ${JSON.stringify(s)}`);
  let year = Number(m[1]);
  if (tag === 0x17) year += year >= 50 ? 1900 : 2000;
  const d = new Date(
    Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])),
  );
  if (Number.isNaN(d.getTime())) malformed(`bad time ${s}`);
  return d;
}

/**
 * Parses a certificate (DER or PEM) into the fields the PKI uses, cutting the exact DER of
 * issuer, subject and key out of the TBSCertificate (RFC 5280 §4.1). Signatures are not checked.
 *
 * @param input - DER bytes or PEM text
 * @throws PkiError PKI_CERT_MALFORMED
 * @example
 * ```ts
 * const info = parseCertificate(readFileSync('ph/public/eid-ca.pem'));
 * console.log(info.subject, info.serial);
 * ```
 */
export function parseCertificate(input: Uint8Array | string): CertificateInfo {
  const der = pemOrDer(input, 'CERTIFICATE');
  if (!der) return malformed('no CERTIFICATE block in PEM input');
  try {
    const cert = readHeader(der, 0);
    if (cert.tag !== 0x30 || cert.end !== der.length) malformed('not a single SEQUENCE');
    const tbs = readHeader(der, cert.start);
    const sigAlg = readHeader(der, tbs.end);
    const sigValue = readHeader(der, sigAlg.end);
    if (tbs.tag !== 0x30 || sigAlg.tag !== 0x30 || sigValue.tag !== 0x03 || sigValue.end !== cert.end) {
      malformed('not TBSCertificate, signatureAlgorithm, signatureValue');
    }
    let p = tbs.start;
    const next = (tag?: number): { start: number; end: number; vStart: number; tag: number } => {
      const h = readHeader(der, p);
      if (h.end > tbs.end || (tag !== undefined && h.tag !== tag))
        malformed('unexpected TBSCertificate element');
      const r = { start: p, end: h.end, vStart: h.start, tag: h.tag };
      p = h.end;
      return r;
    };
    if (der[p] === 0xa0) next(0xa0);
    const serial = next(0x02);
    next(0x30); // signature AlgorithmIdentifier
    const issuer = next(0x30);
    const validity = next(0x30);
    const subject = next(0x30);
    const spki = next(0x30);
    const nb = readHeader(der, validity.vStart);
    const na = readHeader(der, nb.end);
    const subjectDer = der.subarray(subject.start, subject.end);
    return {
      der,
      serial: der
        .subarray(serial.vStart, serial.end)
        .toString('hex')
        .replace(/^(00)+(?=[0-9a-f])/, ''),
      issuerDer: der.subarray(issuer.start, issuer.end),
      subjectDer,
      spki: der.subarray(spki.start, spki.end),
      notBefore: decodeTime(nb.tag, der.subarray(nb.start, nb.end)),
      notAfter: decodeTime(na.tag, der.subarray(na.start, na.end)),
      subject: nameToString(subjectDer),
    };
  } catch (e) {
    if (e instanceof PkiError) throw e;
    return malformed((e as Error).message);
  }
}
