import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { enrolPerson } from '../../eid/issuance.js';
import { createWallet, encodeWallet, installCertificates } from '../../eid/wallet.js';
import { openNode } from '../../node/context.js';
import { eidContextOf } from '../../node/eid_context.js';
import { initNode } from '../../node/init.js';
import { addOfficer } from '../../node/officers.js';
import { serveNode } from '../../server/serve.js';
import { int, parseOptions, str } from '../args.js';
import type { Command } from '../command.js';
import { federationPassphrase } from './federation.js';
import { waitForSignal } from './node.js';

/** Sample citizens of the demo node (fictitious). */
const SAMPLE_CITIZENS = [
  {
    givenNames: 'Maria Clara',
    familyName: 'Santos',
    birthDate: '1990-05-17',
    placeOfBirth: 'Quezon City',
    sex: 'F',
  },
  {
    givenNames: 'Jose',
    familyName: 'Rizal Mercado',
    birthDate: '1986-06-19',
    placeOfBirth: 'Calamba',
    sex: 'M',
  },
  {
    givenNames: 'Andrea',
    familyName: 'Bautista',
    birthDate: '2001-11-02',
    placeOfBirth: 'Cebu City',
    sex: 'F',
  },
];

async function setUpDemo(dir: string, port: number, passphrase: string): Promise<string | undefined> {
  const nodeDir = join(dir, 'ph');
  if (existsSync(join(nodeDir, 'node.json'))) return undefined;
  await initNode({
    dir: nodeDir,
    country: 'PH',
    name: 'Republic of the Philippines',
    baseUrl: `http://127.0.0.1:${port}`,
    passphrase,
  });
  const node = await openNode(nodeDir, { passphrase });
  try {
    const eid = eidContextOf(node);
    mkdirSync(join(dir, 'wallets'), { recursive: true });
    for (const c of SAMPLE_CITIZENS) {
      const wallet = await createWallet();
      const r = await enrolPerson(
        eid,
        c,
        { authentication: wallet.keys.authentication.csr, signature: wallet.keys.signature.csr },
        'demo',
      );
      const filled = installCertificates(
        wallet,
        { authentication: r.certificates.authentication.der, signature: r.certificates.signature.der },
        [node.eidCa.certificate.der, node.root.certificate.der],
      );
      const file = join(dir, 'wallets', `${c.familyName.toLowerCase().replace(/\s+/g, '-')}.p12`);
      writeFileSync(file, encodeWallet(filled, passphrase), { mode: 0o600 });
      process.stdout.write(
        `  enrolled ${c.givenNames} ${c.familyName}: national id ${r.person.nationalId}, wallet ${file}\n`,
      );
    }
    const officer = await addOfficer(node.store, 'Demo Supervisor', 'supervisor', node.clock());
    writeFileSync(join(dir, 'officer-token'), officer.token + '\n', { mode: 0o600 });
    return officer.token;
  } finally {
    await node.close();
  }
}

const demo: Command = {
  words: ['demo'],
  usage: 'demo [--dir DIR] [--port N]   # a demo country node with sample citizens (npm start)',
  async run(argv) {
    const { values: o } = parseOptions(argv, { dir: { type: 'string' }, port: { type: 'string' } });
    const dir = resolve(str(o, 'dir') ?? 'demo');
    const port = int(o, 'port', 8080, 1, 65535);
    const passphrase = federationPassphrase(dir);
    process.stdout.write(`trustbridge demo in ${dir}\n`);
    await setUpDemo(dir, port, passphrase);
    const node = await openNode(join(dir, 'ph'), { passphrase });
    try {
      const srv = await serveNode(node, '127.0.0.1', port);
      process.stdout.write(
        [
          `PH country node: ${srv.url}`,
          `  CA certificates  ${srv.url}/ca/root.pem  ${srv.url}/ca/eid-ca.pem`,
          `  CRL              ${srv.url}/crl/eid-ca.crl`,
          `  OCSP             ${srv.url}/ocsp`,
          `  operator API     ${srv.url}/api/v1 (token in ${join(dir, 'officer-token')})`,
          `  OpenAPI          ${srv.url}/openapi.json`,
          `  passphrase of keys and wallets: ${join(dir, '.passphrase')}`,
          'Ctrl-C stops it.',
          '',
        ].join('\n'),
      );
      await waitForSignal();
      await srv.close();
    } finally {
      await node.close();
    }
    return 0;
  },
};

export const demoCommands: Command[] = [demo];
