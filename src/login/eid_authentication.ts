/**
 * eID authentication: decides whether an authentication certificate, whose private key just
 * signed a challenge, identifies a citizen of this node. The certificate must be an eID
 * authentication certificate (EKU id-kp-clientAuth, RFC 5280 §4.2.1.12) of this country, chain
 * to the node's root (RFC 5280 §6, through the validation module's path check) and be neither
 * revoked nor suspended according to the node's own OCSP responder (RFC 6960), asked
 * in-process; its holder must be in the population register.
 */
import { isTrustbridgeError } from '../lib/errors.js';
import { getPerson } from '../eid/register.js';
import type { RevocationFetcher } from '../signature/revocation_fetcher.js';
import type { SeenCertificates } from '../ledger/seen_certificates.js';
import type { Store } from '../store/database.js';
import { decodeCertificate } from '../x509/certificate.js';
import type { Certificate } from '../x509/certificate.js';
import { checkPath } from '../validation/path_check.js';
import { LoginError } from './errors.js';

const ID_KP_CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const OID_COUNTRY = '2.5.4.6';
const OID_SERIAL_NUMBER = '2.5.4.5';

/** eIDAS levels of assurance (Implementing Regulation (EU) 2015/1502), as `acr` values. */
export const LOA = {
  low: 'http://eidas.europa.eu/LoA/low',
  substantial: 'http://eidas.europa.eu/LoA/substantial',
  high: 'http://eidas.europa.eu/LoA/high',
} as const;

/** An eIDAS level of assurance URI. */
export type LevelOfAssurance = (typeof LOA)[keyof typeof LOA];

/** A citizen authenticated by their eID (or by their home node, across borders). */
export interface AuthenticatedCitizen {
  /** Issuing country (ISO 3166-1 alpha-2). */
  country: string;
  nationalId: string;
  givenName: string;
  familyName: string;
  birthDate: string;
  acr: LevelOfAssurance;
  /** RFC 8176 authentication method references. */
  amr: string[];
  /** Serial of the authentication certificate, or the home node's `sub` across borders. */
  evidence: string;
}

/** What the check needs from the node. */
export interface EidVerifier {
  country: string;
  /** The node's root certificate (DER): the only trust anchor for its own citizens. */
  anchors: readonly Buffer[];
  /** The eID CA certificate(s) (DER), to complete paths. */
  pool: readonly Buffer[];
  /** Answers OCSP requests (in-process for the node's own responder). */
  fetcher: RevocationFetcher;
  store: Store;
  clock: () => Date;
  /** Where the certificates presented are recorded as seen (for `log monitor`). */
  seen?: SeenCertificates;
}

function attribute(cert: Certificate, oid: string): string | undefined {
  for (const rdn of cert.subject.rdns)
    for (const a of rdn) if (a.type === oid) return a.value.toString('utf8');
  return undefined;
}

function decodeTarget(der: Buffer): Certificate {
  try {
    return decodeCertificate(der);
  } catch (e) {
    throw new LoginError('LOGIN_CERTIFICATE_UNTRUSTED', 'the certificate cannot be decoded', { cause: e });
  }
}

/** Country, purpose and national identifier of the certificate, before any path work. */
function identify(cert: Certificate, country: string): string {
  const c = attribute(cert, OID_COUNTRY);
  if (c !== country)
    throw new LoginError(
      'LOGIN_WRONG_COUNTRY',
      `this is the ${country} node; the eID is from ${c ?? 'nowhere'}`,
    );
  if (!cert.extensions.extKeyUsage?.purposes.includes(ID_KP_CLIENT_AUTH))
    throw new LoginError(
      'LOGIN_CERTIFICATE_UNTRUSTED',
      'not an authentication certificate (no clientAuth EKU)',
    );
  // EN 319 412-1 §5.1.3: natural person semantics identifier PNO<CC>-<national id>.
  const m = /^PNO([A-Z]{2})-(\d{12})$/.exec(attribute(cert, OID_SERIAL_NUMBER) ?? '');
  if (!m || m[1] !== country)
    throw new LoginError('LOGIN_CERTIFICATE_UNTRUSTED', 'the subject carries no national identifier');
  return m[2]!;
}

