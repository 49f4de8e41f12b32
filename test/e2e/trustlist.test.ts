/**
 * A node's trusted list end to end: `node init` writes `public/trustlist.xml` and
 * `public/tl-signer.pem`; `node serve` publishes them at `/trustlist.xml` and `/tl-signer.pem`;
 * `node trustlist withdraw` republishes with the next sequence number and the status history;
 * a node made before trust lists gets its TL signer on first open. Every list is checked by
 * xmllint (TS 119 612 XSD), xmlsec1, Apache Santuario (the JDK's XMLDSig) and our own verifier.
 * Real clock: the node makes fresh keys.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { fromPemAll } from '../../src/lib/pem.js';
import { parseXml } from '../../src/lib/xml/parser.js';
import { descendants, textContent } from '../../src/lib/xml/query.js';
import { verifyEnvelopedSignature } from '../../src/signature/xades/enveloped.js';
import { NS, SERVICE_STATUS, TSL } from '../../src/trust/uris.js';
import {
  cliJson,
  freePort,
  initNode,
  missingTools,
  startServe,
  storeFile,
  tempDir,
  tool,
} from '../fixtures/cli.js';
import type { Served } from '../fixtures/cli.js';
import { xmllint, xmlsecVerify } from '../trust/writer/fixtures.js';
import { santuarioVerify } from '../trust/writer/fixtures.js';

const pem = (file: string): Buffer => fromPemAll(readFileSync(file, 'utf8'), 'CERTIFICATE')[0]!;

function field(xml: Buffer, local: string): string[] {
  return descendants(parseXml(xml), NS.tsl, local).map(textContent);
}

/** Every outside check of one list, signed under `root`. */
async function checkList(xml: Buffer, signer: Buffer, root: Buffer): Promise<void> {
  verifyEnvelopedSignature(xml, signer);
  if (!missingTools('xmllint')) {
    const r = await xmllint(xml, true);
    assert.equal(r.code, 0, r.out);
  }
  if (!missingTools('xmlsec1')) {
    const r = await xmlsecVerify(xml, root, '');
    assert.equal(r.code, 0, r.out);
  }
  if (!missingTools('java')) {
    const r = await santuarioVerify(xml, root);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /^VALID references 2\/2/);
  }
}

