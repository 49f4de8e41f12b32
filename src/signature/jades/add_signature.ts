/**
 * A further signature on a JWS (RFC 7515 §7.2.1 general JSON serialization; TS 119 182-1 clause
 * 5.1): the new signature signs the same payload with its own protected header, and the result
 * carries every signature in `signatures`.
 */
import { JadesError } from './errors.js';
import { signJades } from './sign.js';
import type { JadesSignParams } from './sign.js';

type Entry = { protected: string; header?: Record<string, unknown>; signature: string };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function entryOf(o: Record<string, unknown>, where: string): Entry {
  const { protected: p, header, signature } = o;
  if (typeof p !== 'string' || typeof signature !== 'string' || (header !== undefined && !isObject(header)))
    throw new JadesError('JADES_MALFORMED', `${where} has no protected and signature strings`);
  return { protected: p, ...(header === undefined ? {} : { header }), signature };
}

/** The payload (base64url) and signatures of an attached JWS in the flattened or general JSON serialization. */
function readExisting(jws: string): { payload: string; entries: Entry[] } {
  let o: unknown;
  try {
    o = JSON.parse(jws);
  } catch (e) {
    throw new JadesError('JADES_MALFORMED', 'a signature is added to a JWS JSON serialization only', {
      cause: e,
    });
  }
  if (!isObject(o) || typeof o['payload'] !== 'string')
    throw new JadesError(
      'JADES_MALFORMED',
      'the JWS carries no payload (a detached JWS gets no further signature here)',
    );
  const list = 'signatures' in o ? o['signatures'] : [o];
  if (!Array.isArray(list) || list.length === 0)
    throw new JadesError('JADES_MALFORMED', 'signatures is not a non-empty array');
  return {
    payload: o['payload'],
    entries: list.map((s: unknown, i) => entryOf(isObject(s) ? s : {}, `signatures[${i}]`)),
  };
}

/**
 * Adds a signature to an attached JWS in the JSON serialization.
 *
 * @param jws - the flattened or general JSON serialization (base64url payload)
 * @param p - the new signer, as for {@link signJades}; `payload`, `serialization` and `detached` are taken from `jws`
 * @returns the general JSON serialization with the existing signatures, then the new one
 * @throws JadesError JADES_MALFORMED for a JWS that is not an attached JSON serialization
 * @example
 * ```ts
 * const both = await addJadesSignature(aliceJws, { signer, signerCertificate, chain, signingTime, level: 'B-B' });
 * ```
 */
export async function addJadesSignature(
  jws: string,
  p: Omit<JadesSignParams, 'payload' | 'serialization' | 'detached'>,
): Promise<string> {
  const existing = readExisting(jws);
  const payload = Buffer.from(existing.payload, 'base64url');
  if (payload.toString('base64url') !== existing.payload)
    throw new JadesError(
      'JADES_MALFORMED',
      'the payload is not base64url (an unencoded payload gets no further signature here)',
    );
  const added = JSON.parse(
    await signJades({ ...p, payload, serialization: 'json', detached: false }),
  ) as Record<string, unknown>;
  return JSON.stringify({
    payload: existing.payload,
    signatures: [...existing.entries, entryOf(added, 'the new signature')],
  });
}
