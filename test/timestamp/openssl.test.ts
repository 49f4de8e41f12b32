import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromPemAll, toPem } from '../../src/lib/pem.js';
import { parseTimeStampResp } from '../../src/timestamp/response.js';
import { parseTimeStampToken, verifyTimeStampToken } from '../../src/timestamp/token.js';
import type { TimeStampAuthority } from '../../src/timestamp/tsa.js';
import { TSP_OID } from '../../src/timestamp/tsp.js';
import { makeTestNode } from '../fixtures/node.js';
import type { TestNode } from '../fixtures/node.js';
import { throwsCode } from '../fixtures/assert.js';
import { DATA, digestOf, rawRequest, tsaOf } from './fixtures.js';

// openssl reads the real clock, so this TSA and its certificates do too.
let node: TestNode;
let tsa: TimeStampAuthority;
let dir = '';

function openssl(args: string): { out: string; status: number | null } {
  const r = spawnSync('openssl', args.split(' '), { cwd: dir, encoding: 'utf8' });
  return { out: `${r.stdout}${r.stderr}`, status: r.status };
}

function opensslOk(args: string): string {
  const r = openssl(args);
  assert.equal(r.status, 0, `openssl ${args}:\n${r.out}`);
  return r.out;
}

/** `openssl ts -query` with `flags`, answered by our TSA into r.tsr; returns `ts -reply -text`. */
async function queryAndReply(flags: string): Promise<string> {
  opensslOk(`ts -query -data data.txt ${flags} -out q.tsq`);
  writeFileSync(join(dir, 'r.tsr'), await tsa.respond(readFileSync(join(dir, 'q.tsq'))));
  return opensslOk('ts -reply -in r.tsr -text');
}

const VERIFY = 'ts -verify -data data.txt -in r.tsr -CAfile root.pem -untrusted tsa.pem';

before(async () => {
  node = await makeTestNode({ clock: () => new Date() });
  tsa = tsaOf(node);
  dir = mkdtempSync(join(tmpdir(), 'tb-tsa-'));
  writeFileSync(join(dir, 'data.txt'), DATA);
  writeFileSync(join(dir, 'root.pem'), toPem(node.root.certificate.der, 'CERTIFICATE'));
  writeFileSync(join(dir, 'tsa.pem'), toPem(node.tsa.certificate.der, 'CERTIFICATE'));
});

after(async () => {
  rmSync(dir, { recursive: true, force: true });
  await node.close();
});

describe('openssl ts against our TSA', () => {
  it('-sha256 -cert: Granted, and ts -verify says Verification: OK', async () => {
    const text = await queryAndReply('-sha256 -cert');
    assert.match(text, /Status: Granted\./);
    assert.match(text, new RegExp(`Policy OID: ${TSP_OID.baselinePolicy.replace(/\./g, '\\.')}`));
    assert.match(text, /Accuracy: 0x01 seconds/);
    assert.match(text, /Nonce: 0x[0-9A-F]+/);
    assert.match(opensslOk(VERIFY), /Verification: OK/);
    assert.match(
      opensslOk('ts -verify -queryfile q.tsq -in r.tsr -CAfile root.pem -untrusted tsa.pem'),
      /Verification: OK/,
    );
    const token = parseTimeStampToken(parseTimeStampResp(readFileSync(join(dir, 'r.tsr'))).token!);
    assert.ok(Math.abs(token.genTime.getTime() - Date.now()) < 5000);
  });

  it('-token_out: the bare token verifies with -token_in', async () => {
    await queryAndReply('-sha256 -cert');
    opensslOk('ts -reply -in r.tsr -token_out -out t.tst');
    const out = opensslOk(
      'ts -verify -data data.txt -in t.tst -token_in -CAfile root.pem -untrusted tsa.pem',
    );
    assert.match(out, /Verification: OK/);
    verifyTimeStampToken(readFileSync(join(dir, 't.tst')), { digest: digestOf(DATA), hash: 'sha256' });
  });

  it('SHA-384 and SHA-512, no nonce, no certificate, our policy asked for', async () => {
    for (const flags of ['-sha384 -cert', `-sha512 -no_nonce -tspolicy ${TSP_OID.baselinePolicy}`]) {
      await queryAndReply(flags);
      assert.match(opensslOk(VERIFY), /Verification: OK/, flags);
    }
  });

  it('another data file does not verify', async () => {
    await queryAndReply('-sha256 -cert');
    writeFileSync(join(dir, 'other.txt'), 'another document');
    const r = openssl('ts -verify -data other.txt -in r.tsr -CAfile root.pem -untrusted tsa.pem');
    assert.notEqual(r.status, 0);
    assert.match(r.out, /message imprint mismatch/);
  });

  it('a non-minimal or oversized nonce: a rejection openssl reads (wrong data format), never an echo', async () => {
    for (const nonceDer of [
      Buffer.from([0x02, 0x03, 0x00, 0x00, 0x2a]),
      Buffer.concat([Buffer.from([0x02, 0x21, 0x01]), Buffer.alloc(32, 7)]),
    ]) {
      writeFileSync(join(dir, 'r.tsr'), await tsa.respond(rawRequest({ nonceDer })));
      assert.match(
        opensslOk('ts -reply -in r.tsr -text'),
        /Status: Rejected[\s\S]*Failure info: the data submitted has the wrong format/,
      );
    }
  });

  it('rejections as openssl reads them: unknown policy, MD5', async () => {
    assert.match(
      await queryAndReply('-sha256 -tspolicy 1.2.3.4'),
      /Status: Rejected[\s\S]*Failure info: the requested TSA policy is not supported by the TSA/,
    );
    assert.match(
      await queryAndReply('-md5'),
      /Status: Rejected[\s\S]*Failure info: unrecognized or unsupported algorithm identifier/,
    );
  });
});

