/**
 * Character-level rules of XML 1.0 (Fifth Edition): names, characters, references, line ends and
 * attribute-value normalisation, and the decoding of document bytes to text. Internal.
 */
import { XmlError } from './errors.js';

// XML 1.0 §2.3 productions [4] NameStartChar and [4a] NameChar.
const NAME_START =
  ':A-Z_a-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C-\\u200D' +
  '\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD\\u{10000}-\\u{EFFFF}';
const NAME_CHAR = `${NAME_START}\\-.0-9\\u00B7\\u0300-\\u036F\\u203F-\\u2040`;

/** A Name at the sticky position (set `lastIndex` before `exec`). */
// eslint-disable-next-line no-misleading-character-class -- code-point ranges of productions [4]/[4a], not combined characters
export const NAME_AT = new RegExp(`[${NAME_START}][${NAME_CHAR}]*`, 'uy');

// XML 1.0 §2.2 production [2] Char: anything else anywhere in the document is a fatal error.
const NOT_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const REFERENCE = /&(?:#x([0-9a-fA-F]+)|#([0-9]+)|([A-Za-z_:][^;&<\s]*));/g;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' };

/** True when `code` is a legal XML character (§2.2). */
function isChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

/**
 * Replaces the five predefined entities and character references (§4.1, §4.6). Any other entity
 * reference is an error: without a DTD no other entity can be declared (that is what closes XXE
 * and entity expansion).
 *
 * @example
 * ```ts
 * decodeReferences('a &lt; b &#x41;', 0); // 'a < b A'
 * ```
 */
export function decodeReferences(raw: string, offset: number): string {
  if (!raw.includes('&')) return raw;
  const out = raw.replace(
    REFERENCE,
    (_m, hex: string | undefined, dec: string | undefined, name?: string) => {
      if (name !== undefined) {
        const v = PREDEFINED[name];
        if (v === undefined)
          throw new XmlError('XML_MALFORMED', `undeclared entity &${name}; near offset ${offset}`);
        return v;
      }
      const digits = hex ?? dec ?? '';
      const code = digits.length > 8 ? -1 : parseInt(digits, hex !== undefined ? 16 : 10);
      if (!isChar(code))
        throw new XmlError(
          'XML_MALFORMED',
          `character reference to an illegal character near offset ${offset}`,
        );
      return String.fromCodePoint(code);
    },
  );
  // An '&' left over was not part of a well-formed reference (§3.1 [10], §2.4).
  if (/&(?!(?:#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z_:][^;&<\s]*);)/.test(raw)) {
    throw new XmlError('XML_MALFORMED', `a bare '&' near offset ${offset}`);
  }
  return out;
}

/**
 * §2.11: CR LF and a lone CR become LF.
 *
 * @example
 * ```ts
 * normalizeLineEnds('a\r\nb\rc'); // 'a\nb\nc'
 * ```
 */
export function normalizeLineEnds(raw: string): string {
  return raw.includes('\r') ? raw.replace(/\r\n?/g, '\n') : raw;
}

/**
 * §3.3.3 for CDATA-typed attributes (every attribute, as there is no DTD): literal white space
 * becomes a space, then references are replaced (so `&#xA;` stays a line feed).
 *
 * @example
 * ```ts
 * normalizeAttributeValue('a\tb&#10;', 0); // 'a b\n'
 * ```
 */
export function normalizeAttributeValue(raw: string, offset: number): string {
  if (raw.includes('<'))
    throw new XmlError('XML_MALFORMED', `'<' in an attribute value near offset ${offset}`);
  return decodeReferences(normalizeLineEnds(raw).replace(/[\t\n]/g, ' '), offset);
}

/**
 * Throws unless every character of `text` is an XML Char.
 *
 * @example
 * ```ts
 * checkCharacters('ok'); // no error; checkCharacters('\u0001') throws XML_MALFORMED
 * ```
 */
export function checkCharacters(text: string): void {
  const m = NOT_CHAR.exec(text);
  if (m)
    throw new XmlError(
      'XML_MALFORMED',
      `illegal character U+${m[0].codePointAt(0)!.toString(16)} at offset ${m.index}`,
    );
}

const ENCODING_DECL = /^<\?xml\s[^?>]*?encoding\s*=\s*["']([A-Za-z][A-Za-z0-9._-]*)["']/;

function declaredEncoding(bytes: Uint8Array): string | undefined {
  const head = Buffer.from(bytes.subarray(0, 200)).toString('latin1');
  return ENCODING_DECL.exec(head)?.[1]?.toLowerCase();
}

function decodeWith(label: string, bytes: Uint8Array): string {
  try {
    return new TextDecoder(label, { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch (e) {
    throw new XmlError('XML_MALFORMED', `the document is not valid ${label}`, { cause: e });
  }
}

/**
 * The declared single-byte, ASCII-compatible encodings read besides ISO-8859-1 (XML 1.0 §4.3.3
 * leaves any registered encoding to the processor): the other ISO-8859 parts and the Windows code
 * pages, as signed documents of national signing applications use them. Being ASCII-compatible,
 * the declaration itself reads the same in all of them.
 */
const SINGLE_BYTE = /^(?:iso[-_]?8859-(?:[2-9]|1[013-6])|windows-125[0-8]|cp125[0-8])$/;

/**
 * Decodes document bytes (§4.3.3, Appendix F): UTF-8 (default, BOM allowed), UTF-16 with a byte
 * order mark, or a declared US-ASCII, ISO-8859 part or Windows-125x code page. Other encodings
 * are refused.
 *
 * @example
 * ```ts
 * decodeDocument(Buffer.from('<a/>')); // '<a/>'
 * ```
 */
export function decodeDocument(bytes: Uint8Array): string {
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return decodeWith('utf-16be', bytes);
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return decodeWith('utf-16le', bytes);
  const declared = declaredEncoding(bytes);
  if (declared === undefined || declared === 'utf-8' || declared === 'utf8')
    return decodeWith('utf-8', bytes);
  if (declared === 'us-ascii' || declared === 'ascii') {
    if (bytes.some((b) => b > 0x7f))
      throw new XmlError('XML_MALFORMED', 'a non-ASCII byte in a US-ASCII document');
    return Buffer.from(bytes).toString('latin1');
  }
  if (declared === 'iso-8859-1' || declared === 'latin1') return Buffer.from(bytes).toString('latin1');
  if (SINGLE_BYTE.test(declared)) return decodeWith(declared.replace(/^cp/, 'windows-'), bytes);
  throw new XmlError('XML_MALFORMED', `unsupported encoding ${declared}`);
}
