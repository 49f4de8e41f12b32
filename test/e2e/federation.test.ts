/**
 * The federation in a box (what `npm start` runs), end to end: a hub and the PH, VN and BE nodes as
 * separate processes talking HTTP on loopback. A PH citizen's PAdES B-LT validates TOTAL-PASSED
 * at the VN node and offline with the hub's list of trusted lists only; a suspended member or a
 * withdrawn eID CA service stops new signatures while those with a proof of existence from
 * before keep passing. Real clock: every run makes fresh keys.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFederation } from '../../src/federation/index.js';
import type { RunningFederation } from '../../src/federation/index.js';
import { childEnv, freeBlock, runCli, tempDir } from '../fixtures/cli.js';
import { samplePdf } from '../lib/pdf/fixtures.js';

interface Sig {
  indication: string;
  subIndication?: string;
  level: string;
  trust?: { country: string; qualification: string; tspName: string; serviceName: string };
  transparency?: {
    status: string;
    witnessed: boolean;
    country?: string;
    entryType?: string;
    cosigners?: string[];
  };
}

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('federation in a box: hub + PH, VN, BE in separate processes', { timeout: 240_000 }, () => {
  const tmp = tempDir('tb-federation-');
  const dir = join(tmp.path, 'demo');
  let fed: RunningFederation;
  let env: NodeJS.ProcessEnv;
  let lotl: string;
  let pdf: string;

  const cli = (args: string[]) => runCli(args, { env });
  const validate = async (file: string, extra: string[] = []): Promise<Sig> => {
    const r = await cli(['validate', '--in', file, '--trust', lotl, ...extra]);
    assert.ok(r.code !== null && r.code <= 2, r.stderr);
    return (JSON.parse(r.stdout) as { signatures: Sig[] }).signatures[0]!;
  };
  const sign = async (wallet: string, format: string, level: string, out: string): Promise<void> => {
    const country = wallet.split('/').at(-2)!;
    const tsa = `${fed.urls[country.toUpperCase()]}/tsa`;
    const r = await cli([
      'sign',
      '--wallet',
      wallet,
      '--format',
      format,
      '--level',
      level,
      '--tsa',
      tsa,
      '--in',
      pdf,
      '--out',
      out,
    ]);
    assert.equal(r.code, 0, r.stderr);
  };

  before(async () => {
    fed = await startFederation(dir, await freeBlock());
    const passphrase = readFileSync(join(dir, '.passphrase'), 'utf8').trim();
    env = childEnv({ TRUSTBRIDGE_PASSWORD: passphrase, TRUSTBRIDGE_WALLET_PASSWORD: passphrase });
    lotl = `${fed.urls['hub']}/lotl.xml`;
    pdf = join(tmp.path, 'mou.pdf');
    writeFileSync(pdf, samplePdf(1, 'Memorandum of Understanding between PH, VN and BE'));
  });
  after(async () => {
    await fed?.stop();
    tmp.remove();
  });

  const wallet = (cc: string, name: string): string => join(dir, 'wallets', cc, `${name}.p12`);

  it('a PH citizen signs PAdES B-LT; VN validates it TOTAL-PASSED, naming PH, its TSP and AdES-QC', async () => {
    const out = join(tmp.path, 'mou-ph.pdf');
    await sign(wallet('ph', 'santos'), 'pades', 'B-LT', out);
    const res = await fetch(`${fed.urls['VN']}/api/v1/validate`, {
      method: 'POST',
      headers: { 'content-type': 'application/pdf' },
      body: readFileSync(out),
    });
    assert.equal(res.status, 200);
    const sig = ((await res.json()) as { signatures: Sig[] }).signatures[0]!;
    assert.equal(sig.indication, 'TOTAL-PASSED', JSON.stringify(sig));
    assert.equal(sig.trust?.country, 'PH');
    assert.equal(sig.trust?.qualification, 'AdES-QC');
    // The signer's certificate in PH's log, under a checkpoint cosigned by a quorum of VN, BE and
    // the hub (issue 15); required, the signature still passes.
    const required = await fetch(`${fed.urls['VN']}/api/v1/validate?requireTransparency=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/pdf' },
      body: readFileSync(out),
    });
    const t = ((await required.json()) as { signatures: Sig[] }).signatures[0]!;
    assert.equal(t.indication, 'TOTAL-PASSED', JSON.stringify(t.transparency));
    assert.deepEqual(
      [t.transparency?.status, t.transparency?.witnessed, t.transparency?.country, t.transparency?.entryType],
      ['logged', true, 'PH', 'eid-cert-issued'],
    );
    assert.ok((t.transparency?.cosigners ?? []).length >= 2, JSON.stringify(t.transparency));
  });

  it('anywhere, with the LOTL only and no network for revocation (offline): TOTAL-PASSED', async () => {
    const out = join(tmp.path, 'mou-ph-offline.pdf');
    await sign(wallet('ph', 'rizal-mercado'), 'pades', 'B-LT', out);
    const sig = await validate(out, ['--offline']);
    assert.deepEqual([sig.indication, sig.level, sig.trust?.country], ['TOTAL-PASSED', 'B-LT', 'PH']);
  });

  it('the hub suspends PH: a new signature stops passing, one time-stamped before keeps passing', async () => {
    const before = join(tmp.path, 'ph-before.p7m');
    await sign(wallet('ph', 'santos'), 'cades', 'B-T', before);
    await pause(1100);
    const r = await cli(['hub', 'member', 'suspend', '--dir', join(dir, 'hub'), '--country', 'PH']);
    assert.equal(r.code, 0, r.stderr);
    await pause(1100);
    const afterwards = join(tmp.path, 'ph-after.p7m');
    await sign(wallet('ph', 'santos'), 'cades', 'B-T', afterwards);
    const late = await validate(afterwards);
    assert.deepEqual([late.indication, late.subIndication], ['INDETERMINATE', 'NO_CERTIFICATE_CHAIN_FOUND']);
    const early = await validate(before);
    assert.equal(early.indication, 'TOTAL-PASSED', JSON.stringify(early));
  });

  it('BE withdraws its eID CA service: new BE signatures stop passing, earlier time-stamped ones keep passing', async () => {
    const before = join(tmp.path, 'be-before.jws');
    await sign(wallet('be', 'dubois'), 'jades', 'B-T', before);
    await pause(1100);
    const r = await cli(['node', 'trustlist', 'withdraw', '--dir', join(dir, 'be'), '--service', 'eid-ca']);
    assert.equal(r.code, 0, r.stderr);
    await pause(1100);
    const afterwards = join(tmp.path, 'be-after.jws');
    await sign(wallet('be', 'janssens'), 'jades', 'B-T', afterwards);
    const late = await validate(afterwards);
    assert.equal(late.indication, 'INDETERMINATE', JSON.stringify(late));
    const early = await validate(before);
    assert.equal(early.indication, 'TOTAL-PASSED', JSON.stringify(early));
  });
});
