/** PEM armour (RFC 7468). Internal helper. */

/** Encodes DER as PEM with the given label (`CERTIFICATE`, `X509 CRL`, …). */
export function toPem(der: Uint8Array, label: string): string {
  const b64 = Buffer.from(der).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** Every PEM block with the given label in `text`, decoded. */
export function fromPemAll(text: string, label: string): Buffer[] {
  const re = new RegExp(`-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]*?)-----END ${label}-----`, 'g');
  return [...text.matchAll(re)].map((m) => Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64'));
}

/**
 * Accepts PEM (first block with `label`) or raw DER and returns DER, or undefined when the
 * text is PEM without such a block.
 */
export function pemOrDer(input: Uint8Array | string, label: string): Buffer | undefined {
  const buf = typeof input === 'string' ? Buffer.from(input, 'utf8') : Buffer.from(input);
  if (buf.subarray(0, 64).toString('latin1').includes('-----BEGIN')) {
    return fromPemAll(buf.toString('utf8'), label)[0];
  }
  return buf;
}
