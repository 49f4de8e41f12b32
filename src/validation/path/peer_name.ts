/**
 * Matching a certificate against an expected peer name (RFC 6125 §6, simplified): DNS names
 * against subjectAltName dNSName entries (case-insensitive, with a wildcard only as the whole
 * left-most label), IP addresses against iPAddress entries, mail addresses against rfc822Name
 * entries. The subject commonName is not consulted. Not part of RFC 5280 path validation: TLS
 * and the conformance harness use it.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { pathError } from '../errors.js';
import type { Certificate } from '../../x509/certificate.js';

/** The name a peer is expected to present. */
export interface PeerName {
  kind: 'DNS' | 'IP' | 'RFC822';
  value: string;
}

function ipBytes(ip: string): Buffer | undefined {
  if (isIPv4(ip)) return Buffer.from(ip.split('.').map(Number));
  if (!isIPv6(ip)) return undefined;
  const [head, tail] = ip.includes('::') ? ip.split('::') : [ip, undefined];
  const groups = (s: string | undefined): string[] => (s ? s.split(':') : []);
  const expand = (parts: string[]): number[] =>
    parts.flatMap((p) =>
      p.includes('.') ? [...ipBytes(p)!] : [parseInt(p, 16) >> 8, parseInt(p, 16) & 0xff],
    );
  const h = expand(groups(head));
  const t = expand(groups(tail));
  return Buffer.from([...h, ...new Array<number>(16 - h.length - t.length).fill(0), ...t]);
}

function dnsMatches(pattern: string, name: string): boolean {
  const p = pattern.toLowerCase().replace(/\.$/, '');
  const n = name.toLowerCase().replace(/\.$/, '');
  if (!p.startsWith('*.')) return p === n;
  // RFC 6125 §6.4.3: the wildcard stands for exactly one whole label, never an IP address.
  const dot = n.indexOf('.');
  return dot > 0 && !isIPv4(n) && n.slice(dot) === p.slice(1);
}

/** RFC 5280 §4.2.1.6: the local part is case-sensitive, the domain is not. */
function mailboxEquals(a: string, b: string): boolean {
  const i = a.lastIndexOf('@');
  const j = b.lastIndexOf('@');
  return a.slice(0, i) === b.slice(0, j) && a.slice(i + 1).toLowerCase() === b.slice(j + 1).toLowerCase();
}

/**
 * Whether the certificate names the peer.
 *
 * @example
 * ```ts
 * certificateMatchesPeer(leaf, { kind: 'DNS', value: 'www.example.com' }); // true for SAN *.example.com
 * ```
 */
export function certificateMatchesPeer(cert: Certificate, peer: PeerName): boolean {
  const names = cert.extensions.subjectAltName?.names ?? [];
  if (peer.kind === 'IP') {
    const want = ipBytes(peer.value);
    return !!want && names.some((n) => n.type === 'iPAddress' && n.bytes.equals(want));
  }
  if (peer.kind === 'RFC822')
    return names.some((n) => n.type === 'rfc822Name' && mailboxEquals(n.value, peer.value));
  return names.some((n) => n.type === 'dNSName' && dnsMatches(n.value, peer.value));
}

/**
 * Checks that the certificate names the peer.
 *
 * @throws PathValidationError PATH_PEER_NAME_MISMATCH
 * @example
 * ```ts
 * checkPeerName(result.path[0], { kind: 'IP', value: '192.0.2.1' });
 * ```
 */
export function checkPeerName(cert: Certificate, peer: PeerName): void {
  if (!certificateMatchesPeer(cert, peer)) {
    throw pathError(
      'PATH_PEER_NAME_MISMATCH',
      `${cert.subjectText} does not name ${peer.kind} ${peer.value}`,
      {
        certificateIndex: 0,
        subject: cert.subjectText,
      },
    );
  }
}
