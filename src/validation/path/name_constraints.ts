/**
 * RFC 5280 §4.2.1.10 and §6.1.3 (b)-(c), §6.1.4 (g): name constraints for dNSName, rfc822Name,
 * iPAddress, directoryName and URI. Permitted subtrees are kept as one group per constraining
 * certificate (a name must fall in every group that constrains its form, which is the
 * intersection of §6.1.4 (g)(1)); excluded subtrees are their union.
 */
import { attributeTexts, isWithinDirectorySubtree } from '../../x509/name.js';
import { isValidDnsName, isValidMailbox, uriHost } from '../../x509/general_names.js';
import type { GeneralName, GeneralNameType } from '../../x509/general_names.js';
import { PathValidationError, pathError } from '../errors.js';
import type { Certificate } from '../../x509/certificate.js';
import { OID } from '../../x509/oids.js';

/** The permitted and excluded subtrees accumulated along a path. */
export interface NameConstraintState {
  readonly permitted: readonly (readonly GeneralName[])[];
  readonly excluded: readonly GeneralName[];
}

/**
 * No constraints: the initial state of §6.1.2 (b)-(c).
 *
 * @example
 * ```ts
 * const state = addNameConstraints(NO_NAME_CONSTRAINTS, anchor, 1);
 * ```
 */
export const NO_NAME_CONSTRAINTS: NameConstraintState = { permitted: [], excluded: [] };

function validIpConstraint(bytes: Buffer): boolean {
  if (bytes.length !== 8 && bytes.length !== 32) return false;
  const mask = [...bytes.subarray(bytes.length / 2)].map((b) => b.toString(2).padStart(8, '0')).join('');
  return /^1*0*$/.test(mask);
}

function validHostConstraint(c: string): boolean {
  return isValidDnsName(c.startsWith('.') ? c.slice(1) : c);
}

/** Whether a subtree base is well formed for its form (RFC 5280 §4.2.1.10). */
function validConstraint(base: GeneralName): boolean {
  switch (base.type) {
    case 'dNSName':
      // "host.example.com" only: no wildcard, no leading period (that form is for URIs and mail).
      return base.value === '' || isValidDnsName(base.value);
    case 'rfc822Name':
      return isValidMailbox(base.value) || validHostConstraint(base.value);
    case 'uniformResourceIdentifier':
      return validHostConstraint(base.value);
    case 'iPAddress':
      return validIpConstraint(base.bytes);
    default:
      return true;
  }
}

/**
 * Adds a CA certificate's (or trust anchor's) nameConstraints to the state (§6.1.4 (g)).
 *
 * @param state - constraints so far
 * @param cert - the certificate whose constraints to add
 * @param certificateIndex - its position in the path, for errors
 * @throws PathValidationError PATH_NAME_CONSTRAINTS when a subtree is malformed
 * @example
 * ```ts
 * let nc = addNameConstraints(NO_NAME_CONSTRAINTS, anchor, path.length - 1);
 * ```
 */
export function addNameConstraints(
  state: NameConstraintState,
  cert: Certificate,
  certificateIndex: number,
): NameConstraintState {
  const nc = cert.extensions.nameConstraints;
  if (!nc) return state;
  for (const st of [...(nc.permitted ?? []), ...(nc.excluded ?? [])]) {
    // §4.2.1.10: "minimum MUST be zero, and maximum MUST be absent"
    if (st.minimum !== 0 || st.maximum !== undefined || !validConstraint(st.base)) {
      throw pathError('PATH_NAME_CONSTRAINTS', `${cert.subjectText}: malformed ${st.base.type} subtree`, {
        certificateIndex,
        subject: cert.subjectText,
      });
    }
  }
  return {
    permitted: nc.permitted ? [...state.permitted, nc.permitted.map((s) => s.base)] : state.permitted,
    excluded: [...state.excluded, ...(nc.excluded ?? []).map((s) => s.base)],
  };
}

function dnsWithin(name: string, c: string, excluded: boolean): boolean {
  const n = name.toLowerCase();
  const base = c.toLowerCase();
  if (base === '' || n === base || n.endsWith(`.${base}`)) return true;
  // A wildcard name stands for every name one label down, so it hits an excluded subtree that
  // lies below its parent domain (*.example.com may be bar.example.com).
  return excluded && n.startsWith('*.') && base.endsWith(n.slice(1));
}

function mailboxWithin(mailbox: string, c: string): boolean {
  const at = mailbox.lastIndexOf('@');
  const domain = mailbox.slice(at + 1).toLowerCase();
  if (c.includes('@')) {
    const cat = c.lastIndexOf('@');
    return mailbox.slice(0, at) === c.slice(0, cat) && domain === c.slice(cat + 1).toLowerCase();
  }
  return c.startsWith('.') ? domain.endsWith(c.toLowerCase()) : domain === c.toLowerCase();
}

