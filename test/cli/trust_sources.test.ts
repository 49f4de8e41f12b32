/**
 * `trustbridge validate --trust <LOTL>` end to end: the LOTL as a file with `lotl-signer.pem`
 * beside it (the hub's layout), or as a URL with `--trust-signer`; the member TL fetched over
 * HTTP from a loopback server; a CAdES B-LT signature of a fixed-key node validated offline.
 */
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { toPem } from '../../src/lib/pem.js';
import { extendToLt } from '../../src/signature/cades/lt.js';
import { signCades } from '../../src/signature/cades/sign.js';
import { SERVICE_TYPE } from '../../src/trust/uris.js';
import { freePort, runCli, tempDir } from '../fixtures/cli.js';
import { DOCUMENT, signingFixture } from '../signature/fixtures.js';
import type { SigningFixture } from '../signature/fixtures.js';
import { listSigner, signedList } from '../trust/store/fixtures.js';
import { nodeFetcher } from '../validation/fixtures.js';

const T0 = new Date('2026-01-01T00:00:00Z');
let f: SigningFixture;
const dir = tempDir('tb-trust-cli-');
let server: ReturnType<typeof createServer>;
let base = '';
const served = new Map<string, Buffer>();
let at = '';
let lotlSigner: Awaited<ReturnType<typeof listSigner>>;
let replay: { older: Buffer; newer: Buffer };

