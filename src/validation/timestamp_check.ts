/**
 * Time-stamp validation (EN 319 102-1 clause 5.4): the token parses, its message imprint is the
 * digest of the data it covers, its signature verifies with the TSA certificate, and that
 * certificate has a valid path to a trust anchor. A passed time-stamp is a proof of existence of
 * what it covers at its genTime (clause 5.6.2.2).
 */
import { createHash } from 'node:crypto';
import { certificateKey } from './certificate_cache.js';
import { CMS_OID } from '../pki/cms_signed_data.js';
import type { ParsedSignerInfo } from '../pki/cms_signed_data.js';
import { parseCertificate } from '../x509/certificate_info.js';
import { decodeCertificate } from './x509_decode.js';
import { parseTimeStampToken } from '../timestamp/token.js';
import type { TimeStampToken } from '../timestamp/token.js';
import { DIGEST_OIDS, SIGNATURE_OIDS, verifySignatureWith } from '../signature/algorithm_names.js';
import { chainEntries } from './certificate_report.js';
import type { DigestName, ExtractedTimestamp } from '../signature/model.js';
import { checkPath, evidenceOf } from './path_check.js';
import type { PathContext } from './path_check.js';
import type { SubIndication, TimestampReport } from './report.js';
import { subIndicationFor } from './sub_indication.js';

/** A validated time-stamp: its report and, when it passed, the time it proves. */
export interface CheckedTimestamp {
  report: TimestampReport;
  type: ExtractedTimestamp['type'];
  genTime?: Date;
  passed: boolean;
}

type Verdict = Pick<TimestampReport, 'indication' | 'subIndication' | 'detail'>;

const failed = (subIndication: SubIndication, detail: string): Verdict => ({
  indication: 'TOTAL-FAILED',
  subIndication,
  detail,
});
const indeterminate = (subIndication: SubIndication, detail: string): Verdict => ({
  indication: 'INDETERMINATE',
  subIndication,
  detail,
});

function namesCert(si: ParsedSignerInfo, der: Buffer): boolean {
  try {
    const c = parseCertificate(der);
    if (si.sidKeyIdentifier)
      return (
        decodeCertificate(der).extensions.subjectKeyIdentifier?.keyId.equals(si.sidKeyIdentifier) === true
      );
    return si.sidIssuerDer?.equals(c.issuerDer) === true && si.sidSerial === c.serial;
  } catch {
    return false;
  }
}

/** RFC 5652 §5.4 on the token's SignerInfo, with any algorithm the policy names (SHA-1 RSA included). */
function verifyToken(token: TimeStampToken, cert: Buffer): Verdict | undefined {
  const si = token.signerInfo;
  const digest = DIGEST_OIDS[si.digestAlgorithm];
  const alg = SIGNATURE_OIDS[si.signatureAlgorithm];
  if (!digest || !alg)
    return indeterminate(
      'CRYPTO_CONSTRAINTS_FAILURE',
      `unsupported token algorithm ${si.signatureAlgorithm}`,
    );
  const md = si.signedAttributes.get(CMS_OID.messageDigest)?.[0];
  if (!si.signedAttrsDer || !md) return failed('FORMAT_FAILURE', 'the token has no signed message-digest');
  if (
    md.length !== 2 + (md[1] ?? 0) ||
    !md.subarray(2).equals(createHash(digest).update(token.tstInfoDer).digest())
  )
    return failed('HASH_FAILURE', 'the token message-digest does not match its TSTInfo');
  const key = certificateKey(cert);
  if (!key || !verifySignatureWith(alg, digest, key, si.signedAttrsDer, si.signature))
    return failed('SIG_CRYPTO_FAILURE', 'the time-stamp token signature does not verify');
  return undefined;
}

async function imprintVerdict(ts: ExtractedTimestamp, token: TimeStampToken): Promise<Verdict | undefined> {
  const hash = token.messageImprint.hash as DigestName;
  if (!Object.values(DIGEST_OIDS).includes(hash))
    return indeterminate('CRYPTO_CONSTRAINTS_FAILURE', `imprint hash ${token.messageImprint.hash}`);
  let covered: Buffer;
  try {
    covered = await ts.coveredDigest(hash);
  } catch (e) {
    return indeterminate(
      'SIGNED_DATA_NOT_FOUND',
      `the time-stamped data cannot be computed: ${(e as Error).message}`,
    );
  }
  return covered.equals(token.messageImprint.digest)
    ? undefined
    : failed('HASH_FAILURE', 'the message imprint does not match the time-stamped data');
}

/**
 * Validates one time-stamp.
 *
 * @param ts - the extracted time-stamp
 * @param ctx - trust anchors, certificate pool, time and revocation sources
 * @param laterPoe - a proof of existence of this time-stamp (a later archive time-stamp), if any
 * @example
 * ```ts
 * const checked = await checkTimestamp(sig.timestamps[0]!, ctx);
 * ```
 */
export async function checkTimestamp(
  ts: ExtractedTimestamp,
  ctx: PathContext,
  laterPoe?: Date,
): Promise<CheckedTimestamp> {
  let token: TimeStampToken;
  try {
    token = parseTimeStampToken(ts.token);
  } catch (e) {
    const report: TimestampReport = {
      type: ts.type,
      imprintIntact: false,
      chain: [],
      ...failed('FORMAT_FAILURE', (e as Error).message),
    };
    return { report, type: ts.type, passed: false };
  }
  const base = {
    type: ts.type,
    genTime: token.genTime.toISOString(),
    serialNumber: token.serialNumber,
    token: ts.token.toString('base64'),
  };
  const imprint = await imprintVerdict(ts, token);
  const pool = [...(ts.certificates ?? []), ...token.signedData.certificates, ...ctx.pool];
  const cert = token.tsaCertificate ?? pool.find((c) => namesCert(token.signerInfo, c));
  const done = (v: Verdict, extra: Partial<TimestampReport> = {}): CheckedTimestamp => ({
    report: { ...base, imprintIntact: imprint === undefined, chain: [], ...extra, ...v },
    type: ts.type,
    genTime: token.genTime,
    passed: v.indication === 'TOTAL-PASSED',
  });
  if (imprint) return done(imprint);
  if (!cert)
    return done(
      indeterminate('NO_SIGNING_CERTIFICATE_FOUND', 'the TSA certificate is neither in the token nor given'),
    );
  const tsa = { tsa: parseCertificate(cert).subject };
  const sig = verifyToken(token, cert);
  if (sig) return done(sig, tsa);
  const check = await checkPath(cert, { ...ctx, pool }, laterPoe);
  const chain = check.path ? chainEntries(check.path, evidenceOf(check)) : [];
  if (check.failure && !(check.path && laterPoe && check.validAt?.getTime() === laterPoe.getTime())) {
    const { subIndication } = subIndicationFor(check.failure.code);
    return done(indeterminate(subIndication, check.failure.message), { ...tsa, chain });
  }
  const revoked = [...check.revocation.values()].find(
    (f) => f.status === 'revoked' && f.revocationTime && f.revocationTime <= token.genTime,
  );
  if (revoked)
    return done(
      indeterminate('REVOKED_NO_POE', `the TSA chain was revoked at ${revoked.evidence.revocationTime}`),
      { ...tsa, chain },
    );
  return done({ indication: 'TOTAL-PASSED' }, { ...tsa, chain });
}
