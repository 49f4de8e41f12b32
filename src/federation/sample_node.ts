import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { enrolPerson } from '../eid/issuance.js';
import type { PersonInput } from '../eid/person.js';
import { createWallet, encodeWallet, installCertificates } from '../eid/wallet.js';
import { configPath } from '../node/config.js';
import { openNode } from '../node/context.js';
import { eidContextOf } from '../node/eid_context.js';
import { initNode } from '../node/init.js';
import { addOfficer } from '../node/officers.js';
import { makePrivateDir, writePrivateFile } from '../lib/private_files.js';

/** A sample citizen just enrolled, with the wallet file holding their keys and certificates. */
export interface EnrolledCitizen {
  person: PersonInput;
  nationalId: string;
  wallet: string;
}

/** What a demo country node holds once set up, and where its files go. */
export interface SampleNodeOptions {
  /** The node directory. */
  dir: string;
  country: string;
  name: string;
  baseUrl: string;
  passphrase: string;
  citizens: readonly PersonInput[];
  /** Where each citizen's PKCS#12 wallet goes, named after their family name. */
  walletDir: string;
  officerName: string;
  /** Where the supervisor's bearer token goes. */
  officerTokenFile: string;
  /** Told of each citizen once enrolled, in order. */
  onEnrolled: (citizen: EnrolledCitizen) => void;
}

/**
 * Sets up a demo country node on first run: the node with its CAs, the citizens enrolled with
 * a wallet each and a supervisor officer; a directory that already holds a node is kept as is.
 *
 * @param o - the node and its sample data
 * @returns the supervisor's token, or undefined when the node was already there
 * @example
 * ```ts
 * await setUpSampleNode({
 *   dir: 'demo/ph', country: 'PH', name: 'Republic of the Philippines',
 *   baseUrl: 'http://127.0.0.1:8080', passphrase, citizens,
 *   walletDir: 'demo/wallets', officerName: 'Demo Supervisor', officerTokenFile: 'demo/officer-token',
 *   onEnrolled: (c) => console.log(c.nationalId),
 * });
 * ```
 */
export async function setUpSampleNode(o: SampleNodeOptions): Promise<string | undefined> {
  if (existsSync(configPath(o.dir))) return undefined;
  await initNode({
    dir: o.dir,
    country: o.country,
    name: o.name,
    baseUrl: o.baseUrl,
    passphrase: o.passphrase,
  });
  const node = await openNode(o.dir, { passphrase: o.passphrase });
  try {
    const eid = eidContextOf(node);
    makePrivateDir(o.walletDir);
    for (const person of o.citizens) {
      const wallet = await createWallet();
      const csrs = { authentication: wallet.keys.authentication.csr, signature: wallet.keys.signature.csr };
      const r = await enrolPerson(eid, person, csrs, 'demo');
      const filled = installCertificates(
        wallet,
        { authentication: r.certificates.authentication.der, signature: r.certificates.signature.der },
        [node.eidCa.certificate.der, node.root.certificate.der],
      );
      const file = join(o.walletDir, `${person.familyName.toLowerCase().replace(/\s+/g, '-')}.p12`);
      writePrivateFile(file, encodeWallet(filled, o.passphrase));
      o.onEnrolled({ person, nationalId: r.person.nationalId, wallet: file });
    }
    const officer = await addOfficer(node.store, o.officerName, 'supervisor', node.clock());
    writePrivateFile(o.officerTokenFile, `${officer.token}\n`);
    return officer.token;
  } finally {
    await node.close();
  }
}
