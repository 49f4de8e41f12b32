/**
 * Stand-ins for the CAdES and XAdES extractors (written elsewhere): each records what it was given
 * and returns fixed signatures, so the ASiC layer is tested on its own.
 */
import type {
  ExtractedSignature,
  ExtractOptions,
  Extractor,
  IntegrityResult,
  SignatureFormat,
} from '../../../src/signature/model.js';

/** One call of a stub. */
export interface StubCall {
  bytes: Buffer;
  options: ExtractOptions;
}

/** What a stub returns. */
export interface StubBehaviour {
  /** Ids of the signatures returned (default one: 'S-1'). */
  ids?: string[];
  /** The inner integrity verdict (default intact), or a function of the call. */
  integrity?: IntegrityResult | ((call: StubCall) => IntegrityResult);
  /** Throw this instead. */
  throws?: Error;
  formatFailure?: string;
}

/** A recording stub extractor. */
export type StubExtractor = Extractor & { calls: StubCall[] };

/**
 * A signature with fixed answers.
 *
 * @param format - CAdES or XAdES
 * @param id - its id
 * @param integrity - what checkIntegrity answers
 * @param formatFailure - the inner extractor's own format failure, if any
 * @returns the signature
 * @example `fakeSignature('CAdES', 'S-1', { status: 'intact' })`
 */
export function fakeSignature(
  format: SignatureFormat,
  id: string,
  integrity: IntegrityResult,
  formatFailure?: string,
): ExtractedSignature {
  return {
    id,
    format,
    level: 'B-B',
    formatFailure,
    certificates: [Buffer.from('cert')],
    namesSigner: (der) => der.toString() === 'cert',
    signatureAlgorithm: 'ecdsa-with-SHA256',
    digestAlgorithm: 'sha256',
    claimedSigningTime: new Date('2024-01-01T00:00:00Z'),
    checkIntegrity: () => Promise.resolve(integrity),
    verifySignatureValue: () => Promise.resolve(true),
    timestamps: [],
    crls: [],
    ocspResponses: [],
    warnings: ['inner warning'],
  };
}

/**
 * A stub extractor.
 *
 * @param format - the format of what it returns
 * @param behaviour - what it returns
 * @returns the extractor, with its recorded calls
 * @example `const cades = stubExtractor('CAdES'); await extract(src, {}); cades.calls[0].options.detached`
 */
export function stubExtractor(format: SignatureFormat, behaviour: StubBehaviour = {}): StubExtractor {
  const calls: StubCall[] = [];
  const extractor = async (source: Parameters<Extractor>[0], options: ExtractOptions) => {
    const call = { bytes: await source.read(0, source.size), options };
    calls.push(call);
    if (behaviour.throws) throw behaviour.throws;
    const integrity =
      typeof behaviour.integrity === 'function'
        ? behaviour.integrity(call)
        : (behaviour.integrity ?? { status: 'intact' as const });
    return (behaviour.ids ?? ['S-1']).map((id) =>
      fakeSignature(format, id, integrity, behaviour.formatFailure),
    );
  };
  return Object.assign(extractor, { calls });
}