/** Refuses a revoked, suspended or unknown status of any certificate of the path. */
function checkRevocation(
  path: Certificate[],
  findings: Map<string, { status: string; reason?: string; evidence: { detail?: string } }>,
): void {
  for (const cert of path.slice(0, -1)) {
    const f = findings.get(cert.fingerprint);
    if (f?.status === 'good') continue;
    if (f?.status === 'revoked') {
      // RFC 5280 §5.3.1: certificateHold is a suspension, lifted by removing the entry.
      if (f.reason === 'certificateHold') throw new LoginError('LOGIN_EID_SUSPENDED');
      throw new LoginError('LOGIN_EID_REVOKED', f.reason ? `reason ${f.reason}` : undefined);
    }
    throw new LoginError('LOGIN_EID_STATUS_UNKNOWN', f?.evidence.detail);
  }
}

/** Records a certificate that chains to the node's root as seen, by the CA that issued it. */
async function recordSeen(v: EidVerifier, path: readonly Certificate[]): Promise<void> {
  const [cert, issuer] = path;
  if (!v.seen || !cert || !issuer) return;
  const issuerCa = v.pool.some((d) => d.equals(issuer.der))
    ? 'eid-ca'
    : v.anchors.some((d) => d.equals(issuer.der))
      ? 'root'
      : undefined;
  if (issuerCa)
    await v.seen.record({ sha256: cert.fingerprint, serial: cert.serialHex, issuerCa, source: 'login' });
}

/**
 * Validates an authentication certificate and returns the citizen it identifies.
 *
 * @param v - the node's anchors, OCSP, register and clock
 * @param certificate - the authentication certificate (DER)
 * @param chain - certificates sent along (DER)
 * @throws LoginError LOGIN_WRONG_COUNTRY | LOGIN_CERTIFICATE_UNTRUSTED | LOGIN_EID_REVOKED |
 *   LOGIN_EID_SUSPENDED | LOGIN_EID_STATUS_UNKNOWN | LOGIN_PERSON_UNKNOWN
 * @example
 * ```ts
 * const citizen = await authenticateCertificate(verifier, response.certificate, response.chain);
 * ```
 */
export async function authenticateCertificate(
  v: EidVerifier,
  certificate: Buffer,
  chain: readonly Buffer[] = [],
): Promise<AuthenticatedCitizen> {
  const cert = decodeTarget(certificate);
  const nationalId = identify(cert, v.country);
  const now = v.clock();
  const check = await checkPath(certificate, {
    anchors: v.anchors,
    pool: [...v.pool, ...chain],
    validationTime: now,
    sources: { crls: [], ocspResponses: [], fetcher: v.fetcher, now },
  });
  if (!check.path || check.failure)
    throw new LoginError('LOGIN_CERTIFICATE_UNTRUSTED', check.failure?.message ?? 'no path to the node root');
  await recordSeen(v, check.path);
  checkRevocation(check.path, check.revocation);
  let person;
  try {
    person = await getPerson(v.store, nationalId);
  } catch (e) {
    if (isTrustbridgeError(e, 'EID_PERSON_NOT_FOUND')) throw new LoginError('LOGIN_PERSON_UNKNOWN');
    throw e;
  }
  return {
    country: v.country,
    nationalId,
    givenName: person.givenNames,
    familyName: person.familyName,
    birthDate: person.birthDate,
    // A software wallet key proved by a signature: substantial (2015/1502 §2.2.1), not high.
    acr: LOA.substantial,
    amr: ['pop', 'swk'],
    evidence: cert.serialHex,
  };
}
