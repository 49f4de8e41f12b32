/**
 * The hub's command-line contract end to end, over real HTTP: `hub init`, `hub member add` with
 * a node's trust-list URL and `tl-signer.pem`, `hub member suspend|remove`, `hub serve` with
 * /lotl.xml fetched like curl does; every LOTL checked by xmllint, xmlsec1, Apache Santuario
 * and our verifier; the pointer followed to the member's served list, verified with the pinned
 * certificate; bad input gets stable error codes and exit status 3.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fromPemAll } from '../../src/lib/pem.js';
import { parseXml } from '../../src/lib/xml/parser.js';
import { attribute, descendants, textContent } from '../../src/lib/xml/query.js';
import type { XmlElement } from '../../src/lib/xml/dom.js';
import { verifyEnvelopedSignature } from '../../src/signature/xades/enveloped.js';
import { HUB_LOTL, NS, TSL } from '../../src/trust/uris.js';
import {
  CLI,
  childEnv,
  cliJson,
  errorCode,
  freePort,
  initNode,
  missingTools,
  runCli,
  startServe,
  tempDir,
} from '../fixtures/cli.js';
import type { Served } from '../fixtures/cli.js';
import { xmllint, xmlsecVerify } from '../trust/writer/fixtures.js';
import { santuarioVerify } from '../trust/writer/fixtures.js';

/** Starts `trustbridge hub serve` and resolves once it prints its URL. */
function startHub(dir: string, port: number): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [CLI, 'hub', 'serve', '--dir', dir, '--port', String(port)], {
    env: childEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stop = (): Promise<void> =>
    child.exitCode !== null
      ? Promise.resolve()
      : new Promise((r) => (child.once('exit', () => r()), child.kill('SIGTERM')));
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => (void stop(), reject(new Error(`hub serve did not start\n${out}\n${err}`))),
      30_000,
    );
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once(
      'exit',
      (c) => (clearTimeout(timer), reject(new Error(`hub serve exited ${c}\n${out}\n${err}`))),
    );
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve({ url: m[1]!, stop });
    });
  });
}

const pemCert = (file: string): Buffer => fromPemAll(readFileSync(file, 'utf8'), 'CERTIFICATE')[0]!;

function pointersOf(xml: Buffer): XmlElement[] {
  return descendants(parseXml(xml), NS.tsl, 'OtherTSLPointer');
}

function text(el: XmlElement, local: string): string[] {
  return descendants(el, NS.tsl, local).map(textContent);
}

async function checkLotl(xml: Buffer, signer: Buffer): Promise<void> {
  verifyEnvelopedSignature(xml, signer);
  if (!missingTools('xmllint')) assert.equal((await xmllint(xml, true)).code, 0);
  if (!missingTools('xmlsec1')) {
    const r = await xmlsecVerify(xml, signer, '');
    assert.equal(r.code, 0, r.out);
  }
  if (!missingTools('java')) {
    const r = await santuarioVerify(xml, signer);
    assert.equal(r.code, 0, r.out);
  }
}

