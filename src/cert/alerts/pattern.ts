/**
 * The simple STIX 2.1 patterns (STIX 2.1 §9) that name a certificate: observation expressions
 * over `x509-certificate` comparing `hashes.'SHA-256'`, `hashes.'SHA-1'`, `serial_number` or
 * `issuer` with `=` to a string, joined by AND / OR, several observations joined by OR.
 * Anything else (other object types, operators, qualifiers, FOLLOWEDBY, parentheses) is not a
 * certificate reference and is ignored: the pattern is tokenised and read, never evaluated.
 */

/** What one conjunction of comparisons says about a certificate. */
export interface CertReference {
  sha256?: string;
  sha1?: string;
  /** Lower-case hex without leading zeros. */
  serial?: string;
  issuer?: string;
}

/** Longest pattern read (longer ones are not "simple"). */
export const MAX_PATTERN_LENGTH = 16_384;
/** Most comparisons read in one pattern. */
const MAX_COMPARISONS = 256;

type Token = { t: '[' | ']' | 'AND' | 'OR' | '=' } | { t: 'path'; v: string } | { t: 'str'; v: string };

function tokenize(p: string): Token[] | undefined {
  const out: Token[] = [];
  let i = 0;
  while (i < p.length) {
    const c = p[i]!;
    if (/\s/.test(c)) i++;
    else if (c === '[' || c === ']' || c === '=') {
      out.push({ t: c });
      i++;
    } else if (c === "'") {
      let v = '';
      i++;
      for (;;) {
        if (i >= p.length) return undefined;
        const d = p[i]!;
        if (d === '\\') {
          const e = p[i + 1];
          if (e !== "'" && e !== '\\') return undefined;
          v += e;
          i += 2;
        } else if (d === "'") {
          i++;
          break;
        } else {
          v += d;
          i++;
        }
      }
      out.push({ t: 'str', v });
    } else {
      // An object path (`x509-certificate:hashes.'SHA-256'`) or a keyword, up to a delimiter;
      // quoted path components are kept with their quotes.
      const m = /^(?:[A-Za-z0-9_:.-]|'[^'\\]*')+/.exec(p.slice(i));
      if (!m) return undefined;
      const w = m[0];
      if (w === 'AND' || w === 'OR') out.push({ t: w });
      else out.push({ t: 'path', v: w });
      i += w.length;
    }
  }
  return out;
}

/** The property a path compares, or undefined for anything else. */
function propertyOf(path: string): keyof CertReference | undefined {
  const m = /^x509-certificate:(.+)$/.exec(path);
  if (!m) return undefined;
  const prop = m[1]!;
  if (prop === 'serial_number') return 'serial';
  if (prop === 'issuer') return 'issuer';
  const h = /^hashes\.(?:'([^']+)'|([A-Za-z0-9_-]+))$/.exec(prop);
  if (!h) return undefined;
  return hashProperty(h[1] ?? h[2]!);
}

/** `SHA-256` / `SHA256` / `sha-1` … to the reference's hash property. */
export function hashProperty(name: string): 'sha256' | 'sha1' | undefined {
  const n = name.toUpperCase().replace(/[-_]/g, '');
  return n === 'SHA256' ? 'sha256' : n === 'SHA1' ? 'sha1' : undefined;
}

/**
 * The certificate references of a pattern: one per conjunction that compares only the
 * supported properties; an empty list when the pattern is not of the simple form.
 *
 * @example
 * ```ts
 * parseCertificatePattern("[x509-certificate:hashes.'SHA-256' = 'ab12…']"); // [{ sha256: 'ab12…' }]
 * ```
 */
export function parseCertificatePattern(pattern: string): CertReference[] {
  if (pattern.length > MAX_PATTERN_LENGTH) return [];
  const tokens = tokenize(pattern);
  if (!tokens) return [];
  const refs: CertReference[] = [];
  let i = 0;
  let comparisons = 0;
  const next = () => tokens[i++];
  for (;;) {
    if (next()?.t !== '[') return [];
    let group: Record<string, string> = {};
    for (;;) {
      const path = next();
      const eq = next();
      const value = next();
      if (path?.t !== 'path' || eq?.t !== '=' || value?.t !== 'str') return [];
      if (++comparisons > MAX_COMPARISONS) return [];
      const prop = propertyOf(path.v);
      if (!prop) return [];
      if (group[prop] !== undefined && group[prop] !== value.v) group = { impossible: '1' };
      else group[prop] = value.v;
      const sep = next();
      if (sep?.t === 'AND') continue;
      refs.push(group as CertReference);
      group = {};
      if (sep?.t === 'OR') continue;
      if (sep?.t === ']') break;
      return [];
    }
    const after = next();
    if (after === undefined) break;
    if (after.t !== 'OR') return [];
  }
  return refs.filter((r) => !('impossible' in r));
}
