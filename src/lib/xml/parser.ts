/**
 * A small, strict XML 1.0 + Namespaces parser for signed documents. It refuses any document type
 * declaration (XML_DTD_FORBIDDEN): without a DTD only the five predefined entities and character
 * references exist, which closes XXE and entity-expansion ("billion laughs") attacks by
 * construction. Depth, size, attribute and node counts are bounded, and the parser is iterative,
 * so hostile input fails fast with a stable code. Text is kept exactly (after the line-end and
 * attribute-value normalisation XML 1.0 requires), as canonicalization needs it. Internal.
 */
import type { XmlDocument, XmlElement, XmlNode, XmlText } from './dom.js';
import { XmlError } from './errors.js';
import { namespaceDeclarations, resolveAttributes, resolvePrefix, splitQName } from './namespaces.js';
import type { RawAttribute } from './namespaces.js';
import {
  NAME_AT,
  checkCharacters,
  decodeDocument,
  decodeReferences,
  normalizeAttributeValue,
  normalizeLineEnds,
} from './text.js';

/** Bounds on what the parser accepts. */
export interface XmlLimits {
  /** Document size in bytes (or characters for a string). Default 64 MiB. */
  maxBytes?: number;
  /** Element nesting depth. Default 256. */
  maxDepth?: number;
  /** Attributes (including namespace declarations) on one element. Default 256. */
  maxAttributes?: number;
  /** Elements, text nodes, comments and PIs in all. Default 4 000 000. */
  maxNodes?: number;
}

const DEFAULTS: Required<XmlLimits> = {
  maxBytes: 64 * 1024 * 1024,
  maxDepth: 256,
  maxAttributes: 256,
  maxNodes: 4_000_000,
};

const XML_DECL =
  /<\?xml\s+version\s*=\s*(["'])1\.[0-9]+\1(?:\s+encoding\s*=\s*(["'])[A-Za-z][A-Za-z0-9._-]*\2)?(?:\s+standalone\s*=\s*(["'])(?:yes|no)\3)?\s*\?>/y;
const WHITESPACE = /[ \t\r\n]*/y;

interface Frame {
  element: XmlElement;
  scope: ReadonlyMap<string, string>;
}

class Parser {
  readonly s: string;
  readonly limits: Required<XmlLimits>;
  pos = 0;
  nodes = 0;

  constructor(s: string, limits: Required<XmlLimits>) {
    this.s = s;
    this.limits = limits;
  }

  fail(what: string, at = this.pos): never {
    throw new XmlError('XML_MALFORMED', `${what} at offset ${at}`);
  }

  count(): void {
    if (++this.nodes > this.limits.maxNodes) {
      throw new XmlError('XML_TOO_LARGE', `more than ${this.limits.maxNodes} nodes`);
    }
  }

  skipWhitespace(): boolean {
    WHITESPACE.lastIndex = this.pos;
    WHITESPACE.exec(this.s);
    const moved = WHITESPACE.lastIndex > this.pos;
    this.pos = WHITESPACE.lastIndex;
    return moved;
  }

  name(): string {
    NAME_AT.lastIndex = this.pos;
    const m = NAME_AT.exec(this.s);
    if (!m) this.fail('a name was expected');
    this.pos += m[0].length;
    return m[0];
  }

  expect(token: string): void {
    if (!this.s.startsWith(token, this.pos)) this.fail(`'${token}' was expected`);
    this.pos += token.length;
  }

  document(): XmlDocument {
    const children: XmlNode[] = [];
    const doc = { type: 'document', children, source: this.s } as unknown as XmlDocument & {
      root: XmlElement;
    };
    XML_DECL.lastIndex = 0;
    if (this.s.startsWith('<?xml') && /\s/.test(this.s[5] ?? '')) {
      if (!XML_DECL.exec(this.s)) this.fail('malformed XML declaration', 0);
      this.pos = XML_DECL.lastIndex;
    }
    this.misc(doc, children, true);
    if (this.s[this.pos] !== '<')
      this.fail(this.pos >= this.s.length ? 'no root element' : 'content before the root element');
    doc.root = this.elementTree(doc);
    children.push(doc.root);
    this.misc(doc, children, false);
    if (this.pos < this.s.length) this.fail('content after the root element');
    return doc;
  }

