/**
 * Reads CMS / CAdES signatures (RFC 5652, ETSI EN 319 122-1) into the format-neutral
 * {@link ExtractedSignature} that the EN 319 102-1 validation process works on: one per SignerInfo.
 */
import { createHash } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { DerSyntaxError } from '../../lib/der_reader.js';
import * as DER from '../../lib/der.js';
import { PkiError, TrustbridgeError, UsageError } from '../../lib/errors.js';
import { SignatureError } from '../errors.js';
import { unreadable } from '../unreadable.js';
import { CMS_OID, parseSignedData, parseSignerInfo } from '../../pki/cms_signed_data.js';
import type { ParsedSignedData, ParsedSignerInfo } from '../../pki/cms_signed_data.js';
import { decodeCertificate } from '../../x509/certificate.js';
import type {
  DigestName,
  ExtractedSignature,
  ExtractedTimestamp,
  Extractor,
  IntegrityResult,
} from '../model.js';
import { readAll } from '../../lib/document_source.js';
import {
  DIGEST_OIDS,
  signatureAlgorithmOf,
  signatureAlgorithmName,
  verifySignatureWith,
} from '../algorithm_names.js';
import {
  certificateValues,
  otherRevocationOcsp,
  revocationValues,
  signingCertificateReference,
  signingTime,
} from './attributes.js';
import { archiveTimestampImprint } from './archive_hash_index.js';
import { cadesNotEtsiReasons, detectCadesLevel } from './level.js';
import { CADES_OID } from './oids.js';

/** Largest CMS read into memory (a PDF is streamed by the PAdES extractor instead). */
export const MAX_CMS_BYTES = 256 * 1024 * 1024;
const CONTENT_TIMESTAMP = '1.2.840.113549.1.9.16.2.20';

function cmsBytes(input: Buffer): Buffer {
  const head = input.subarray(0, 64).toString('latin1');
  if (!head.startsWith('-----BEGIN')) return input;
  const m = /-----BEGIN (PKCS7|CMS)-----([\s\S]*?)-----END \1-----/.exec(input.toString('latin1'));
  if (!m) throw new SignatureError('PKI_CMS_MALFORMED', 'PEM input holds no PKCS7 / CMS block');
  return Buffer.from(m[2]!.replace(/\s+/g, ''), 'base64');
}

/**
 * Whether `cms` starts as a ContentInfo of id-signedData with its [0] content (DER or BER): what
 * makes it recognisably a CMS signature, however broken what follows is.
 */
function isSignedDataContentInfo(cms: Buffer): boolean {
  const signedDataOid = DER.oid(CMS_OID.signedData);
  const start = cms[0] === 0x30 && cms[1] !== undefined ? (cms[1] < 0x80 ? 2 : 2 + (cms[1] & 0x7f)) : -1;
  if (start < 0) return false;
  const oid = cms.subarray(start, start + signedDataOid.length);
  return oid.equals(signedDataOid) && cms[start + signedDataOid.length] === 0xa0;
}

function hashOf(name: DigestName, data: Uint8Array): Buffer {
  return createHash(name).update(data).digest();
}

/** Whether `certDer` is the certificate a SignerIdentifier names (issuerAndSerial or SKI). */
function namesSigner(si: ParsedSignerInfo, certDer: Buffer): boolean {
  try {
    // decodeCertificate is memoised: the same certificates are matched again and again.
    const c = decodeCertificate(certDer);
    if (si.sidKeyIdentifier)
      return c.extensions.subjectKeyIdentifier?.keyId.equals(si.sidKeyIdentifier) === true;
    return si.sidIssuerDer?.equals(c.issuer.der) === true && si.sidSerial === c.serialHex;
  } catch {
    return false;
  }
}

interface Parts {
  digest: DigestName;
  content?: Buffer;
  problems: string[];
  /** The whole CMS and this SignerInfo's position, for archive time-stamp imprints. */
  cms: Buffer;
  index: number;
  /** A counter-signature: its content is the parent's signature value, it has no archive time-stamps. */
  counter: boolean;
}

function checkContentType(sd: ParsedSignedData, si: ParsedSignerInfo, problems: string[]): void {
  const type = si.signedAttributes.get(CMS_OID.contentType);
  const md = si.signedAttributes.get(CMS_OID.messageDigest);
  // RFC 5652 §5.3 / §11.1: with signed attributes, content-type and message-digest are required.
  if (type?.length !== 1 || md?.length !== 1) problems.push('content-type and message-digest must be signed');
  else if (!type[0]!.equals(DER.oid(sd.eContentType)))
    problems.push('the content-type attribute differs from eContentType');
}

