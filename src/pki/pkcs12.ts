/**
 * PKCS#12 (RFC 7292) reader and writer for citizen wallets.
 *
 * Layout written (what OpenSSL 3 writes by default, with stronger parameters):
 * PFX v3 → authSafe `data` → AuthenticatedSafe of
 *  1. a plain `data` SafeContents with one pkcs8ShroudedKeyBag per key (PBES2: PBKDF2-HMAC-SHA256,
 *     16-byte salt, AES-256-CBC) and one secretBag per CSR;
 *  2. an `encryptedData` SafeContents (same PBES2 scheme) with the certBags: entry certificates
 *     first, then the CA chain.
 * MacData is HMAC-SHA-256 keyed with the RFC 7292 Appendix B KDF (ID 3, SHA-256, 16-byte salt).
 *
 * Bags of one entry share its friendlyName (BMPString) and localKeyId. The localKeyId is
 * SHA-256 of the entry's SubjectPublicKeyInfo (from the private key, else from the
 * certificate); an entry holding only a CSR uses SHA-256 of the CSR DER. CA certificates carry
 * neither attribute. On reading, bags are grouped by localKeyId; a certificate without a
 * localKeyId is a CA certificate.
 */
import { X509Certificate, createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import { ContentInfo, EncryptedContent, EncryptedContentInfo } from '@peculiar/asn1-cms';
import { id_data, id_encryptedData } from '@peculiar/asn1-cms';
import {
  AuthenticatedSafe,
  CertBag,
  PFX,
  PKCS12Attribute,
  PKCS8ShroudedKeyBag,
  SafeBag,
  SafeContents,
  SecretBag,
  id_SafeContents,
  id_SecretBag,
  id_certBag,
  id_keyBag,
  id_pkcs8ShroudedKeyBag,
  id_x509Certificate,
} from '@peculiar/asn1-pfx';
import { EncryptedData, PrivateKeyInfo } from '@peculiar/asn1-pkcs8';
import { AsnConvert, AsnProp, AsnPropTypes, OctetString } from '@peculiar/asn1-schema';
import { DirectoryString } from '@peculiar/asn1-x509';
import { PkiError, UsageError } from '../lib/errors.js';
import {
  IterationBudget,
  MAX_ITERATIONS,
  pbes2Decrypt,
  pbes2Encrypt,
  createMacData,
  verifyMacData,
  pkcs12Malformed as malformed,
} from '../lib/pkcs12_kdf.js';

/**
 * One wallet identity: a key with its certificate and/or CSR, grouped by `name`.
 *
 * @example
 * ```ts
 * const entry: Pkcs12Entry = { name: 'signature', privateKeyPkcs8: keyDer, csr: csrDer };
 * ```
 */
export interface Pkcs12Entry {
  /** friendlyName attribute (e.g. 'authentication', 'signature') — groups a key with its cert/CSR */
  name: string;
  /** unencrypted PKCS#8 PrivateKeyInfo DER (the caller passes it in memory only) */
  privateKeyPkcs8?: Buffer;
  /** DER X.509 certificate */
  certificate?: Buffer;
  /** DER PKCS#10 CSR, stored in a secretBag (RFC 7292 §4.2.5) */
  csr?: Buffer;
}

/**
 * Everything a PKCS#12 file holds that trustbridge uses.
 *
 * @example
 * ```ts
 * const contents: Pkcs12Contents = { entries: [entry], caCertificates: [issuingCaDer, rootCaDer] };
 * ```
 */
export interface Pkcs12Contents {
  entries: Pkcs12Entry[];
  /** extra CA certificates (chain), DER */
  caCertificates: Buffer[];
}

const DEFAULT_ITERATIONS = 100_000;
const MAX_NESTING = 4;

const OID = {
  friendlyName: '1.2.840.113549.1.9.20',
  localKeyId: '1.2.840.113549.1.9.21',
} as const;

/**
 * secretTypeId of the secretBag holding a CSR. RFC 7292 §4.2.5 leaves SecretTypes open and
 * no OID is registered for "a PKCS#10 request in a secretBag", so we use id-data
 * (1.2.840.113549.1.7.1, "arbitrary octets") with secretValue = OCTET STRING containing the
 * CSR DER. The entry's friendlyName and localKeyId on the bag say what it belongs to. OpenSSL 3
 * prints such a bag as "Secret bag … Bag Value: <hex>".
 */
const CSR_SECRET_TYPE = id_data;

/**
 * CMS EncryptedData (RFC 5652 §8) without unprotectedAttrs, absent from @peculiar/asn1-cms.
 * The legacy-style decorator is applied by hand (no experimentalDecorators in this project).
 */
class CmsEncryptedData {
  version = 0;
  encryptedContentInfo = new EncryptedContentInfo();
}
AsnProp({ type: AsnPropTypes.Integer })(CmsEncryptedData.prototype, 'version');
AsnProp({ type: EncryptedContentInfo })(CmsEncryptedData.prototype, 'encryptedContentInfo');

type BagKind = 'key' | 'cert' | 'csr';
type BagGroup = Partial<Record<BagKind, Buffer>> & { name?: string };
interface BagInfo {
  kind: BagKind;
  value: Buffer;
  name?: string;
  localKeyId?: string;
}

/** OCTET STRING that also takes the BER constructed form (some producers use it): joins the parts. */
class BerOctetString extends OctetString {
  override fromASN(asn: Parameters<OctetString['fromASN']>[0]): this {
    super.fromASN(asn);
    this.buffer = asn.getValue();
    return this;
  }
}

function octets(der: ArrayBuffer): Buffer {
  return Buffer.from(AsnConvert.parse(der, BerOctetString).buffer);
}

// ---------------------------------------------------------------------------------------- writer

/**
 * Writes a password-protected PKCS#12 file (PBES2/AES-256-CBC, HMAC-SHA-256 MAC) that OpenSSL 3
 * and other PKCS#12 readers open.
 *
 * @param contents - the entries (key, certificate, CSR per name) and the CA chain
 * @param password - the wallet password (PBES2 uses its UTF-8 bytes, the MAC its BMPString)
 * @param options - `iterations`: PBKDF2 and MAC iteration count (default 100000)
 * @returns the DER-encoded PFX
 * @throws UsageError `USAGE_INVALID_ARGUMENT` for a bad iteration count, an empty entry or two
 *   entries with the same key; `INPUT_MALFORMED` for a key that is not PKCS#8 or a certificate
 *   that does not match its key; PkiError `PKI_CERT_MALFORMED` for a certificate that is not X.509
 * @example
 * ```ts
 * const p12 = encodePkcs12(
 *   { entries: [{ name: 'authentication', privateKeyPkcs8: key, certificate: cert }], caCertificates: [ca] },
 *   'correct horse',
 * );
 * ```
 */
export function encodePkcs12(
  contents: Pkcs12Contents,
  password: string,
  options?: { iterations?: number },
): Buffer {
  const iterations = options?.iterations ?? DEFAULT_ITERATIONS;
  if (!Number.isSafeInteger(iterations) || iterations < 1 || iterations > MAX_ITERATIONS) {
    throw new UsageError('USAGE_INVALID_ARGUMENT', `PKCS#12 iterations must be in 1..${MAX_ITERATIONS}`);
  }
  const { keyBags, certBags } = buildBags(contents, password, iterations);
  const safes = new AuthenticatedSafe([
    dataContentInfo(AsnConvert.serialize(new SafeContents(keyBags))),
    encryptedContentInfo(AsnConvert.serialize(new SafeContents(certBags)), password, iterations),
  ]);
  const authSafe = Buffer.from(AsnConvert.serialize(safes));
  const macData = createMacData(authSafe, password, iterations);
  const pfx = new PFX({ version: 3, authSafe: dataContentInfo(authSafe), macData });
  return Buffer.from(AsnConvert.serialize(pfx));
}

function buildBags(contents: Pkcs12Contents, password: string, iterations: number) {
  const keyBags: SafeBag[] = [];
  const certBags: SafeBag[] = [];
  const seen = new Set<string>();
  for (const entry of contents.entries) {
    const localKeyId = entryLocalKeyId(entry);
    const hex = localKeyId.toString('hex');
    if (seen.has(hex)) {
      throw new UsageError('USAGE_INVALID_ARGUMENT', `PKCS#12 entry "${entry.name}" repeats a key`);
    }
    seen.add(hex);
    const attributes = bagAttributes(entry.name, localKeyId);
    if (entry.privateKeyPkcs8)
      keyBags.push(shroudedKeyBag(entry.privateKeyPkcs8, password, iterations, attributes));
    if (entry.csr) keyBags.push(csrBag(entry.csr, attributes));
    if (entry.certificate) certBags.push(certBag(entry.certificate, attributes));
  }
  for (const ca of contents.caCertificates) {
    certificateSpki(ca, 'CA certificate');
    certBags.push(certBag(ca, undefined));
  }
  return { keyBags, certBags };
}

function entryLocalKeyId(entry: Pkcs12Entry): Buffer {
  const label = `PKCS#12 entry "${entry.name}"`;
  let keySpki: Buffer | undefined;
  if (entry.privateKeyPkcs8) {
    try {
      keySpki = createPublicKey(
        createPrivateKey({ key: entry.privateKeyPkcs8, format: 'der', type: 'pkcs8' }),
      ).export({ type: 'spki', format: 'der' });
    } catch (e) {
      throw new UsageError('INPUT_MALFORMED', `${label}: the private key is not valid PKCS#8`, { cause: e });
    }
  }
  const certSpki = entry.certificate ? certificateSpki(entry.certificate, label) : undefined;
  if (keySpki && certSpki && !keySpki.equals(certSpki)) {
    throw new UsageError('INPUT_MALFORMED', `${label}: the certificate does not belong to the private key`);
  }
  const source = keySpki ?? certSpki ?? entry.csr;
  if (!source) throw new UsageError('USAGE_INVALID_ARGUMENT', `${label} has no key, certificate or CSR`);
  return createHash('sha256').update(source).digest();
}

function certificateSpki(der: Buffer, label: string): Buffer {
  try {
    return new X509Certificate(der).publicKey.export({ type: 'spki', format: 'der' });
  } catch (e) {
    throw new PkiError('PKI_CERT_MALFORMED', `${label}: not a DER X.509 certificate`, { cause: e });
  }
}

function bagAttributes(name: string, localKeyId: Buffer): PKCS12Attribute[] {
  // Object.assign: PKCS12Attribute's constructor (asn1-pfx 2.x) ignores its argument.
  const attribute = (attrId: string, value: object) =>
    Object.assign(new PKCS12Attribute(), { attrId, attrValues: [AsnConvert.serialize(value)] });
  return [
    attribute(OID.friendlyName, new DirectoryString({ bmpString: name })),
    attribute(OID.localKeyId, new OctetString(localKeyId)),
  ];
}

function shroudedKeyBag(pkcs8: Buffer, password: string, iterations: number, attrs: PKCS12Attribute[]) {
  const { algorithm, ciphertext } = pbes2Encrypt(pkcs8, password, iterations);
  const encryptedData = new EncryptedData(ciphertext);
  const bag = new PKCS8ShroudedKeyBag({ encryptionAlgorithm: algorithm, encryptedData });
  return new SafeBag({
    bagId: id_pkcs8ShroudedKeyBag,
    bagValue: AsnConvert.serialize(bag),
    bagAttributes: attrs,
  });
}

function csrBag(csr: Buffer, attrs: PKCS12Attribute[]): SafeBag {
  const secretValue = AsnConvert.serialize(new OctetString(csr));
  const bag = new SecretBag({ secretTypeId: CSR_SECRET_TYPE, secretValue });
  return new SafeBag({ bagId: id_SecretBag, bagValue: AsnConvert.serialize(bag), bagAttributes: attrs });
}

function certBag(der: Buffer, attrs: PKCS12Attribute[] | undefined): SafeBag {
  const certValue = AsnConvert.serialize(new OctetString(der));
  const bag = new CertBag({ certId: id_x509Certificate, certValue });
  return new SafeBag({ bagId: id_certBag, bagValue: AsnConvert.serialize(bag), bagAttributes: attrs });
}

function dataContentInfo(der: ArrayBuffer | Buffer): ContentInfo {
  return new ContentInfo({ contentType: id_data, content: AsnConvert.serialize(new OctetString(der)) });
}

function encryptedContentInfo(der: ArrayBuffer, password: string, iterations: number): ContentInfo {
  const { algorithm, ciphertext } = pbes2Encrypt(new Uint8Array(der), password, iterations);
  const encrypted = new CmsEncryptedData();
  encrypted.encryptedContentInfo = new EncryptedContentInfo({
    contentType: id_data,
    contentEncryptionAlgorithm: algorithm,
    encryptedContent: new EncryptedContent({ value: new OctetString(ciphertext) }),
  });
  return new ContentInfo({ contentType: id_encryptedData, content: AsnConvert.serialize(encrypted) });
}

// ---------------------------------------------------------------------------------------- reader

/**
 * Reads a password-protected PKCS#12 file: verifies the MAC, decrypts the bags and groups keys,
 * certificates and CSRs by localKeyId into entries (named by friendlyName, else `key-1`, …).
 * Certificates without a localKeyId are returned as `caCertificates`. Reads files written by
 * {@link encodePkcs12} and by `openssl pkcs12 -export` (PBES2 with PBKDF2-HMAC-SHA1/224/256/384/512
 * and AES-128/192/256-CBC; MAC with SHA-1/224/256/384/512). Legacy PKCS#12 PBE (3DES, RC2),
 * public-key modes and files without a MAC are rejected.
 *
 * @param der - the DER PFX
 * @param password - the wallet password
 * @returns the entries and CA certificates
 * @throws PkiError `PKI_PKCS12_PASSWORD_WRONG` when the MAC does not verify;
 *   `PKI_PKCS12_MALFORMED` for any structural, algorithm or size problem
 * @example
 * ```ts
 * const { entries } = decodePkcs12(readFileSync('wallet.p12'), 'correct horse');
 * const auth = entries.find((e) => e.name === 'authentication');
 * ```
 */
export function decodePkcs12(der: Uint8Array, password: string): Pkcs12Contents {
  try {
    return readPfx(der, password);
  } catch (e) {
    if (e instanceof PkiError) throw e;
    throw malformed(`cannot parse (${e instanceof Error ? e.message : String(e)})`, e);
  }
}

function readPfx(der: Uint8Array, password: string): Pkcs12Contents {
  const budget = new IterationBudget();
  const pfx = AsnConvert.parse(der, PFX);
  if (pfx.version !== 3) throw malformed(`unsupported PFX version ${String(pfx.version)}`);
  if (pfx.authSafe.contentType !== id_data) {
    throw malformed('only password integrity mode is supported (authSafe must be data)');
  }
  const authSafe = octets(pfx.authSafe.content);
  verifyMacData(pfx.macData, authSafe, password, budget);
  const bags: BagInfo[] = [];
  for (const info of AsnConvert.parse(authSafe, AuthenticatedSafe)) {
    bags.push(...readContentInfo(info, password, budget));
  }
  return groupBags(bags);
}

function readContentInfo(info: ContentInfo, password: string, budget: IterationBudget): BagInfo[] {
  if (info.contentType === id_data) return readSafeContents(octets(info.content), password, budget, 0);
  if (info.contentType !== id_encryptedData) {
    throw malformed(`unsupported safe content type ${info.contentType} (public-key modes are not supported)`);
  }
  const eci = AsnConvert.parse(info.content, CmsEncryptedData).encryptedContentInfo;
  const content = eci.encryptedContent;
  if (eci.contentType !== id_data || !content) throw malformed('encryptedData does not hold encrypted data');
  const ciphertext = content.value
    ? Buffer.from(content.value.buffer)
    : Buffer.concat((content.constructedValue ?? []).map((part) => Buffer.from(part.buffer)));
  const plaintext = pbes2Decrypt(eci.contentEncryptionAlgorithm, ciphertext, password, budget);
  return readSafeContents(plaintext, password, budget, 0);
}

function readSafeContents(der: Buffer, password: string, budget: IterationBudget, depth: number): BagInfo[] {
  if (depth > MAX_NESTING) throw malformed('safeContentsBag nested too deeply');
  const out: BagInfo[] = [];
  for (const bag of AsnConvert.parse(der, SafeContents)) {
    if (bag.bagId === id_SafeContents) {
      out.push(...readSafeContents(Buffer.from(bag.bagValue), password, budget, depth + 1));
      continue;
    }
    const value = readBagValue(bag, password, budget);
    if (value) out.push({ ...value, ...readAttributes(bag.bagAttributes) });
  }
  return out;
}

/** The content of one bag; undefined for bag types we do not represent (CRLs, other secrets). */
function readBagValue(
  bag: SafeBag,
  password: string,
  budget: IterationBudget,
): { kind: BagKind; value: Buffer } | undefined {
  switch (bag.bagId) {
    case id_keyBag:
      return { kind: 'key', value: checkedPkcs8(Buffer.from(bag.bagValue)) };
    case id_pkcs8ShroudedKeyBag: {
      const epki = AsnConvert.parse(bag.bagValue, PKCS8ShroudedKeyBag);
      const encrypted = Buffer.from(epki.encryptedData.buffer);
      return {
        kind: 'key',
        value: checkedPkcs8(pbes2Decrypt(epki.encryptionAlgorithm, encrypted, password, budget)),
      };
    }
    case id_certBag: {
      const cert = AsnConvert.parse(bag.bagValue, CertBag);
      return cert.certId === id_x509Certificate ? { kind: 'cert', value: octets(cert.certValue) } : undefined;
    }
    case id_SecretBag: {
      const secret = AsnConvert.parse(bag.bagValue, SecretBag);
      return secret.secretTypeId === CSR_SECRET_TYPE
        ? { kind: 'csr', value: octets(secret.secretValue) }
        : undefined;
    }
    default:
      return undefined;
  }
}

function checkedPkcs8(der: Buffer): Buffer {
  AsnConvert.parse(der, PrivateKeyInfo);
  return der;
}

function readAttributes(attributes: PKCS12Attribute[] | undefined): { name?: string; localKeyId?: string } {
  const out: { name?: string; localKeyId?: string } = {};
  for (const attr of attributes ?? []) {
    const first = attr.attrValues[0];
    if (first === undefined) continue;
    if (attr.attrId === OID.friendlyName) out.name = AsnConvert.parse(first, DirectoryString).toString();
    else if (attr.attrId === OID.localKeyId) out.localKeyId = octets(first).toString('hex');
  }
  return out;
}

function groupBags(bags: BagInfo[]): Pkcs12Contents {
  const byId = new Map<string, BagGroup>();
  const groups: BagGroup[] = [];
  const caCertificates: Buffer[] = [];
  for (const bag of bags) {
    if (bag.localKeyId === undefined && bag.kind === 'cert') {
      caCertificates.push(bag.value);
      continue;
    }
    let group = bag.localKeyId === undefined ? undefined : byId.get(bag.localKeyId);
    if (!group) {
      group = {};
      groups.push(group);
      if (bag.localKeyId !== undefined) byId.set(bag.localKeyId, group);
    }
    if (group[bag.kind]) throw malformed(`two ${bag.kind} bags share the localKeyId ${bag.localKeyId ?? ''}`);
    group[bag.kind] = bag.value;
    group.name ??= bag.name;
  }
  let unnamed = 0;
  const entries = groups.map((g) => {
    const entry: Pkcs12Entry = { name: g.name ?? `key-${++unnamed}` };
    if (g.key) entry.privateKeyPkcs8 = g.key;
    if (g.cert) entry.certificate = g.cert;
    if (g.csr) entry.csr = g.csr;
    return entry;
  });
  return { entries, caCertificates };
}