describe('our verification of tokens made by openssl ts -reply', () => {
  const config = (essAlg: string): string => `[tsa]
default_tsa = tsa1
[tsa1]
serial = ./serial
signer_cert = ./otsa.pem
signer_key = ./otsa.key
certs = ./oca.pem
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256, sha384, sha512
accuracy = secs:1, millisecs:500, microsecs:100
ordering = yes
tsa_name = yes
ess_cert_id_alg = ${essAlg}
`;

  before(() => {
    writeFileSync(join(dir, 'serial'), '01\n');
    writeFileSync(
      join(dir, 'ext.cnf'),
      'basicConstraints=critical,CA:FALSE\nextendedKeyUsage=critical,timeStamping\n',
    );
    opensslOk(
      'req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout oca.key -subj /CN=OpenSSL-CA -days 2 -out oca.pem',
    );
    opensslOk(
      'req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout otsa.key -subj /CN=OpenSSL-TSA -out otsa.csr',
    );
    opensslOk(
      'x509 -req -in otsa.csr -CA oca.pem -CAkey oca.key -set_serial 7 -days 2 -extfile ext.cnf -out otsa.pem',
    );
  });

  for (const essAlg of ['sha256', 'sha1']) {
    it(`ESSCertID${essAlg === 'sha1' ? ' (v1, SHA-1)' : 'v2 (SHA-256)'}, accuracy with millis and micros, ordering, tsa name`, () => {
      writeFileSync(join(dir, 'otsa.cnf'), config(essAlg));
      opensslOk('ts -query -data data.txt -sha256 -cert -out oq.tsq');
      opensslOk('ts -reply -config otsa.cnf -queryfile oq.tsq -out or.tsr');
      const token = verifyTimeStampToken(parseTimeStampResp(readFileSync(join(dir, 'or.tsr'))).token!, {
        digest: digestOf(DATA),
        hash: 'sha256',
      });
      assert.equal(token.policy, '1.2.3.4.1');
      assert.deepEqual(token.accuracy, { seconds: 1, millis: 500, micros: 100 });
      assert.equal(token.ordering, true);
      assert.ok(token.tsaName && token.tsaName.length > 0);
      const otsa = fromPemAll(readFileSync(join(dir, 'otsa.pem'), 'utf8'), 'CERTIFICATE')[0]!;
      assert.deepEqual(token.tsaCertificate, otsa);
      throwsCode(
        () => verifyTimeStampToken(token.raw, { digest: digestOf(Buffer.from('x')), hash: 'sha256' }),
        'TSP_IMPRINT_MISMATCH',
      );
    });
  }
});
