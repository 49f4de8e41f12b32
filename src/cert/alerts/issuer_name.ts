/**
 * Comparing an issuer as a STIX `x509-certificate` writes it (free text: RFC 4514
 * `CN=…, O=…, C=PH`, OpenSSL's `C=PH, O=…, CN=…` or `/C=PH/O=…/CN=…`) with the issuer name
 * this node stores (src/x509/name_string.ts). Both are read into a multiset of
 * (attribute, value) pairs: attribute names by their usual aliases, values case- and
 * space-insensitively (X.520 caseIgnoreMatch for the directory strings a CA name uses), order
 * ignored (the two conventions list the RDNs in opposite orders).
 */

const ALIASES: Record<string, string> = {
  cn: 'cn',
  commonname: 'cn',
  '2.5.4.3': 'cn',
  c: 'c',
  countryname: 'c',
  '2.5.4.6': 'c',
  o: 'o',
  organizationname: 'o',
  '2.5.4.10': 'o',
  ou: 'ou',
  organizationalunitname: 'ou',
  '2.5.4.11': 'ou',
  l: 'l',
  localityname: 'l',
  '2.5.4.7': 'l',
  st: 'st',
  s: 'st',
  stateorprovincename: 'st',
  '2.5.4.8': 'st',
  serialnumber: 'serialnumber',
  '2.5.4.5': 'serialnumber',
  organizationidentifier: 'organizationidentifier',
  '2.5.4.97': 'organizationidentifier',
  e: 'emailaddress',
  emailaddress: 'emailaddress',
  '1.2.840.113549.1.9.1': 'emailaddress',
};

/** Splits on unescaped separators (`\` escapes the next character). */
function split(s: string, seps: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && i + 1 < s.length) {
      cur += c + s[i + 1];
      i++;
    } else if (seps.includes(c)) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

function unescape(v: string): string {
  return v.replace(/\\([0-9a-fA-F]{2}|.)/g, (_, e: string) =>
    e.length === 2 ? String.fromCharCode(parseInt(e, 16)) : e,
  );
}

/**
 * The comparable form of a distinguished name: sorted `attr=value` pairs, or undefined when the
 * text is not a name.
 *
 * @example
 * ```ts
 * normaliseName('/C=PH/CN=PH eID CA') === normaliseName('CN=ph  eid ca, C=PH'); // true
 * ```
 */
export function normaliseName(text: string): string | undefined {
  if (text.length > 4096) return undefined;
  const slashForm = text.trim().startsWith('/');
  const parts = slashForm ? split(text.trim().slice(1), '/') : split(text, ',;+');
  const pairs: string[] = [];
  for (const part of parts) {
    const eq = part.indexOf('=');
    if (eq <= 0) return undefined;
    const attr = ALIASES[part.slice(0, eq).trim().toLowerCase()] ?? part.slice(0, eq).trim().toLowerCase();
    let value = part.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    value = unescape(value).normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();
    pairs.push(`${attr}=${value}`);
  }
  return pairs.length ? pairs.sort().join('\n') : undefined;
}

/** True when two names are the same by {@link normaliseName}. */
export function sameName(a: string, b: string): boolean {
  const x = normaliseName(a);
  return x !== undefined && x === normaliseName(b);
}