describe('trustbridge hub', () => {
  const tmp = tempDir('tb-hub-e2e-');
  const hubDir = join(tmp.path, 'hub');
  const ph = join(tmp.path, 'ph');
  const vn = join(tmp.path, 'vn');
  let phPort = 0;
  let hubPort = 0;
  let phServed: Served | undefined;
  let hub: { url: string; stop(): Promise<void> } | undefined;
  let lotlSigner: Buffer;

  before(async () => {
    [phPort, hubPort] = [await freePort(), await freePort()];
    await initNode(ph, ['--base-url', `http://127.0.0.1:${phPort}`]);
    await cliJson(['node', 'init', '--dir', vn, '--country', 'VN', '--base-url', 'http://127.0.0.1:1']);
    phServed = await startServe(ph, { port: phPort });
  });
  after(async () => {
    await hub?.stop();
    await phServed?.stop();
    tmp.remove();
  });

  const lotlFile = (): Buffer => readFileSync(join(hubDir, 'public', 'lotl.xml'));

  it('hub init writes lotl.xml (sequence 1) and lotl-signer.pem', async () => {
    const out = await cliJson<{ sequenceNumber: number; territory: string }>([
      'hub',
      'init',
      '--dir',
      hubDir,
      '--name',
      'Regional Digital Trust Hub',
      '--base-url',
      `http://127.0.0.1:${hubPort}`,
    ]);
    assert.deepEqual([out.sequenceNumber, out.territory], [1, 'XR']);
    lotlSigner = pemCert(join(hubDir, 'public', 'lotl-signer.pem'));
    await checkLotl(lotlFile(), lotlSigner);
    const again = await runCli(['hub', 'init', '--dir', hubDir, '--name', 'x']);
    assert.deepEqual([again.code, errorCode(again.stderr)], [3, 'HUB_EXISTS']);
  });

  it('hub member add takes a node URL and its tl-signer.pem; bad input has stable codes', async () => {
    const add = (cc: string, dir: string, url: string): Promise<{ sequenceNumber: number; status: string }> =>
      cliJson([
        'hub',
        'member',
        'add',
        '--dir',
        hubDir,
        '--country',
        cc,
        '--trustlist',
        url,
        '--signer',
        join(dir, 'public', 'tl-signer.pem'),
      ]);
    assert.equal((await add('PH', ph, `http://127.0.0.1:${phPort}/trustlist.xml`)).sequenceNumber, 2);
    assert.equal((await add('VN', vn, 'http://127.0.0.1:1/trustlist.xml')).sequenceNumber, 3);
    const cases: [string[], string][] = [
      [
        [
          '--country',
          'PH',
          '--trustlist',
          'http://x/tl.xml',
          '--signer',
          join(ph, 'public', 'tl-signer.pem'),
        ],
        'HUB_MEMBER_EXISTS',
      ],
      [
        [
          '--country',
          'BE',
          '--trustlist',
          'http://x/tl.xml',
          '--signer',
          join(ph, 'public', 'tl-signer.pem'),
        ],
        'TL_SIGNER_INVALID',
      ],
      [
        ['--country', 'BE', '--trustlist', 'http://x/tl.xml', '--signer', join(ph, 'public', 'root.pem')],
        'TL_SIGNER_INVALID',
      ],
      [
        [
          '--country',
          'BE',
          '--trustlist',
          'file:///etc/passwd',
          '--signer',
          join(ph, 'public', 'tl-signer.pem'),
        ],
        'TL_INPUT_INVALID',
      ],
      [
        [
          '--country',
          'Belgium',
          '--trustlist',
          'http://x/tl.xml',
          '--signer',
          join(ph, 'public', 'tl-signer.pem'),
        ],
        'TL_INPUT_INVALID',
      ],
      [
        ['--country', 'BE', '--trustlist', 'http://x/tl.xml', '--signer', join(tmp.path, 'missing.pem')],
        'USAGE_INVALID_ARGUMENT',
      ],
      [['--country', 'BE', '--trustlist', 'http://x/tl.xml'], 'USAGE_INVALID_ARGUMENT'],
    ];
    for (const [args, code] of cases) {
      const r = await runCli(['hub', 'member', 'add', '--dir', hubDir, ...args]);
      assert.deepEqual([r.code, errorCode(r.stderr)], [3, code], `${args.join(' ')}\n${r.stderr}`);
    }
    const notHub = await runCli(['hub', 'member', 'suspend', '--dir', ph, '--country', 'PH']);
    assert.deepEqual([notHub.code, errorCode(notHub.stderr)], [3, 'HUB_NOT_INITIALISED']);
    const unknown = await runCli(['hub', 'member', 'remove', '--dir', hubDir, '--country', 'BE']);
    assert.deepEqual([unknown.code, errorCode(unknown.stderr)], [3, 'HUB_MEMBER_UNKNOWN']);
  });

  it('hub serve: /lotl.xml points at each member with the pinned signer; the pointer leads to a list it verifies', async () => {
    hub = await startHub(hubDir, hubPort);
    const res = await fetch(`${hub.url}/lotl.xml`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), TSL.mimeType);
    const xml = Buffer.from(await res.arrayBuffer());
    const signerPem = await (await fetch(`${hub.url}/lotl-signer.pem`)).text();
    assert.deepEqual(fromPemAll(signerPem, 'CERTIFICATE')[0], lotlSigner);
    await checkLotl(xml, lotlSigner);
    const health = (await (await fetch(`${hub.url}/healthz`)).json()) as {
      sequenceNumber: number;
      members: object;
    };
    assert.deepEqual(health.members, { PH: 'active', VN: 'active' });
    const [self, phPointer, vnPointer] = pointersOf(xml);
    assert.deepEqual(text(self!, 'TSLLocation'), [`http://127.0.0.1:${hubPort}/lotl.xml`]);
    assert.deepEqual(text(vnPointer!, 'SchemeTerritory'), ['VN']);
    assert.deepEqual(text(phPointer!, 'TSLType'), ['http://uri.etsi.org/TrstSvc/TrustedList/TSLType/PHlist']);
    // Follow the pointer as a trust store does: fetch, verify with the pinned certificate only.
    const [location] = text(phPointer!, 'TSLLocation');
    const pinned = Buffer.from(text(phPointer!, 'X509Certificate')[0]!, 'base64');
    const tl = Buffer.from(await (await fetch(location!)).arrayBuffer());
    const { root } = verifyEnvelopedSignature(tl, pinned);
    assert.deepEqual(text(root, 'SchemeTerritory'), ['PH']);
  });

  it('suspend marks the pointer (history kept), remove drops it; the served LOTL follows at once', async () => {
    const before = await fetch(`${hub!.url}/lotl.xml`);
    const etag = before.headers.get('etag')!;
    const s = await cliJson<{ sequenceNumber: number; status: string }>([
      'hub',
      'member',
      'suspend',
      '--dir',
      hubDir,
      '--country',
      'PH',
    ]);
    assert.deepEqual([s.sequenceNumber, s.status], [4, 'suspended']);
    const again = await runCli(['hub', 'member', 'suspend', '--dir', hubDir, '--country', 'PH']);
    assert.deepEqual([again.code, errorCode(again.stderr)], [3, 'HUB_MEMBER_STATE']);
    const res = await fetch(`${hub!.url}/lotl.xml`, { headers: { 'if-none-match': etag } });
    assert.equal(res.status, 200, 'the ETag changed with the list');
    const xml = Buffer.from(await res.arrayBuffer());
    const phPointer = pointersOf(xml)[1]!;
    const changes = descendants(phPointer, HUB_LOTL.ns, HUB_LOTL.statusChange).map((c) =>
      attribute(c, 'Status'),
    );
    assert.deepEqual(changes, ['active', 'suspended']);
    await checkLotl(xml, lotlSigner);
    const r = await cliJson<{ sequenceNumber: number }>([
      'hub',
      'member',
      'remove',
      '--dir',
      hubDir,
      '--country',
      'VN',
    ]);
    assert.equal(r.sequenceNumber, 5);
    const after = Buffer.from(await (await fetch(`${hub!.url}/lotl.xml`)).arrayBuffer());
    assert.deepEqual(
      pointersOf(after).map((p) => text(p, 'SchemeTerritory')[0]),
      ['XR', 'PH'],
    );
    assert.deepEqual(text(parseXml(after).root, 'TSLSequenceNumber'), ['5']);
    await checkLotl(after, lotlSigner);
    const list = await cliJson<{ members: { country: string; status: string }[] }>([
      'hub',
      'member',
      'list',
      '--dir',
      hubDir,
    ]);
    assert.deepEqual(
      list.members.map((m) => [m.country, m.status]),
      [
        ['PH', 'suspended'],
        ['VN', 'removed'],
      ],
    );
    const resumed = await cliJson<{ status: string }>([
      'hub',
      'member',
      'resume',
      '--dir',
      hubDir,
      '--country',
      'PH',
    ]);
    assert.equal(resumed.status, 'active');
  });
});
