/** Shared set-up of the signature tests: a test node, an enrolled citizen and an in-process TSA. */
import { enrolPerson } from '../../src/eid/issuance.js';
import type { Signer } from '../../src/pki/key_store.js';
import { keyObjectSigner } from '../../src/signature/key_signer.js';
import type { TsaEndpoint } from '../../src/signature/cades/sign.js';
import type { TspTransport } from '../../src/timestamp/client.js';
import { TimeStampAuthority } from '../../src/timestamp/tsa.js';
import { fixedKey } from '../fixtures/keys.js';
import { PERSON_A, csrPair, makeTestNode, testClock } from '../fixtures/node.js';
import type { TestClock, TestNode } from '../fixtures/node.js';

/** The document the tests sign. */
export const DOCUMENT = Buffer.from(
  'Memorandum of Understanding on the mutual recognition of e-signatures\n',
);

/** A test node with citizen A enrolled: their signature key, certificate and chain, and a TSA. */
export interface SigningFixture {
  node: TestNode;
  /** The node's clock, which tests may move. */
  clock: TestClock;
  signer: Signer;
  certificate: Buffer;
  chain: Buffer[];
  tsa: TimeStampAuthority;
  endpoint: TsaEndpoint;
}

/** Builds the {@link SigningFixture} on the fixed keys and the node's fixed clock. */
export async function signingFixture(clock: TestClock = testClock()): Promise<SigningFixture> {
  const node = await makeTestNode({ clock });
  const issued = await enrolPerson(node.eid, PERSON_A, await csrPair('a'), 'officer-1');
  const tsa = new TimeStampAuthority({
    signer: node.tsa.signer,
    certificate: node.tsa.certificate.der,
    chain: [node.root.certificate.der],
    clock: node.clock,
  });
  const transport: TspTransport = async (_url, body) => ({
    status: 200,
    body: await tsa.respond(body),
    contentType: 'application/timestamp-reply',
  });
  return {
    node,
    clock,
    signer: keyObjectSigner(fixedKey('citizen-a-sig')),
    certificate: issued.certificates.signature.der,
    chain: [node.eidCa.certificate.der, node.root.certificate.der],
    tsa,
    endpoint: { url: 'https://pki.test.example/tsa', transport },
  };
}
