/**
 * Shared fixtures of the tests in this folder.
 *
 * - Helpers of the trust-list writer tests: outside checkers (xmllint against the ETSI TS 119 612
 *   v2.4.1 XSD with the offline catalog, xmlsec1) and a fixed-key TL signer for a test node.
 * - Verifies a list's enveloped signature with the JDK's XMLDSig provider (JSR 105), which is
 *   Apache Santuario's implementation bundled in OpenJDK: a second, independent verifier beside
 *   xmlsec1. The certificate in ds:KeyInfo must be the trusted one or be issued by it. Runs the
 *   Java source file directly (`java Verify.java`, JDK 11+).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toPem } from '../../../src/lib/pem.js';
import { signCertificate } from '../../../src/pki/certificate_builder.js';
import { trustListSignerTemplate } from '../../../src/pki/profiles.js';
import type { IssuerRef, NodeIdentity } from '../../../src/pki/profiles.js';
import type { Signer } from '../../../src/pki/key_store.js';
import { keyObjectSigner } from '../../../src/signature/key_signer.js';
import type { ListFiles, NodeListFile } from '../../../src/node/trust_list_publisher.js';
import { REPO_ROOT, run, tempDir } from '../../fixtures/cli.js';
import { fixedKey, spkiOf } from '../../fixtures/keys.js';
import { FIXED_NOW } from '../../fixtures/node.js';

/** The shared schemas folder. */
export const SCHEMAS = join(REPO_ROOT, '..', 'shared', 'schemas');
/** The TS 119 612 v2.4.1 XSD. */
export const TSL_XSD = join(SCHEMAS, 'ts_119612v020401_xsd.xsd');

/** `--verification-gmt-time` for xmlsec1: a day after FIXED_NOW. */
export const XMLSEC_AT = new Date(FIXED_NOW.getTime() + 86_400_000)
  .toISOString()
  .replace('T', ' ')
  .slice(0, 19);

/** Outcome of an outside tool. */
export interface ToolOutcome {
  code: number | null;
  out: string;
}

/**
 * xmllint --schema on a document. `extensions` validates against a wrapper schema that also
 * imports the sie and additionaltypes schemas, so the contents of the lax Extension and
 * OtherInformation slots (Qualifications, MimeType) are checked too.
 */
export async function xmllint(xml: Buffer | string, extensions = false): Promise<ToolOutcome> {
  const dir = tempDir('tb-tl-xsd-');
  try {
    writeFileSync(join(dir.path, 'list.xml'), xml);
    let schema = TSL_XSD;
    if (extensions) {
      schema = join(dir.path, 'all.xsd');
      const imp = (ns: string, file: string): string =>
        `<xsd:import namespace="${ns}" schemaLocation="file://${join(SCHEMAS, file)}"/>`;
      writeFileSync(
        schema,
        `<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:test:all">` +
          imp('http://uri.etsi.org/02231/v2#', 'ts_119612v020401_xsd.xsd') +
          imp(
            'http://uri.etsi.org/TrstSvc/SvcInfoExt/eSigDir-1999-93-EC-TrustedList/#',
            'ts_119612v020401_sie_xsd.xsd',
          ) +
          imp('http://uri.etsi.org/02231/v2/additionaltypes#', 'ts_119612v020401_additionaltypes_xsd.xsd') +
          `</xsd:schema>`,
      );
    }
    const r = await run('xmllint', ['--noout', '--nonet', '--schema', schema, join(dir.path, 'list.xml')], {
      env: { XML_CATALOG_FILES: join(SCHEMAS, 'catalog.xml') },
    });
    return { code: r.code, out: r.stdout + r.stderr };
  } finally {
    dir.remove();
  }
}

/** xmlsec1 --verify with one trusted PEM certificate (a root, or a self-signed signer). */
export async function xmlsecVerify(xml: Buffer, trusted: Buffer, at = XMLSEC_AT): Promise<ToolOutcome> {
  const dir = tempDir('tb-tl-xmlsec-');
  try {
    writeFileSync(join(dir.path, 'list.xml'), xml);
    writeFileSync(join(dir.path, 'trusted.pem'), toPem(trusted, 'CERTIFICATE'));
    const args = ['--verify', '--trusted-pem', join(dir.path, 'trusted.pem')];
    if (at) args.push('--verification-gmt-time', at);
    args.push(
      '--id-attr:Id',
      'http://uri.etsi.org/01903/v1.3.2#:SignedProperties',
      join(dir.path, 'list.xml'),
    );
    const r = await run('xmlsec1', args);
    return { code: r.code, out: r.stdout + r.stderr };
  } finally {
    dir.remove();
  }
}