  /** Comments, PIs and white space around the root element (§2.8 [27] Misc). */
  misc(doc: XmlDocument, children: XmlNode[], prolog: boolean): void {
    for (;;) {
      this.skipWhitespace();
      if (this.s.startsWith('<!--', this.pos)) children.push(this.comment(doc));
      else if (this.s.startsWith('<?', this.pos)) children.push(this.processingInstruction(doc));
      else if (this.s.startsWith('<!DOCTYPE', this.pos) && prolog) {
        throw new XmlError('XML_DTD_FORBIDDEN', `document type declaration at offset ${this.pos}`);
      } else return;
    }
  }

  comment(parent: XmlElement | XmlDocument): XmlNode {
    const start = this.pos + 4;
    const end = this.s.indexOf('--', start);
    if (end < 0) this.fail('unterminated comment');
    if (this.s[end + 2] !== '>') this.fail("'--' inside a comment", end);
    this.pos = end + 3;
    this.count();
    return { type: 'comment', value: normalizeLineEnds(this.s.slice(start, end)), parent };
  }

  processingInstruction(parent: XmlElement | XmlDocument): XmlNode {
    const at = this.pos;
    this.pos += 2;
    const target = this.name();
    if (target.toLowerCase() === 'xml') this.fail('XML declaration not at the start', at);
    if (target.includes(':')) this.fail('a colon in a processing-instruction target', at);
    let data = '';
    if (!this.s.startsWith('?>', this.pos)) {
      if (!this.skipWhitespace()) this.fail('white space expected after the PI target');
      const end = this.s.indexOf('?>', this.pos);
      if (end < 0) this.fail('unterminated processing instruction', at);
      data = normalizeLineEnds(this.s.slice(this.pos, end));
      this.pos = end;
    }
    this.pos += 2;
    this.count();
    return { type: 'pi', target, data, parent };
  }

