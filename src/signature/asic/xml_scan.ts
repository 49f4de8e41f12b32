/**
 * A small, non-validating XML reader for the few XML files an ASiC container holds next to its
 * signatures: the ASiCManifest (EN 319 162-1 Annex A.4), the OpenDocument `META-INF/manifest.xml`
 * and the `ds:Reference` URIs of XAdES signature files (read only to compare them with the
 * container's entries; the XAdES extractor does the real work). It builds a namespace-resolved
 * element tree, refuses any document type declaration (no entity expansion, no external
 * entities) and bounds size, depth and element count.
 */
import { AsicError } from './errors.js';

/** An element. */
export interface XmlElement {
  /** Namespace URI ('' when none). */
  ns: string;
  /** Local name. */
  local: string;
  /** Attributes by their name as written (`URI`, `xml:lang`, ...). */
  attrs: ReadonlyMap<string, string>;
  children: XmlElement[];
  /** Character data directly inside the element (entities decoded). */
  text: string;
}

/** Limits of {@link parseXml}. */
export interface XmlLimits {
  maxBytes: number;
  maxDepth: number;
  maxElements: number;
}

const DEFAULT_LIMITS: XmlLimits = { maxBytes: 32 * 1024 * 1024, maxDepth: 64, maxElements: 100_000 };
// Sticky expressions match at lastIndex without copying the rest of the document.
const NAME = /[A-Za-z_][\w.\-:]*/y;
const ATTR = /\s+([A-Za-z_][\w.\-:]*)\s*=\s*("([^"<]*)"|'([^'<]*)')/y;
const TAG_END = /\s*(\/?)>/y;

function matchAt(re: RegExp, src: string, at: number): RegExpExecArray | null {
  re.lastIndex = at;
  return re.exec(src);
}
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function fail(message: string, at?: number): never {
  throw new AsicError('ASIC_MALFORMED', at === undefined ? message : `${message} at character ${at}`);
}

function decodeEntities(s: string, at: number): string {
  return s.replace(/&([^;&\s]{1,10});/g, (_m, ref: string) => {
    if (PREDEFINED[ref]) return PREDEFINED[ref];
    const cp = ref.startsWith('#x')
      ? parseInt(ref.slice(2), 16)
      : ref.startsWith('#')
        ? Number(ref.slice(1))
        : NaN;
    if (!Number.isInteger(cp) || cp < 1 || cp > 0x10ffff) fail(`unknown entity &${ref};`, at);
    return String.fromCodePoint(cp);
  });
}

interface Frame {
  el: XmlElement;
  qname: string;
  scope: Map<string, string>;
}

function resolve(prefix: string, scope: Map<string, string>, at: number): string {
  const ns = scope.get(prefix);
  if (ns === undefined) {
    if (prefix === '') return '';
    if (prefix === 'xml') return 'http://www.w3.org/XML/1998/namespace';
    fail(`undeclared namespace prefix '${prefix}'`, at);
  }
  return ns;
}

function splitName(qname: string): [string, string] {
  const i = qname.indexOf(':');
  return i < 0 ? ['', qname] : [qname.slice(0, i), qname.slice(i + 1)];
}

/** Parses one start tag at `p` (just after '<'); returns the frame, whether it is empty, and the end. */
function startTag(src: string, p: number, parent: Frame | undefined): [Frame, boolean, number] {
  const name = matchAt(NAME, src, p)?.[0];
  if (!name) fail('bad element name', p);
  let q = p + name.length;
  const attrs = new Map<string, string>();
  for (;;) {
    const m = matchAt(ATTR, src, q);
    if (!m) break;
    if (attrs.has(m[1]!)) fail(`duplicate attribute ${m[1]}`, q);
    attrs.set(m[1]!, decodeEntities(m[3] ?? m[4] ?? '', q));
    q += m[0].length;
  }
  const close = matchAt(TAG_END, src, q);
  if (!close) fail(`bad start tag <${name}`, p);
  const scope = new Map(parent?.scope ?? []);
  for (const [k, v] of attrs) {
    if (k === 'xmlns') scope.set('', v);
    else if (k.startsWith('xmlns:')) scope.set(k.slice(6), v);
  }
  const [prefix, local] = splitName(name);
  const el: XmlElement = { ns: resolve(prefix, scope, p), local, attrs, children: [], text: '' };
  return [{ el, qname: name, scope }, close[1] === '/', q + close[0].length];
}

