/**
 * Validity periods (RFC 5280 §4.1.2.5) and the time windows in which a path can be valid, for
 * the past-time and proof-of-existence logic of ETSI EN 319 102-1 §5.6.
 */
import { pathError } from '../errors.js';
import type { Certificate } from '../../x509/certificate.js';

/**
 * The validation time in whole seconds, rounded down. Certificate times have one-second
 * granularity and both notBefore and notAfter are inclusive (RFC 5280 §4.1.2.5), so
 * 00:00:00.999 is still "at" 00:00:00.
 *
 * @example
 * ```ts
 * validationSecond(new Date('2024-04-01T00:00:00.500Z')); // Date of 2024-04-01T00:00:00Z
 * ```
 */
export function validationSecond(time: Date): Date {
  return new Date(Math.floor(time.getTime() / 1000) * 1000);
}

/**
 * Checks that `time` lies in the certificate's validity period.
 *
 * @param cert - the certificate
 * @param time - the validation time
 * @param certificateIndex - its position in the path, for the error
 * @throws PathValidationError PATH_EXPIRED or PATH_NOT_YET_VALID
 * @example
 * ```ts
 * checkValidityPeriod(cert, new Date('2025-01-01T00:00:00Z'), 0);
 * ```
 */
export function checkValidityPeriod(cert: Certificate, time: Date, certificateIndex: number): void {
  const t = validationSecond(time).getTime();
  const context = { certificateIndex, subject: cert.subjectText };
  if (t < cert.notBefore.getTime()) {
    throw pathError(
      'PATH_NOT_YET_VALID',
      `${cert.subjectText}: notBefore ${cert.notBefore.toISOString()}`,
      context,
    );
  }
  if (t > cert.notAfter.getTime()) {
    throw pathError('PATH_EXPIRED', `${cert.subjectText}: notAfter ${cert.notAfter.toISOString()}`, context);
  }
}

/** The validity period of one certificate of a path. */
export interface CertificateTimeWindow {
  /** Position in the path: 0 is the target, the last is the trust anchor. */
  certificateIndex: number;
  subject: string;
  serial: string;
  notBefore: Date;
  notAfter: Date;
}

/**
 * The validity period of each certificate of a path, target first.
 *
 * @param path - a path as returned by `validatePath` (target first, trust anchor last)
 * @example
 * ```ts
 * for (const w of certificateTimeWindows(result.path)) console.log(w.subject, w.notAfter);
 * ```
 */
export function certificateTimeWindows(path: readonly Certificate[]): CertificateTimeWindow[] {
  return path.map((c, certificateIndex) => ({
    certificateIndex,
    subject: c.subjectText,
    serial: c.serialHex,
    notBefore: c.notBefore,
    notAfter: c.notAfter,
  }));
}

/**
 * The interval in which every certificate of the path is inside its validity period (the
 * intersection of the windows), or undefined when there is none.
 *
 * @param path - target first, trust anchor last
 * @example
 * ```ts
 * const w = pathTimeWindow(result.path); // { notBefore, notAfter }
 * ```
 */
export function pathTimeWindow(
  path: readonly Certificate[],
): { notBefore: Date; notAfter: Date } | undefined {
  if (path.length === 0) return undefined;
  const notBefore = Math.max(...path.map((c) => c.notBefore.getTime()));
  const notAfter = Math.min(...path.map((c) => c.notAfter.getTime()));
  return notBefore <= notAfter ? { notBefore: new Date(notBefore), notAfter: new Date(notAfter) } : undefined;
}