  /** The root element and everything in it, without recursion. */
  elementTree(doc: XmlDocument): XmlElement {
    const rootFrame = this.startTag(doc, new Map());
    const stack: Frame[] = rootFrame.open ? [rootFrame.frame] : [];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const child = this.content(top);
      if (child === 'closed') stack.pop();
      else if (child) {
        if (stack.length >= this.limits.maxDepth) {
          throw new XmlError('XML_TOO_LARGE', `elements nested deeper than ${this.limits.maxDepth}`);
        }
        stack.push(child);
      }
    }
    return rootFrame.frame.element;
  }

  /** Reads the next piece of content of `top`: an opened child frame, 'closed' at its end tag, or undefined. */
  content(top: Frame): Frame | 'closed' | undefined {
    const el = top.element;
    const lt = this.s.indexOf('<', this.pos);
    if (lt < 0) this.fail(`unexpected end of document inside <${el.name}>`, this.s.length);
    if (lt > this.pos) this.text(el, this.s.slice(this.pos, lt), this.pos);
    this.pos = lt;
    const s = this.s;
    if (s.startsWith('</', lt)) return this.endTag(el);
    if (s.startsWith('<!--', lt)) el.children.push(this.comment(el));
    else if (s.startsWith('<![CDATA[', lt)) this.cdata(el);
    else if (s.startsWith('<?', lt)) el.children.push(this.processingInstruction(el));
    else if (s.startsWith('<!', lt)) this.fail('markup declaration inside an element');
    else {
      const { frame, open } = this.startTag(el, top.scope);
      el.children.push(frame.element);
      return open ? frame : undefined;
    }
    return undefined;
  }

  endTag(el: XmlElement): 'closed' {
    const at = this.pos;
    this.pos += 2;
    const name = this.name();
    if (name !== el.name) this.fail(`end tag </${name}> does not match <${el.name}>`, at);
    this.skipWhitespace();
    this.expect('>');
    el.endTagStart = at;
    el.end = this.pos;
    return 'closed';
  }

  text(el: XmlElement, raw: string, at: number): void {
    if (raw.includes(']]>')) this.fail("']]>' in character data", at);
    this.appendText(el, decodeReferences(normalizeLineEnds(raw), at));
  }

  cdata(el: XmlElement): void {
    const start = this.pos + 9;
    const end = this.s.indexOf(']]>', start);
    if (end < 0) this.fail('unterminated CDATA section');
    this.pos = end + 3;
    this.appendText(el, normalizeLineEnds(this.s.slice(start, end)));
  }

  /** Adjacent character data (text and CDATA) forms one text node, as in the XPath data model. */
  appendText(el: XmlElement, value: string): void {
    if (value === '') return;
    const last = el.children[el.children.length - 1];
    if (last?.type === 'text') {
      el.children[el.children.length - 1] = {
        type: 'text',
        value: last.value + value,
        parent: el,
      } satisfies XmlText;
      return;
    }
    this.count();
    el.children.push({ type: 'text', value, parent: el });
  }

  rawAttributes(): { attributes: RawAttribute[]; selfClosing: boolean } {
    const attributes: RawAttribute[] = [];
    for (;;) {
      const spaced = this.skipWhitespace();
      if (this.s.startsWith('/>', this.pos)) return { attributes, selfClosing: true };
      if (this.s[this.pos] === '>') return { attributes, selfClosing: false };
      if (this.pos >= this.s.length) this.fail('unexpected end of document in a start tag');
      if (!spaced) this.fail('white space expected between attributes');
      const name = this.name();
      this.skipWhitespace();
      this.expect('=');
      this.skipWhitespace();
      const quote = this.s[this.pos];
      if (quote !== '"' && quote !== "'") this.fail('a quoted attribute value was expected');
      const end = this.s.indexOf(quote, this.pos + 1);
      if (end < 0) this.fail('unterminated attribute value');
      attributes.push({ name, value: normalizeAttributeValue(this.s.slice(this.pos + 1, end), this.pos) });
      this.pos = end + 1;
      if (attributes.length > this.limits.maxAttributes) {
        throw new XmlError(
          'XML_TOO_LARGE',
          `more than ${this.limits.maxAttributes} attributes on one element`,
        );
      }
    }
  }

  startTag(
    parent: XmlElement | XmlDocument,
    parentScope: ReadonlyMap<string, string>,
  ): { frame: Frame; open: boolean } {
    const start = this.pos;
    this.pos += 1;
    const name = this.name();
    const { attributes: raw, selfClosing } = this.rawAttributes();
    const { declarations, others } = namespaceDeclarations(raw, start);
    let scope = parentScope;
    if (declarations.length > 0) {
      const next = new Map(parentScope);
      for (const d of declarations) next.set(d.prefix, d.uri);
      scope = next;
    }
    const { prefix, localName } = splitQName(name, start);
    const element: XmlElement = {
      type: 'element',
      name,
      prefix,
      localName,
      namespaceUri: resolvePrefix(scope, prefix, start),
      attributes: resolveAttributes(scope, others, start),
      namespaceDeclarations: declarations,
      children: [],
      parent,
      start,
      endTagStart: this.pos,
      end: this.pos + (selfClosing ? 2 : 1),
    };
    this.pos += selfClosing ? 2 : 1;
    this.count();
    return { frame: { element, scope }, open: !selfClosing };
  }
}

/**
 * Parses an XML document.
 *
 * @param input - the document bytes (UTF-8, UTF-16 with BOM, or declared US-ASCII / ISO-8859-1) or text
 * @param limits - bounds (defaults: 64 MiB, depth 256, 256 attributes, 4 M nodes)
 * @returns the document tree
 * @throws XmlError XML_DTD_FORBIDDEN for any DOCTYPE, XML_TOO_LARGE over a limit, XML_MALFORMED otherwise
 * @example
 * ```ts
 * const doc = parseXml(Buffer.from('<a xmlns="urn:x"><b/></a>'));
 * doc.root.namespaceUri; // 'urn:x'
 * ```
 */
export function parseXml(input: Uint8Array | string, limits: XmlLimits = {}): XmlDocument {
  const bounds = { ...DEFAULTS, ...limits };
  if (input.length > bounds.maxBytes) {
    throw new XmlError('XML_TOO_LARGE', `the document is larger than ${bounds.maxBytes} bytes`);
  }
  let text = typeof input === 'string' ? input : decodeDocument(input);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  checkCharacters(text);
  return new Parser(text, bounds).document();
}
