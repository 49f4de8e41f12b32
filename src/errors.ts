/**
 * The assembled catalogue of every trustbridge error code. Each domain keeps its codes in one
 * closed list in its own `errors.ts`; this file (above every layer) joins them, and fails to
 * compile, and throws at load, if a code is listed twice. The HTTP status of each code lives at
 * the HTTP edge (`src/server/errors.ts`).
 */
import { CSV_ERRORS, LIB_ERRORS, PKI_ERRORS } from './lib/errors.js';
import type { ErrorList } from './lib/errors.js';
import { PDF_ERRORS } from './lib/pdf/errors.js';
import { XML_ERRORS } from './lib/xml/errors.js';
import { ZIP_ERRORS } from './lib/zip/errors.js';
import { X509_ERRORS } from './x509/errors.js';
import { KEY_STORE_ERRORS } from './pki/errors.js';
import { STORE_ERRORS } from './store/errors.js';
import { TIMESTAMP_ERRORS } from './timestamp/errors.js';
import { SIGNATURE_ERRORS } from './signature/errors.js';
import { ASIC_ERRORS } from './signature/asic/errors.js';
import { JADES_ERRORS } from './signature/jades/errors.js';
import { PADES_ERRORS } from './signature/pades/errors.js';
import { XADES_ERRORS } from './signature/xades/errors.js';
import { PATH_VALIDATION_ERRORS, VALIDATION_ERRORS } from './validation/errors.js';
import { TRUST_STORE_ERRORS } from './trust/store/errors.js';
import { TL_PUBLISH_ERRORS } from './trust/writer/errors.js';
import { LEDGER_ERRORS } from './ledger/errors.js';
import { EID_ERRORS } from './eid/errors.js';
import { NODE_ERRORS } from './node/errors.js';
import { CERT_ERRORS } from './cert/errors.js';
import { LOGIN_ERRORS } from './login/errors.js';
import { HUB_ERRORS } from './hub/errors.js';
import { PORTAL_ERRORS } from './portal/errors.js';
import { TAX_PORTAL_ERRORS } from './federation/tax_portal/errors.js';
import { HTTP_ERRORS } from './server/errors.js';

/**
 * Every domain list, by the folder that owns it, lowest layer first.
 *
 * @example
 * ```ts
 * Object.keys(DOMAIN_ERROR_LISTS['timestamp']); // ['TSP_TRANSPORT_FAILED', ...]
 * ```
 */
export const DOMAIN_ERROR_LISTS = {
  lib: LIB_ERRORS,
  'lib/pki': PKI_ERRORS,
  'lib/csv': CSV_ERRORS,
  'lib/xml': XML_ERRORS,
  'lib/pdf': PDF_ERRORS,
  'lib/zip': ZIP_ERRORS,
  x509: X509_ERRORS,
  pki: KEY_STORE_ERRORS,
  store: STORE_ERRORS,
  timestamp: TIMESTAMP_ERRORS,
  signature: SIGNATURE_ERRORS,
  'signature/asic': ASIC_ERRORS,
  'signature/jades': JADES_ERRORS,
  'signature/pades': PADES_ERRORS,
  'signature/xades': XADES_ERRORS,
  'validation/path': PATH_VALIDATION_ERRORS,
  validation: VALIDATION_ERRORS,
  'trust/store': TRUST_STORE_ERRORS,
  'trust/writer': TL_PUBLISH_ERRORS,
  ledger: LEDGER_ERRORS,
  eid: EID_ERRORS,
  node: NODE_ERRORS,
  cert: CERT_ERRORS,
  login: LOGIN_ERRORS,
  hub: HUB_ERRORS,
  portal: PORTAL_ERRORS,
  'federation/tax_portal': TAX_PORTAL_ERRORS,
  server: HTTP_ERRORS,
} as const satisfies Record<string, ErrorList>;

type Lists = typeof DOMAIN_ERROR_LISTS;
type Domain = keyof Lists;
type CodesOf<D extends Domain> = keyof Lists[D] & string;

/** Codes listed both by domain `D` and by another domain (`never` when the lists are disjoint). */
type Clash<D extends Domain> = {
  [O in Exclude<Domain, D>]: CodesOf<D> & CodesOf<O>;
}[Exclude<Domain, D>];

/** A compile-time check: each domain's codes clash with no other domain's. */
type Disjoint = { [D in Domain]: Clash<D> }[Domain];
const noCodeListedTwice: [Disjoint] extends [never] ? true : { duplicated: Disjoint } = true;
void noCodeListedTwice;

/** A stable trustbridge error code. */
export type ErrorCode = { [D in Domain]: CodesOf<D> }[Domain];

function assemble(): { readonly [C in ErrorCode]: { readonly text: string } } {
  const all: Record<string, { readonly text: string }> = {};
  for (const [domain, list] of Object.entries(DOMAIN_ERROR_LISTS)) {
    for (const [code, entry] of Object.entries(list)) {
      if (Object.hasOwn(all, code))
        throw new Error(`error code ${code} is listed twice (again in ${domain})`);
      all[code] = entry;
    }
  }
  return all as { readonly [C in ErrorCode]: { readonly text: string } };
}

/**
 * Every trustbridge error code with its text. Codes are stable: scripts and relying parties
 * match on them.
 *
 * @example
 * ```ts
 * ERROR_CATALOGUE.INPUT_TOO_LARGE.text; // 'the input exceeds the size limit'
 * ```
 */
export const ERROR_CATALOGUE = assemble();

// The package's `./errors` entry point: the catalogue, the base class and the error classes
// `lib/errors.ts` used to export, and the HTTP status of a code.
export { TrustbridgeError, UsageError, PkiError, CsvError, isTrustbridgeError } from './lib/errors.js';
export { KeyStoreError } from './pki/errors.js';
export { StoreError } from './store/errors.js';
export { EidError } from './eid/errors.js';
export { NodeError } from './node/errors.js';
export { HttpError, HTTP_STATUS, httpStatus } from './server/errors.js';