/** Skips a comment, processing instruction or CDATA section at `p` ('<' position); returns the end. */
function skipSpecial(src: string, p: number, top: Frame | undefined): number {
  const markers: [string, string][] = [
    ['<!--', '-->'],
    ['<?', '?>'],
    ['<![CDATA[', ']]>'],
  ];
  for (const [open, close] of markers) {
    if (!src.startsWith(open, p)) continue;
    const end = src.indexOf(close, p + open.length);
    if (end < 0) fail(`unterminated ${open}`, p);
    if (open === '<![CDATA[') {
      if (!top) fail('character data outside the root element', p);
      top.el.text += src.slice(p + open.length, end);
    }
    return end + close.length;
  }
  // '<!DOCTYPE' and every other declaration: refused, so no entity can ever be expanded.
  return fail('document type declarations are not allowed', p);
}

/**
 * Parses an XML document into its root element.
 *
 * @param bytes - the document (UTF-8)
 * @param limits - size, depth and element-count limits
 * @returns the root element
 * @throws AsicError ASIC_MALFORMED when the document is not well-formed or over the limits
 * @example
 * ```ts
 * const root = parseXml(Buffer.from('<a xmlns="urn:x"><b URI="f.txt"/></a>'));
 * root.children[0]?.attrs.get('URI'); // 'f.txt'
 * ```
 */
export function parseXml(bytes: Buffer, limits: Partial<XmlLimits> = {}): XmlElement {
  const lim = { ...DEFAULT_LIMITS, ...limits };
  if (bytes.length > lim.maxBytes) fail(`XML file over ${lim.maxBytes} bytes`);
  const src = bytes.toString('utf8').replace(/^\uFEFF/, '');
  const stack: Frame[] = [];
  let root: XmlElement | undefined;
  let count = 0;
  let p = 0;
  while (p < src.length) {
    const lt = src.indexOf('<', p);
    const text = src.slice(p, lt < 0 ? src.length : lt);
    const top = stack[stack.length - 1];
    if (top) top.el.text += decodeEntities(text, p);
    else if (text.trim() !== '') fail('character data outside the root element', p);
    if (lt < 0) break;
    if (src.startsWith('</', lt)) {
      const end = src.indexOf('>', lt);
      if (end < 0 || !top || src.slice(lt + 2, end).trim() !== top.qname) fail('mismatched end tag', lt);
      stack.pop();
      p = end + 1;
    } else if (src[lt + 1] === '!' || src[lt + 1] === '?') {
      p = skipSpecial(src, lt, top);
    } else {
      if (++count > lim.maxElements) fail(`more than ${lim.maxElements} elements`);
      if (!top && root) fail('more than one root element', lt);
      const [frame, empty, end] = startTag(src, lt + 1, top);
      if (top) top.el.children.push(frame.el);
      else root = frame.el;
      if (!empty) stack.push(frame);
      if (stack.length > lim.maxDepth) fail(`deeper than ${lim.maxDepth} elements`);
      p = end;
    }
  }
  if (!root || stack.length > 0) fail('no root element, or an element is not closed');
  return root;
}

/**
 * Every descendant (depth first, document order) matching namespace and local name.
 *
 * @param el - where to start (not itself included)
 * @param ns - namespace URI
 * @param local - local name
 * @returns the matches
 * @example `descendants(root, DS_NS, 'Reference')`
 */
export function descendants(el: XmlElement, ns: string, local: string): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (e: XmlElement): void => {
    for (const c of e.children) {
      if (c.ns === ns && c.local === local) out.push(c);
      walk(c);
    }
  };
  walk(el);
  return out;
}