before(async () => {
  f = await signingFixture();
  await new Promise<void>((r) => {
    server = createServer((req, res) => {
      const body = served.get(req.url ?? '');
      if (body) res.writeHead(200, { 'content-type': 'application/vnd.etsi.tsl+xml' }).end(body);
      else res.writeHead(404).end();
    }).listen(0, '127.0.0.1', r);
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const tlSigner = await listSigner('PH TL signer', 'citizen-b-auth');
  lotlSigner = await listSigner('Hub LOTL signer', 'citizen-c-auth');
  const issued = new Date(f.clock().getTime() - 3600_000);
  const nextUpdate = new Date('2026-09-01T00:00:00Z');
  const tl = await signedList(
    {
      territory: 'PH',
      sequence: 3,
      issued,
      nextUpdate,
      providers: [
        {
          name: 'PH Digital Agency',
          services: [
            { name: 'PH eID CA', start: T0, certificates: [f.node.eidCa.certificate.der] },
            {
              name: 'PH TSA',
              type: SERVICE_TYPE.tsaQtst,
              start: T0,
              certificates: [f.node.tsa.certificate.der],
            },
          ],
        },
      ],
    },
    tlSigner,
  );
  const lotl = await signedList(
    {
      territory: 'AS',
      lotl: true,
      sequence: 1,
      issued,
      nextUpdate,
      pointers: [{ location: `${base}/ph/trustlist.xml`, certificates: [tlSigner.der], territory: 'PH' }],
    },
    lotlSigner,
  );
  const lotlAt = async (sequence: number): Promise<Buffer> =>
    signedList(
      {
        territory: 'AS',
        lotl: true,
        sequence,
        issued,
        nextUpdate,
        pointers: [{ location: `${base}/ph/trustlist.xml`, certificates: [tlSigner.der], territory: 'PH' }],
      },
      lotlSigner,
    );
  replay = { older: await lotlAt(4), newer: await lotlAt(5) };
  served.set('/ph/trustlist.xml', tl);
  served.set('/lotl.xml', lotl);
  writeFileSync(join(dir.path, 'lotl.xml'), lotl);
  writeFileSync(join(dir.path, 'lotl-signer.pem'), toPem(lotlSigner.der, 'CERTIFICATE'));
  writeFileSync(join(dir.path, 'rogue.pem'), toPem(tlSigner.der, 'CERTIFICATE'));
  const bt = await signCades({
    content: DOCUMENT,
    detached: false,
    signer: f.signer,
    signerCertificate: f.certificate,
    chain: f.chain,
    signingTime: f.clock(),
    level: 'B-T',
    tsa: f.endpoint,
  });
  writeFileSync(
    join(dir.path, 'doc.p7m'),
    await extendToLt(bt, { chain: f.chain, fetcher: nodeFetcher(f), at: f.clock() }),
  );
  at = new Date(f.clock().getTime() + 3600_000).toISOString();
});

after(async () => {
  server.close();
  await f.node.close();
  dir.remove();
});

describe('trustbridge validate --trust <list of trusted lists>', () => {
  it('a LOTL file with lotl-signer.pem beside it: TOTAL-PASSED, the report names PH and the qualification', async () => {
    const r = await runCli([
      'validate',
      '--in',
      join(dir.path, 'doc.p7m'),
      '--trust',
      join(dir.path, 'lotl.xml'),
      '--offline',
      '--at',
      at,
    ]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const report = JSON.parse(r.stdout) as {
      signatures: { indication: string; trust?: Record<string, unknown> }[];
    };
    const s = report.signatures[0]!;
    assert.equal(s.indication, 'TOTAL-PASSED');
    assert.equal(s.trust?.['country'], 'PH');
    assert.equal(s.trust?.['serviceName'], 'PH eID CA');
    assert.equal(s.trust?.['qualification'], 'AdES-QC');
    assert.equal(s.trust?.['source'], `${base}/ph/trustlist.xml`);
  });

  it('a LOTL URL with --trust-signer; the ETSI XML and HTML reports show the trust fields', async () => {
    const lotl = `${base}/lotl.xml`;
    const args = [
      'validate',
      '--in',
      join(dir.path, 'doc.p7m'),
      '--trust',
      lotl,
      '--trust-signer',
      join(dir.path, 'lotl-signer.pem'),
      '--offline',
      '--at',
      at,
    ];
    const json = await runCli(args);
    assert.equal(json.code, 0, json.stderr);
    const xml = await runCli([...args, '--report-format', 'etsi-xml']);
    assert.equal(xml.code, 0, xml.stderr);
    assert.match(xml.stdout, /urn:trustbridge:qualification:AdES-QC/);
    assert.match(xml.stdout, /PH eID CA/);
    const html = await runCli([...args, '--report-format', 'html']);
    assert.match(html.stdout, /Trusted list<\/dt>.*PH Digital Agency, PH eID CA/s);
  });

  it('a LOTL URL with no pin beside it and none given, or the wrong pin: exit 3 with the trust-store code', async () => {
    const noPin = await runCli([
      'validate',
      '--in',
      join(dir.path, 'doc.p7m'),
      '--trust',
      `${base}/lotl.xml`,
      '--offline',
    ]);
    assert.equal(noPin.code, 3);
    assert.match(noPin.stderr, /VALIDATION_TRUST_SOURCE_INVALID: .*--trust-signer/);
    const wrong = await runCli([
      'validate',
      '--in',
      join(dir.path, 'doc.p7m'),
      '--trust',
      `${base}/lotl.xml`,
      '--trust-signer',
      join(dir.path, 'rogue.pem'),
      '--offline',
    ]);
    assert.equal(wrong.code, 3);
    assert.match(wrong.stderr, /TRUST_LIST_SIGNER_UNTRUSTED/);
  });

  it('a trust source URL that cannot be downloaded: TRUST_LIST_UNAVAILABLE, exit 3, with --offline too', async () => {
    const closed = `http://127.0.0.1:${await freePort()}/lotl.xml`;
    for (const source of [closed, `${base}/missing.xml`]) {
      const r = await runCli(['validate', '--in', join(dir.path, 'doc.p7m'), '--trust', source, '--offline']);
      assert.equal(r.code, 3, r.stderr);
      assert.match(
        r.stderr,
        new RegExp(
          `^trustbridge: error TRUST_LIST_UNAVAILABLE: .*trust source ${source.replace(/[./]/g, '\\$&')}`,
          'm',
        ),
      );
    }
  });

  it('an older LOTL replayed at the same URL after a newer one: TRUST_LIST_ROLLBACK, exit 3 (state file 0600)', async () => {
    const state = join(dir.path, 'state', 'trust-state.json');
    const args = [
      'validate',
      '--in',
      join(dir.path, 'doc.p7m'),
      '--trust',
      `${base}/replay/lotl.xml`,
      '--trust-signer',
      join(dir.path, 'lotl-signer.pem'),
      '--offline',
      '--at',
      at,
    ];
    const env = { TRUSTBRIDGE_TRUST_STATE: state };
    served.set('/replay/lotl.xml', replay.newer);
    const first = await runCli(args, { env });
    assert.equal(first.code, 0, first.stderr);
    assert.equal(statSync(state).mode & 0o777, 0o600);
    assert.equal(statSync(dirname(state)).mode & 0o777, 0o700);
    const seen = JSON.parse(readFileSync(state, 'utf8')) as {
      lists: Record<string, { sequenceNumber: number }>;
    };
    assert.equal(seen.lists[`${base}/replay/lotl.xml`]?.sequenceNumber, 5);
    served.set('/replay/lotl.xml', replay.older);
    const replayed = await runCli(args, { env });
    assert.equal(replayed.code, 3, replayed.stderr);
    assert.match(
      replayed.stderr,
      /^trustbridge: error TRUST_LIST_ROLLBACK: .*replay\/lotl\.xml: sequence number 4 is below 5/m,
    );
    served.set('/replay/lotl.xml', replay.newer);
    assert.equal((await runCli(args, { env })).code, 0, 'the same list again is fine');
  });
});