function integrity(si: ParsedSignerInfo, p: Parts): Promise<IntegrityResult> {
  if (!p.content)
    return Promise.resolve({
      status: 'not-found',
      detail: 'the signed content is detached and was not given',
    });
  const md = si.signedAttributes.get(CMS_OID.messageDigest)?.[0];
  if (!si.signedAttrsDer || !md) return Promise.resolve({ status: 'intact' });
  const expected = hashOf(p.digest, p.content);
  const value = md.length === 2 + (md[1] ?? 0) ? md.subarray(2) : Buffer.alloc(0);
  return Promise.resolve(
    md[0] === 0x04 && value.equals(expected)
      ? { status: 'intact' }
      : { status: 'hash-failure', detail: 'the message-digest attribute does not match the content' },
  );
}

function timestampsOf(si: ParsedSignerInfo, p: Parts): ExtractedTimestamp[] {
  const out: ExtractedTimestamp[] = [];
  for (const token of si.signedAttributes.get(CONTENT_TIMESTAMP) ?? []) {
    out.push({
      type: 'content',
      token,
      coveredDigest: (h) => {
        if (!p.content)
          throw new SignatureError('VALIDATION_NO_SIGNATURE', 'the time-stamped content was not given');
        return Promise.resolve(hashOf(h, p.content));
      },
    });
  }
  // EN 319 122-1 §5.3: the signature-time-stamp's imprint is over the signature field's value.
  for (const token of si.unsignedAttributes.get(CADES_OID.signatureTimeStampToken) ?? [])
    out.push({ type: 'signature', token, coveredDigest: (h) => Promise.resolve(hashOf(h, si.signature)) });
  // EN 319 122-1 §5.5.3: the imprint covers the content, the SignedData fields and the hash index.
  const archives = p.counter ? [] : (si.unsignedAttributes.get(CADES_OID.archiveTimeStampV3) ?? []);
  for (const [k, token] of archives.entries()) {
    out.push({
      type: 'archive',
      token,
      coveredDigest: (h) => Promise.resolve(archiveTimestampImprint(p.cms, p.index, k, h, p.content).digest),
    });
  }
  return out;
}

function guardedParts<T>(problems: string[], fallback: T, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    // The DER walker throws RangeError for lengths that overrun: malformed input like the rest.
    if (!(e instanceof DerSyntaxError || e instanceof TrustbridgeError || e instanceof RangeError)) throw e;
    problems.push(e.message);
    return fallback;
  }
}

/** What a SignerInfo signs: the content, or for a counter-signature its parent's signature value. */
interface Target {
  id: string;
  content: Buffer | undefined;
  /** For a counter-signature: the parent's id. */
  counterOf?: string;
}

/** RFC 5652 §11.4: a countersignature has a message-digest and MUST NOT have a content-type. */
function checkCounterAttributes(si: ParsedSignerInfo, problems: string[]): void {
  if (si.signedAttributes.get(CMS_OID.messageDigest)?.length !== 1)
    problems.push('the counter-signature must sign one message-digest');
  if (si.signedAttributes.has(CMS_OID.contentType))
    problems.push('a counter-signature must not have a content-type attribute');
}

function signatureOf(
  sd: ParsedSignedData,
  si: ParsedSignerInfo,
  index: number,
  target: Target,
): ExtractedSignature {
  const problems: string[] = [];
  const digest = DIGEST_OIDS[si.digestAlgorithm];
  const alg = signatureAlgorithmOf(si.signatureAlgorithm, si.signatureAlgorithmParams);
  if (!digest) problems.push(`unsupported digest algorithm ${si.digestAlgorithm}`);
  if (!alg) problems.push(`unsupported signature algorithm ${si.signatureAlgorithm}`);
  const content = target.content;
  const counter = target.counterOf !== undefined;
  const p: Parts = {
    digest: digest ?? 'sha256',
    ...(content ? { content } : {}),
    problems,
    cms: sd.raw.der,
    index,
    counter,
  };
  if (counter) checkCounterAttributes(si, problems);
  else if (si.signedAttrsDer) checkContentType(sd, si, problems);
  const reference = guardedParts(problems, undefined, () => signingCertificateReference(si.signedAttributes));
  const claimed = guardedParts(problems, undefined, () => signingTime(si.signedAttributes));
  const certVals = guardedParts(problems, [], () => certificateValues(si.unsignedAttributes));
  const revVals = guardedParts(problems, { crls: [], ocsp: [] }, () =>
    revocationValues(si.unsignedAttributes),
  );
  const otherOcsp = guardedParts(problems, [], () => otherRevocationOcsp(sd));
  // A counter-signature's level is not detected (its unsigned attributes are not the SignedData's).
  const level = counter ? 'B-B' : guardedParts(problems, undefined, () => detectCadesLevel(sd, index).level);
  const notEtsi = cadesNotEtsiReasons(si.signedAttributes, reference?.digestAlgorithm);
  return {
    id: target.id,
    ...(counter ? { counterSignatureOf: target.counterOf } : {}),
    format: 'CAdES',
    level: notEtsi.length > 0 ? 'NOT-ETSI' : (level ?? 'NOT-ETSI'),
    ...(notEtsi.length > 0 ? { warnings: notEtsi.map((r) => `not an ETSI signature: ${r}`) } : {}),
    ...(problems.length > 0 ? { formatFailure: problems.join('; ') } : {}),
    certificates: [...sd.certificates, ...certVals],
    namesSigner: (cert) => namesSigner(si, cert),
    ...(reference ? { signingCertificateReference: reference } : {}),
    signatureAlgorithm: alg ? signatureAlgorithmName(alg, p.digest) : si.signatureAlgorithm,
    digestAlgorithm: p.digest,
    ...(claimed ? { claimedSigningTime: claimed } : {}),
    checkIntegrity: () => integrity(si, p),
    verifySignatureValue: (key: KeyObject) => {
      const data = si.signedAttrsDer ?? p.content;
      return Promise.resolve(
        alg !== undefined &&
          data !== undefined &&
          verifySignatureWith(alg, p.digest, key, data, si.signature),
      );
    },
    timestamps: timestampsOf(si, p),
    crls: [...sd.crls, ...revVals.crls],
    ocspResponses: [...otherOcsp, ...revVals.ocsp],
  };
}

