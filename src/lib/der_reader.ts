/**
 * A small bounds-checked DER walker for cutting exact bytes out of structures (what is signed or
 * echoed must be the original bytes). Internal: not exported from the package.
 */
import { PKI_ERRORS, PkiError, errorText } from './errors.js';
import type { PkiErrorCode } from './errors.js';
import * as DER from './der.js';

/** Input-structure problem found by this module; turned into a PkiError by the public entry points. */
export class DerSyntaxError extends Error {}

export function fail(message: string): never {
  throw new DerSyntaxError(message);
}

/** Runs `fn`, turning any non-PkiError failure into a PkiError with `code`. */
export function guarded<T>(code: PkiErrorCode, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof PkiError) throw e;
    const detail = e instanceof DerSyntaxError ? `: ${e.message}` : '';
    throw new PkiError(code, `${errorText(PKI_ERRORS, code)}${detail}`, { cause: e });
  }
}

export type DerElement = ReturnType<typeof DER.readHeader> & { offset: number };

export function elementAt(der: Uint8Array, offset: number): DerElement {
  // Hot path of every parse: add the offset to the header object instead of copying it.
  const h = DER.readHeader(der, offset) as DerElement;
  h.offset = offset;
  return h;
}

/** The single top-level element of `der`, which must have `tag` and no trailing bytes. */
export function topElement(der: Uint8Array, tag: number, what: string): DerElement {
  const el = elementAt(der, 0);
  if (el.tag !== tag || el.end !== der.length) fail(`${what} is not a single DER element`);
  return el;
}

export function childrenOf(der: Uint8Array, parent: DerElement): DerElement[] {
  const out: DerElement[] = [];
  for (let p = parent.start; p < parent.end; p = out[out.length - 1]!.end) {
    out.push(elementAt(der, p));
    if (out[out.length - 1]!.end > parent.end) fail('element overruns its parent');
  }
  return out;
}

export function firstChild(der: Uint8Array, parent: DerElement, tag: number, what: string): DerElement {
  return childrenOf(der, parent).find((c) => c.tag === tag) ?? fail(`missing ${what}`);
}

export function slice(der: Buffer, el: DerElement): Buffer {
  return der.subarray(el.offset, el.end);
}