function ipWithin(ip: Buffer, c: Buffer): boolean {
  if (c.length !== ip.length * 2) return false;
  return [...ip].every((b, i) => (b & c[ip.length + i]!) === (c[i]! & c[ip.length + i]!));
}

/** Whether `name` lies in the subtree `base` of the same form; throws when it cannot be judged. */
function within(name: GeneralName, base: GeneralName, excluded: boolean): boolean {
  if (name.type === 'dNSName' && base.type === 'dNSName') return dnsWithin(name.value, base.value, excluded);
  if (name.type === 'rfc822Name' && base.type === 'rfc822Name') return mailboxWithin(name.value, base.value);
  if (name.type === 'iPAddress' && base.type === 'iPAddress') return ipWithin(name.bytes, base.bytes);
  if (name.type === 'directoryName' && base.type === 'directoryName') {
    return isWithinDirectorySubtree(name.name, base.name);
  }
  if (name.type === 'uniformResourceIdentifier' && base.type === 'uniformResourceIdentifier') {
    const host = uriHost(name.value)!;
    const c = base.value.toLowerCase();
    return c.startsWith('.') ? host.endsWith(c) : host === c;
  }
  // §4.2.1.10: a constrained form the application cannot process means the certificate is rejected.
  throw pathError('PATH_NAME_CONSTRAINTS', `cannot apply ${base.type} constraints`);
}

/** A name that is not well formed cannot be shown to lie inside or outside any subtree. */
function wellFormed(name: GeneralName): boolean {
  switch (name.type) {
    case 'dNSName':
      return isValidDnsName(name.value, { wildcard: true });
    case 'rfc822Name':
      return isValidMailbox(name.value);
    case 'iPAddress':
      return name.bytes.length === 4 || name.bytes.length === 16;
    case 'uniformResourceIdentifier':
      return uriHost(name.value) !== undefined;
    default:
      return true;
  }
}

/**
 * The names of a certificate that constraints apply to: the subject (when not empty), the
 * subjectAltName entries, subject emailAddress attributes when there is no subjectAltName
 * (§4.2.1.10), and for an end entity without dNSName entries, subject commonNames that are host
 * names (the common practice for legacy server certificates).
 */
function constrainedNames(cert: Certificate, isTarget: boolean): GeneralName[] {
  const names: GeneralName[] = [];
  if (!cert.subject.isEmpty) names.push({ type: 'directoryName', name: cert.subject });
  const san = cert.extensions.subjectAltName?.names;
  if (san) names.push(...san);
  else {
    for (const value of attributeTexts(cert.subject, OID.emailAddress))
      names.push({ type: 'rfc822Name', value });
  }
  if (isTarget && !san?.some((n) => n.type === 'dNSName')) {
    for (const cn of attributeTexts(cert.subject, OID.commonName)) {
      if (cn.includes('.') && isValidDnsName(cn)) names.push({ type: 'dNSName', value: cn });
    }
  }
  return names;
}

function describe(name: GeneralName): string {
  if ('value' in name) return `${name.type} ${JSON.stringify(name.value)}`;
  if (name.type === 'iPAddress') return `iPAddress ${name.bytes.toString('hex')}`;
  if (name.type === 'directoryName') return `directoryName ${name.name.key}`;
  return name.type;
}

function checkName(state: NameConstraintState, name: GeneralName): string | undefined {
  const type: GeneralNameType = name.type;
  const excluded = state.excluded.filter((b) => b.type === type);
  const groups = state.permitted.map((g) => g.filter((b) => b.type === type)).filter((g) => g.length > 0);
  if (excluded.length === 0 && groups.length === 0) return undefined;
  if (!wellFormed(name)) return `${describe(name)} is not well formed`;
  try {
    if (excluded.some((b) => within(name, b, true))) return `${describe(name)} is in an excluded subtree`;
    if (groups.some((g) => !g.some((b) => within(name, b, false)))) {
      return `${describe(name)} is not in the permitted subtrees`;
    }
  } catch (e) {
    return `${describe(name)}: ${e instanceof PathValidationError ? e.detail : (e as Error).message}`;
  }
  return undefined;
}

/**
 * Checks a certificate's names against the accumulated constraints (§6.1.3 (b)-(c)).
 *
 * @param state - the constraints of the certificates above it
 * @param cert - the certificate to check
 * @param certificateIndex - its position in the path (0 is the target)
 * @throws PathValidationError PATH_NAME_CONSTRAINTS
 * @example
 * ```ts
 * checkNameConstraints(state, leaf, 0);
 * ```
 */
export function checkNameConstraints(
  state: NameConstraintState,
  cert: Certificate,
  certificateIndex: number,
): void {
  if (state.permitted.length === 0 && state.excluded.length === 0) return;
  for (const name of constrainedNames(cert, certificateIndex === 0)) {
    const problem = checkName(state, name);
    if (problem) {
      throw pathError('PATH_NAME_CONSTRAINTS', `${cert.subjectText}: ${problem}`, {
        certificateIndex,
        subject: cert.subjectText,
      });
    }
  }
}
