/**
 * Stand-ins for the CAdES and XAdES extractors that do check digests, enough to run the DSS
 * corpus through the ASiC layer before the real extractors exist: the CAdES stub compares the
 * messageDigest signed attribute with the detached content (RFC 5652 clause 11.2), the XAdES stub
 * compares the DigestValue of each whole-file ds:Reference (no transforms) with the file. Neither
 * verifies a signature value or looks at certificates.
 */
import { createHash } from 'node:crypto';
import { CMS_OID, hashOfOid, parseSignedData } from '../../../src/pki/cms_signed_data.js';
import { DS_NS, uriToPath } from '../../../src/signature/asic/manifest.js';
import { parseXml } from '../../../src/signature/asic/xml_scan.js';
import type { XmlElement } from '../../../src/signature/asic/xml_scan.js';
import type { DetachedContent } from '../../../src/lib/document_source.js';
import type { Extractor, IntegrityResult } from '../../../src/signature/model.js';
import { fakeSignature } from './stubs.js';
import type { StubCall } from './stubs.js';

const XML_DIGESTS: Record<string, string> = {
  'http://www.w3.org/2000/09/xmldsig#sha1': 'sha1',
  'http://www.w3.org/2001/04/xmlenc#sha256': 'sha256',
  'http://www.w3.org/2001/04/xmldsig-more#sha384': 'sha384',
  'http://www.w3.org/2001/04/xmlenc#sha512': 'sha512',
};

/** The recorded calls of both stubs. */
export interface DigestStubs {
  cades: Extractor;
  xades: Extractor;
  calls: { cades: StubCall[]; xades: StubCall[] };
}

function cadesIntegrity(p7s: Buffer, detached: readonly DetachedContent[]): IntegrityResult {
  const sd = parseSignedData(p7s);
  const si = sd.signerInfos[0]!;
  const md = si.signedAttributes.get(CMS_OID.messageDigest)?.[0];
  const hash = hashOfOid(si.digestAlgorithm);
  const content = sd.eContent ?? detached[0]?.bytes;
  if (!content) return { status: 'not-found', detail: 'no detached content' };
  if (!md || !hash) return { status: 'not-found', detail: 'no messageDigest' };
  // messageDigest is an OCTET STRING: skip its two-byte header (digests are < 128 bytes).
  const ok = md.subarray(2).equals(createHash(hash).update(content).digest());
  return ok ? { status: 'intact' } : { status: 'hash-failure', detail: 'messageDigest differs' };
}

function child(el: XmlElement, local: string): XmlElement | undefined {
  return el.children.find((c) => c.ns === DS_NS && c.local === local);
}

function topSignatures(el: XmlElement): XmlElement[] {
  if (el.ns === DS_NS && el.local === 'Signature') return [el];
  return el.children.flatMap(topSignatures);
}

function referenceIntegrity(ref: XmlElement, files: Map<string, Buffer>): IntegrityResult {
  const uri = ref.attrs.get('URI') ?? '';
  if (uri === '' || uri.startsWith('#') || child(ref, 'Transforms')) return { status: 'intact' };
  const bytes = files.get(uriToPath(uri));
  if (!bytes) return { status: 'not-found', detail: uri };
  const alg = XML_DIGESTS[child(ref, 'DigestMethod')?.attrs.get('Algorithm') ?? ''];
  const value = Buffer.from(child(ref, 'DigestValue')?.text.replace(/\s+/g, '') ?? '', 'base64');
  if (!alg) return { status: 'not-found', detail: `unknown digest of ${uri}` };
  const ok = createHash(alg).update(bytes).digest().equals(value);
  return ok ? { status: 'intact' } : { status: 'hash-failure', detail: uri };
}

function xadesIntegrity(sig: XmlElement, files: Map<string, Buffer>): IntegrityResult {
  const refs = (child(sig, 'SignedInfo')?.children ?? []).filter((c) => c.local === 'Reference');
  const results = refs.map((r) => referenceIntegrity(r, files));
  return (
    results.find((r) => r.status === 'hash-failure') ??
    results.find((r) => r.status === 'not-found') ?? { status: 'intact' }
  );
}

/**
 * Makes the two digest-checking stubs.
 *
 * @returns the stubs and their recorded calls
 * @example `const stubs = digestStubs(); await asicExtractor(stubs)(src, {})`
 */
export function digestStubs(): DigestStubs {
  const calls = { cades: [] as StubCall[], xades: [] as StubCall[] };
  const cades: Extractor = async (source, options) => {
    const bytes = await source.read(0, source.size);
    calls.cades.push({ bytes, options });
    return [fakeSignature('CAdES', 'S-1', cadesIntegrity(bytes, options.detached ?? []))];
  };
  const xades: Extractor = async (source, options) => {
    const bytes = await source.read(0, source.size);
    calls.xades.push({ bytes, options });
    const files = new Map((options.detached ?? []).map((d) => [d.name ?? '', d.bytes]));
    return topSignatures(parseXml(bytes)).map((s, i) =>
      fakeSignature('XAdES', s.attrs.get('Id') ?? `S-${i + 1}`, xadesIntegrity(s, files)),
    );
  };
  return { cades, xades, calls };
}