/** A TL signer on a fixed P-256 key (`citizen-c-auth` stands in for it), certified by the node root. */
export async function fixedTlSigner(
  identity: NodeIdentity,
  root: { ref: IssuerRef; signer: Signer },
): Promise<{ signer: Signer; certificate: Buffer }> {
  const key = fixedKey('citizen-c-auth');
  const certificate = await signCertificate(
    trustListSignerTemplate(identity, root.ref, spkiOf(key), FIXED_NOW),
    root.signer,
  );
  return { signer: keyObjectSigner(key, 'tl-signer'), certificate };
}

/** In-memory {@link ListFiles} with a write log. */
export function memoryFiles(): ListFiles & { data: Map<NodeListFile, Buffer>; writes: NodeListFile[] } {
  const data = new Map<NodeListFile, Buffer>();
  const writes: NodeListFile[] = [];
  return {
    data,
    writes,
    read: (name) => data.get(name),
    write: (name, bytes) => {
      writes.push(name);
      data.set(name, Buffer.from(bytes));
    },
  };
}

const VERIFY_JAVA = `import java.io.FileInputStream;
import java.security.Key;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.xml.crypto.*;
import javax.xml.crypto.dsig.*;
import javax.xml.crypto.dsig.dom.DOMValidateContext;
import javax.xml.crypto.dsig.keyinfo.*;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.*;

public class Verify {
  public static void main(String[] a) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    Document doc = f.newDocumentBuilder().parse(new FileInputStream(a[0]));
    X509Certificate trusted = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new FileInputStream(a[1]));
    NodeList sigs = doc.getElementsByTagNameNS(XMLSignature.XMLNS, "Signature");
    if (sigs.getLength() != 1) throw new Exception("signatures: " + sigs.getLength());
    NodeList props = doc.getElementsByTagNameNS("http://uri.etsi.org/01903/v1.3.2#", "SignedProperties");
    for (int i = 0; i < props.getLength(); i++) ((Element) props.item(i)).setIdAttributeNS(null, "Id", true);
    final X509Certificate[] used = new X509Certificate[1];
    KeySelector ks = new KeySelector() {
      public KeySelectorResult select(KeyInfo ki, Purpose p, AlgorithmMethod m, XMLCryptoContext c) throws KeySelectorException {
        for (Object o : ki.getContent()) if (o instanceof X509Data) for (Object x : ((X509Data) o).getContent())
          if (x instanceof X509Certificate) { used[0] = (X509Certificate) x; final Key k = used[0].getPublicKey(); return () -> k; }
        throw new KeySelectorException("no certificate in KeyInfo");
      }
    };
    DOMValidateContext ctx = new DOMValidateContext(ks, sigs.item(0));
    XMLSignature sig = XMLSignatureFactory.getInstance("DOM").unmarshalXMLSignature(ctx);
    boolean ok = sig.validate(ctx);
    if (ok) {
      // The KeyInfo certificate must be the trusted one or be signed by it (a root).
      if (!used[0].equals(trusted)) used[0].verify(trusted.getPublicKey());
    }
    int refs = 0; for (Object r : sig.getSignedInfo().getReferences()) if (((Reference) r).validate(ctx)) refs++;
    System.out.println((ok ? "VALID" : "INVALID") + " references " + refs + "/" + sig.getSignedInfo().getReferences().size() + " provider " + XMLSignatureFactory.getInstance("DOM").getProvider().getName());
    System.exit(ok ? 0 : 1);
  }
}
`;

/**
 * Runs the Santuario (JDK XMLDSig) check.
 *
 * @example
 * ```ts
 * const r = await santuarioVerify(xml, rootDer); // r.code === 0, r.out starts with VALID
 * ```
 */
export async function santuarioVerify(xml: Buffer, trusted: Buffer): Promise<ToolOutcome> {
  const dir = tempDir('tb-santuario-');
  try {
    writeFileSync(join(dir.path, 'Verify.java'), VERIFY_JAVA);
    writeFileSync(join(dir.path, 'list.xml'), xml);
    writeFileSync(join(dir.path, 'trusted.pem'), toPem(trusted, 'CERTIFICATE'));
    const r = await run('java', [
      join(dir.path, 'Verify.java'),
      join(dir.path, 'list.xml'),
      join(dir.path, 'trusted.pem'),
    ]);
    return { code: r.code, out: r.stdout + r.stderr };
  } finally {
    dir.remove();
  }
}
