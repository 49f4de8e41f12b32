/**
 * Suspension, resumption and revocation made with the CLI while `node serve` runs, observed the
 * way relying parties observe them: `openssl ocsp` against the responder (POST and RFC 6960 GET)
 * and `openssl verify -crl_check_all` with the CRLs the node publishes.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  cliJson,
  createAndEnroll,
  freePort,
  initNode,
  missingTools,
  publicCerts,
  run,
  startServe,
  tempDir,
  tool,
} from '../fixtures/cli.js';
import type { Enrolment, Served } from '../fixtures/cli.js';

const skip = missingTools('openssl');

/** How `openssl crl -text` spells the reasons used here. */
const CRL_REASON_TEXT: Record<string, string> = {
  certificateHold: 'Certificate Hold',
  keyCompromise: 'Key Compromise',
};

type Usage = 'authentication' | 'signature';
const USAGES: Usage[] = ['authentication', 'signature'];

interface Crls {
  /** PEM files for `openssl verify -CRLfile`. */
  files: string[];
  /** `openssl crl -text` of the eID CA CRL. */
  eidText: string;
  eidNumber: number;
}

describe('revocation through OCSP and CRLs, checked by OpenSSL', { skip }, () => {
  let tmp: ReturnType<typeof tempDir>;
  let dir: string;
  let certs: ReturnType<typeof publicCerts>;
  let served: Served | undefined;
  let enrolment: Enrolment;
  const leaf = {} as Record<Usage, { file: string; serial: string }>;
  let lastCrlNumber = 0;

  before(async () => {
    tmp = tempDir();
    dir = join(tmp.path, 'ph');
    certs = publicCerts(dir);
    const port = await freePort();
    await initNode(dir, ['--base-url', `http://127.0.0.1:${port}`]);
    enrolment = await createAndEnroll(dir, join(tmp.path, 'citizen.p12'));
    for (const usage of USAGES) {
      const file = join(tmp.path, `${usage}.pem`);
      writeFileSync(file, enrolment.certificates[usage]);
      const serial = (await tool('openssl', ['x509', '-in', file, '-noout', '-serial'])).trim();
      leaf[usage] = { file, serial: serial.replace(/^serial=/, '') };
    }
    // Serve on the port the certificates name (node serve defaults to the base URL's port).
    served = await startServe(dir, { port });
    assert.equal(served.url, `http://127.0.0.1:${port}`);
  });
  after(async () => {
    await served?.stop();
    tmp?.remove();
  });

  async function ocsp(file: string): Promise<string> {
    const out = await tool('openssl', [
      'ocsp',
      ...['-issuer', certs.eidCa, '-cert', file, '-url', `${served!.url}/ocsp`, '-CAfile', certs.root],
    ]);
    assert.match(out, /Response verify OK/);
    return out;
  }

  async function fetchCrl(name: 'eid-ca' | 'root'): Promise<{ file: string; text: string }> {
    const res = await fetch(`${served!.url}/crl/${name}.crl`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/pkix-crl');
    const der = join(tmp.path, `${name}.crl`);
    const file = join(tmp.path, `${name}.crl.pem`);
    writeFileSync(der, Buffer.from(await res.arrayBuffer()));
    await tool('openssl', ['crl', '-inform', 'DER', '-in', der, '-out', file]);
    return { file, text: await tool('openssl', ['crl', '-in', file, '-noout', '-text']) };
  }

  async function fetchCrls(): Promise<Crls> {
    const eid = await fetchCrl('eid-ca');
    const root = await fetchCrl('root');
    assert.match(root.text, /No Revoked Certificates/);
    const m = /X509v3 CRL Number:\s*\n\s*(\d+)/.exec(eid.text);
    assert.ok(m, `no CRL number in\n${eid.text}`);
    return { files: [eid.file, root.file], eidText: eid.text, eidNumber: Number(m[1]) };
  }

  /** The `openssl crl -text` block of one serial, or undefined when it is not listed. */
  function crlEntry(text: string, serial: string): string | undefined {
    return text
      .split(/Serial Number: /)
      .slice(1)
      .find((block) => block.startsWith(`${serial}\n`) || block.startsWith(`${serial}\r`));
  }

  async function crlVerify(file: string, crls: Crls): Promise<{ ok: boolean; out: string }> {
    const r = await run('openssl', [
      'verify',
      '-crl_check_all',
      ...crls.files.flatMap((f) => ['-CRLfile', f]),
      ...['-CAfile', certs.root, '-untrusted', certs.eidCa, file],
    ]);
    return { ok: r.code === 0 && r.stdout.includes(`${file}: OK`), out: r.stdout + r.stderr };
  }

  /** Checks OCSP, the CRL and CRL-based path validation of both certificates agree on `state`. */
  async function expectState(state: 'good' | 'revoked', reason?: string): Promise<void> {
    const crls = await fetchCrls();
    assert.ok(crls.eidNumber > lastCrlNumber, `CRL number ${crls.eidNumber} after ${lastCrlNumber}`);
    lastCrlNumber = crls.eidNumber;
    for (const usage of USAGES) {
      const { file, serial } = leaf[usage];
      const status = await ocsp(file);
      assert.match(status, new RegExp(`${file}: ${state}\\n`));
      const entry = crlEntry(crls.eidText, serial);
      const verify = await crlVerify(file, crls);
      if (state === 'good') {
        assert.equal(entry, undefined, `${serial} must not be on the CRL`);
        assert.ok(verify.ok, verify.out);
      } else {
        assert.match(status, new RegExp(`Reason: ${reason}\\n`));
        assert.ok(entry, `${serial} must be on the CRL:\n${crls.eidText}`);
        assert.match(entry, new RegExp(`CRL Reason Code:\\s*\\n\\s*${CRL_REASON_TEXT[reason!]}`));
        assert.equal(verify.ok, false);
        assert.match(verify.out, /certificate revoked/);
      }
    }
  }

  const lifecycle = (op: string, ...extra: string[]): Promise<{ changed: string[]; status: string }> =>
    cliJson(['eid', op, '--dir', dir, '--national-id', enrolment.nationalId, ...extra]);

  it('a newly issued certificate is good', async () => {
    await expectState('good');
  });

  it('the OCSP GET form (base64 in the URL) answers too', async () => {
    const req = join(tmp.path, 'req.der');
    const resp = join(tmp.path, 'resp.der');
    const { file } = leaf.authentication;
    await tool('openssl', ['ocsp', '-issuer', certs.eidCa, '-cert', file, '-reqout', req, '-no_nonce']);
    const b64 = readFileSync(req).toString('base64');
    const res = await fetch(`${served!.url}/ocsp/${encodeURIComponent(b64)}`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/ocsp-response');
    assert.match(res.headers.get('cache-control') ?? '', /max-age=\d+/);
    writeFileSync(resp, Buffer.from(await res.arrayBuffer()));
    const out = await tool('openssl', [
      'ocsp',
      ...['-respin', resp, '-issuer', certs.eidCa, '-cert', file, '-CAfile', certs.root, '-no_nonce'],
    ]);
    assert.match(out, /Response verify OK/);
    assert.match(out, new RegExp(`${file}: good\\n`));
  });

  it('eid suspend: revoked with reason certificateHold', async () => {
    const r = await lifecycle('suspend');
    assert.equal(r.status, 'suspended');
    assert.deepEqual([...r.changed].sort(), USAGES.map((u) => leaf[u].serial.toLowerCase()).sort());
    await expectState('revoked', 'certificateHold');
  });

  it('eid resume: good again and off the CRL', async () => {
    assert.equal((await lifecycle('resume')).status, 'good');
    await expectState('good');
  });

  it('eid revoke --reason keyCompromise: revoked with reason keyCompromise', async () => {
    assert.equal((await lifecycle('revoke', '--reason', 'keyCompromise')).status, 'revoked');
    await expectState('revoked', 'keyCompromise');
  });

  it('an unknown serial number is answered "unknown"', async () => {
    const out = await tool('openssl', [
      'ocsp',
      ...['-issuer', certs.eidCa, '-serial', '0x1234', '-url', `${served!.url}/ocsp`, '-CAfile', certs.root],
    ]);
    assert.match(out, /Response verify OK/);
    assert.match(out, /0x1234: unknown\n/);
  });
});