/**
 * Reads every SignerInfo of a CMS SignedData (DER or PEM; attached, or detached with
 * `options.detached[0]` as the content).
 *
 * A ContentInfo of id-signedData whose SignedData cannot be parsed is one signature with a
 * FORMAT_FAILURE.
 *
 * @throws PkiError PKI_CMS_MALFORMED when the input is not a SignedData; UsageError INPUT_TOO_LARGE
 * @example
 * ```ts
 * const [sig] = await extractCades(bufferSource(readFileSync('doc.p7s')), { detached: [{ bytes: doc }] });
 * ```
 */
export const extractCades: Extractor = async (source, options) => {
  const bytes = await readAll(source, MAX_CMS_BYTES);
  if (!bytes) throw new UsageError('INPUT_TOO_LARGE', `a CMS signature larger than ${MAX_CMS_BYTES} bytes`);
  const cms = cmsBytes(bytes);
  let sd: ParsedSignedData;
  try {
    sd = parseSignedData(cms);
  } catch (e) {
    // A SignedData whose inside is broken is a signature that fails format checking.
    if (!(e instanceof PkiError) || e.code !== 'PKI_CMS_MALFORMED' || !isSignedDataContentInfo(cms)) throw e;
    return [unreadable('S-1', 'CAdES', e.message, 'the CMS SignedData cannot be read')];
  }
  const content = sd.eContent ?? options.detached?.[0]?.bytes;
  return sd.signerInfos.flatMap((si, i) =>
    withCounterSignatures(sd, si, i, signatureOf(sd, si, i, { id: `S-${i + 1}`, content })),
  );
};

/** Deepest nesting of countersignature attributes read (each is a whole SignerInfo). */
const MAX_COUNTER_DEPTH = 8;

/**
 * The signature followed by its counter-signatures (RFC 5652 §11.4, unsigned attribute
 * id-countersignature), each a signature of its own whose signed data is the parent's signature
 * value, depth first. One that cannot be parsed is reported with a FORMAT_FAILURE.
 */
function withCounterSignatures(
  sd: ParsedSignedData,
  si: ParsedSignerInfo,
  index: number,
  sig: ExtractedSignature,
  depth = 0,
): ExtractedSignature[] {
  const values = si.unsignedAttributes.get(CADES_OID.counterSignature) ?? [];
  if (depth >= MAX_COUNTER_DEPTH && values.length > 0)
    return [{ ...sig, warnings: [...(sig.warnings ?? []), 'counter-signatures nested too deep: not read'] }];
  return [
    sig,
    ...values.flatMap((der, k) => {
      const id = `${sig.id}-C-${k + 1}`;
      let csi: ParsedSignerInfo;
      try {
        csi = parseSignerInfo(der);
      } catch (e) {
        if (!(e instanceof PkiError)) throw e;
        return [
          {
            ...unreadable(id, 'CAdES', e.message, 'the counter-signature cannot be read'),
            counterSignatureOf: sig.id,
          },
        ];
      }
      const target = { id, content: si.signature, counterOf: sig.id };
      return withCounterSignatures(sd, csi, index, signatureOf(sd, csi, index, target), depth + 1);
    }),
  ];
}