describe('the node trusted list', () => {
  const tmp = tempDir('tb-tl-e2e-');
  const dir = join(tmp.path, 'ph');
  const file = (f: string): string => join(dir, 'public', f);
  let served: Served;
  let port = 0;

  before(async () => {
    port = await freePort();
    await initNode(dir, [
      '--base-url',
      `http://127.0.0.1:${port}`,
      '--name',
      'Republic of the Philippines DICT',
    ]);
  });
  after(async () => {
    await served?.stop();
    tmp.remove();
  });

  it('node init writes trustlist.xml (sequence 1) and tl-signer.pem; every checker accepts it', async () => {
    const xml = readFileSync(file('trustlist.xml'));
    assert.deepEqual(field(xml, 'TSLSequenceNumber'), ['1']);
    assert.deepEqual(field(xml, 'ServiceStatus'), Array(3).fill(SERVICE_STATUS.granted));
    const points = descendants(parseXml(xml), NS.tsl, 'DistributionPoints')[0]!;
    assert.deepEqual(descendants(points, NS.tsl, 'URI').map(textContent), [
      `http://127.0.0.1:${port}/trustlist.xml`,
    ]);
    const eidCa = pem(file('eid-ca.pem')).toString('base64');
    assert.ok(field(xml, 'X509Certificate').includes(eidCa), 'the eID CA certificate is the CA/QC identity');
    await checkList(xml, pem(file('tl-signer.pem')), pem(file('root.pem')));
  });

  it(
    'the TL signer is an end entity under the root with EKU id-tsl-kp-tslSigning',
    { skip: missingTools('openssl') },
    async () => {
      const out = await tool('openssl', ['verify', '-CAfile', file('root.pem'), file('tl-signer.pem')]);
      assert.match(out, /: OK/);
      const text = await tool('openssl', ['x509', '-in', file('tl-signer.pem'), '-noout', '-text']);
      assert.match(text, /0\.4\.0\.2231\.3\.0/);
      assert.match(text, /CA:FALSE/);
      assert.match(
        text,
        /Subject: C ?= ?PH, O ?= ?Republic of the Philippines DICT, CN ?= ?PH Trusted List Signer/,
      );
    },
  );

  it('node serve publishes /trustlist.xml and /tl-signer.pem with ETags', async () => {
    served = await startServe(dir, { port });
    const res = await fetch(`${served.url}/trustlist.xml`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), TSL.mimeType);
    const body = Buffer.from(await res.arrayBuffer());
    assert.deepEqual(body, readFileSync(file('trustlist.xml')));
    const etag = res.headers.get('etag')!;
    assert.equal(
      (await fetch(`${served.url}/trustlist.xml`, { headers: { 'if-none-match': etag } })).status,
      304,
    );
    const signer = await fetch(`${served.url}/tl-signer.pem`);
    assert.equal(await signer.text(), readFileSync(file('tl-signer.pem'), 'utf8'));
  });

  it('withdrawing the eID CA republishes (sequence 2) with the history, seen at once by the server', async () => {
    const out = await cliJson<{ sequenceNumber: number; services: { kind: string; status: string }[] }>([
      'node',
      'trustlist',
      'withdraw',
      '--dir',
      dir,
      '--service',
      'eid-ca',
    ]);
    assert.equal(out.sequenceNumber, 2);
    assert.equal(out.services.find((s) => s.kind === 'eid-ca')!.status, SERVICE_STATUS.withdrawn);
    const xml = Buffer.from(await (await fetch(`${served.url}/trustlist.xml`)).arrayBuffer());
    assert.deepEqual(field(xml, 'TSLSequenceNumber'), ['2']);
    assert.deepEqual(field(xml, 'ServiceStatus'), [
      SERVICE_STATUS.withdrawn,
      SERVICE_STATUS.granted, // the eID CA's history instance
      SERVICE_STATUS.granted,
      SERVICE_STATUS.granted,
    ]);
    assert.equal(field(xml, 'ServiceHistoryInstance').length, 1);
    await checkList(xml, pem(file('tl-signer.pem')), pem(file('root.pem')));
    const again = await cliJson<{ published: boolean; sequenceNumber: number }>([
      'node',
      'trustlist',
      'publish',
      '--dir',
      dir,
    ]);
    assert.deepEqual([again.published, again.sequenceNumber], [false, 2]);
    const forced = await cliJson<{ sequenceNumber: number }>([
      'node',
      'trustlist',
      'publish',
      '--dir',
      dir,
      '--force',
    ]);
    assert.equal(forced.sequenceNumber, 3);
    const regrant = await cliJson<{ sequenceNumber: number }>([
      'node',
      'trustlist',
      'grant',
      '--dir',
      dir,
      '--service',
      'eid-ca',
    ]);
    assert.equal(regrant.sequenceNumber, 4);
  });

  it('a node made before trust lists gets a TL signer and a list on its first open', async () => {
    await served.stop();
    const db = new BetterSqlite3(storeFile(dir));
    db.prepare("DELETE FROM certificate WHERE usage = 'tl-signer'").run();
    db.close();
    for (const f of [
      join(dir, 'keys', 'tl-signer.key.pem'),
      join(dir, 'trustlist-state.json'),
      file('trustlist.xml'),
      file('tl-signer.pem'),
    ]) {
      rmSync(f);
    }
    await cliJson(['node', 'info', '--dir', dir]);
    assert.ok(existsSync(file('tl-signer.pem')) && existsSync(join(dir, 'keys', 'tl-signer.key.pem')));
    const xml = readFileSync(file('trustlist.xml'));
    assert.deepEqual(field(xml, 'TSLSequenceNumber'), ['1']);
    await checkList(xml, pem(file('tl-signer.pem')), pem(file('root.pem')));
  });
});
