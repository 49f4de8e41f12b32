/**
 * Verifies a list's enveloped signature with the JDK's XMLDSig provider (JSR 105), which is
 * Apache Santuario's implementation bundled in OpenJDK: a second, independent verifier beside
 * xmlsec1. The certificate in ds:KeyInfo must be the trusted one or be issued by it. Runs the
 * Java source file directly (`java Verify.java`, JDK 11+).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toPem } from '../../../src/lib/pem.js';
import { run, tempDir } from '../../fixtures/cli.js';
import type { ToolOutcome } from './fixtures.js';

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
