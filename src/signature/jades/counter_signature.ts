/**
 * JAdES counter-signatures (ETSI TS 119 182-1 §5.3.2): each `cSig` element of a signature's
 * `etsiU` holds one JWS, compact or JSON, whose payload is the JWS Signature Value of that
 * signature — attached (then it must be those octets) or detached (then those octets are signed).
 */
import type { IntegrityResult } from '../model.js';
import { JadesError } from './errors.js';
import type { ParsedJades } from './parse.js';
import { readJwsEntries } from './read.js';
import type { JwsEntry } from './read.js';

/** One `cSig` of a signature, read. */
export interface CounterSignatureEntry extends JwsEntry {
  /** The payload the counter-signature signs: the carried one, or the parent's signature value. */
  signingPayload: Buffer;
  /** Whether the payload is the parent's signature value (DSS: COUNTER_SIGNED_SIGNATURE_VALUE). */
  integrity: IntegrityResult;
}

/**
 * The counter-signature in one `cSig` value, as DSS reads it: a JWS in any serialization holding
 * exactly one signature (TS 119 182-1 §5.3.2: "one counter signature").
 *
 * @param value - the cSig value: a compact JWS string or a JWS JSON object
 * @param parent - the counter-signed signature
 * @param parentId - its identifier, for messages
 * @returns the counter-signature, or a format failure when it cannot be read
 * @example
 * ```ts
 * const entry = readCounterSignature(component.value, parsed, 'S-1');
 * ```
 */
export function readCounterSignature(
  value: unknown,
  parent: ParsedJades,
  parentId: string,
): CounterSignatureEntry {
  const notFound = (detail: string): CounterSignatureEntry => ({
    formatFailure: detail,
    warnings: [],
    signingPayload: parent.signature,
    integrity: { status: 'not-found', detail },
  });
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? null);
  let entries: JwsEntry[];
  try {
    entries = readJwsEntries(text);
  } catch (e) {
    if (!(e instanceof JadesError)) throw e;
    return notFound(`the cSig of ${parentId} is not a JWS: ${e.message}`);
  }
  if (entries.length !== 1)
    return notFound(`the cSig of ${parentId} holds ${entries.length} signatures, not one`);
  const entry = entries[0]!;
  const carried = entry.parsed?.payload;
  if (carried === undefined)
    return { ...entry, signingPayload: parent.signature, integrity: { status: 'intact' } };
  return {
    ...entry,
    signingPayload: carried,
    integrity: carried.equals(parent.signature)
      ? { status: 'intact' }
      : { status: 'hash-failure', detail: `the cSig payload is not the signature value of ${parentId}` },
  };
}
