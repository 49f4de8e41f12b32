/**
 * The eID link end to end in the federation in a box (issue 16): every member's CERT is a
 * partner of the others; the VN CERT publishes an indicator naming a PH citizen's signature
 * certificate, PH syncs from VN and its alert appears, a PH supervisor acts on it, and PH's OCSP
 * answers revoked (certificateHold) and its transparency log holds the suspension. TLP decides
 * what crosses: a TLP:RED object published at VN reaches no one, the TLP:GREEN ones reach BE too
 * (by BE's background sync alone). Real clock and processes: every run makes fresh keys.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TLP2_MARKINGS } from '../../src/cert/tlp.js';
import { openWallet } from '../../src/eid/wallet.js';
import {
  FEDERATION_SYNC_INTERVAL_SECONDS,
  setUpFederation,
  startFederation,
} from '../../src/federation/index.js';
import type { RunningFederation } from '../../src/federation/index.js';
import { toPem } from '../../src/lib/pem.js';
import { readNodeConfig, updateNodeConfig } from '../../src/node/config.js';
import { parseCertificate } from '../../src/x509/certificate_info.js';
import { childEnv, freeBlock, run, runCli, tempDir } from '../fixtures/cli.js';

interface Alert {
  id: string;
  status: string;
  kind: string;
  matchedOn: string;
  stixObject: { id: string };
  source: { remote: string; name: string } | { partnerId: string } | null;
  certificate: { serial: string; sha256: string; usage: string; nationalId: string | null };
}

interface Hit {
  id: string;
  source: string;
  tlp: string;
}

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** The background sync interval BE runs with in this test (the federation sets 30 s). */
const BE_SYNC_SECONDS = 2;

describe('federation in a box: the eID link between the national CERTs', { timeout: 300_000 }, () => {
  const tmp = tempDir('tb-federation-cert-');
  const dir = join(tmp.path, 'demo');
  const progress: string[] = [];
  let fed: RunningFederation;
  let env: NodeJS.ProcessEnv;
  let passphrase: string;
  const indicatorId = `indicator--${randomUUID()}`;
  const x509Id = `x509-certificate--${randomUUID()}`;
  const redId = `indicator--${randomUUID()}`;
  let cert: { der: Buffer; serial: string; sha256: string; pem: string };

  const cli = (args: string[]) => runCli(args, { env });
  const member = (cc: string): string => join(dir, cc.toLowerCase());
  const search = async (cc: string, id: string): Promise<Hit[]> => {
    const r = await cli(['cert', 'search', '--dir', member(cc), '--text', id]);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as Hit)
      .filter((h) => h.id === id);
  };
  const ocsp = async (): Promise<string> => {
    const r = await run('openssl', [
      'ocsp',
      '-issuer',
      join(member('PH'), 'public', 'eid-ca.pem'),
      '-cert',
      join(tmp.path, 'cert.pem'),
      '-url',
      `${fed.urls['PH']}/ocsp`,
      '-CAfile',
      join(member('PH'), 'public', 'root.pem'),
    ]);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout + r.stderr;
  };

  before(async () => {
    const base = await freeBlock();
    const started = Date.now();
    // Set up first (what startFederation does on a first run), then turn PH's background sync
    // off, so the PH sync below is the one asked for, and make BE's short, so the test sees a
    // background sync bring the objects without waiting the federation's 30 s.
    passphrase = await setUpFederation(dir, base, (l) => void progress.push(l));
    const setUpMs = Date.now() - started;
    for (const cc of ['PH', 'VN', 'BE'])
      assert.equal(readNodeConfig(member(cc)).cert?.syncIntervalSeconds, FEDERATION_SYNC_INTERVAL_SECONDS);
    updateNodeConfig(member('PH'), {
      cert: { ...readNodeConfig(member('PH')).cert, syncIntervalSeconds: 0 },
    });
    updateNodeConfig(member('BE'), {
      cert: { ...readNodeConfig(member('BE')).cert, syncIntervalSeconds: BE_SYNC_SECONDS },
    });
    fed = await startFederation(dir, base, { log: (l) => void progress.push(l) });
    process.stderr.write(`# federation set up in ${setUpMs} ms, started ${Date.now() - started} ms after\n`);
    env = childEnv({ TRUSTBRIDGE_PASSWORD: passphrase, TRUSTBRIDGE_WALLET_PASSWORD: passphrase });
    // Maria Clara Santos's signature certificate, from her wallet.
    const wallet = openWallet(readFileSync(join(dir, 'wallets', 'ph', 'santos.p12')), passphrase);
    const der = Buffer.from(wallet.keys.signature.certificate!);
    cert = {
      der,
      serial: parseCertificate(der).serial,
      sha256: createHash('sha256').update(der).digest('hex'),
      pem: toPem(der, 'CERTIFICATE'),
    };
    writeFileSync(join(tmp.path, 'cert.pem'), cert.pem);
  });
  after(async () => {
    await fed?.stop();
    tmp.remove();
  });

  it('set-up made each member a CERT partner of the others, every password sealed', async () => {
    for (const cc of ['PH', 'VN', 'BE']) {
      assert.ok(
        progress.some((l) => l.startsWith(`  ${cc}: CERT partner of `)),
        `a progress line for ${cc}: ${progress.join('')}`,
      );
      const others = ['PH', 'VN', 'BE'].filter((o) => o !== cc);
      const partners = JSON.parse((await cli(['cert', 'partner', 'list', '--dir', member(cc)])).stdout) as {
        name: string;
        country: string;
        tlpMax: string;
      }[];
      assert.deepEqual(
        partners.map((p) => [p.name, p.country, p.tlpMax]).sort(),
        others.map((o) => [`${o} CERT`, o, 'green']).sort(),
      );
      const remotes = JSON.parse((await cli(['cert', 'remote', 'list', '--dir', member(cc)])).stdout) as {
        name: string;
        apiRootUrl: string;
        auth: string;
        username: string;
      }[];
      assert.deepEqual(
        remotes.map((r) => [r.name, r.apiRootUrl, r.auth, r.username]).sort(),
        others
          .map((o) => [
            `${o} CERT`,
            `${fed.urls[o]}/taxii2/${o.toLowerCase()}/`,
            'basic',
            `${cc.toLowerCase()}-cert`,
          ])
          .sort(),
      );
      assert.equal(statSync(join(member(cc), 'keys', 'cert-remotes.key')).mode & 0o077, 0);
    }
    // A second set-up (a restart) changes nothing and reports nothing new.
    const again: string[] = [];
    await setUpFederation(dir, Number(new URL(fed.urls['hub']!).port), (l) => void again.push(l));
    assert.deepEqual(again, []);
    const remotes = JSON.parse(
      (await cli(['cert', 'remote', 'list', '--dir', member('PH')])).stdout,
    ) as unknown[];
    assert.equal(remotes.length, 2);
  });

  it('VN publishes an indicator naming a PH citizen; PH syncs, alerts, suspends; OCSP says hold', async () => {
    assert.match(await ocsp(), /cert\.pem: good/);
    const green = [TLP2_MARKINGS.green];
    const bundle = {
      type: 'bundle',
      id: `bundle--${randomUUID()}`,
      objects: [
        {
          type: 'indicator',
          spec_version: '2.1',
          id: indicatorId,
          created: '2026-12-01T08:00:00.000Z',
          modified: '2026-12-01T08:00:00.000Z',
          name: 'Signature key of a PH eID certificate used by a phishing kit',
          indicator_types: ['compromised'],
          pattern: `[x509-certificate:hashes.'SHA-256' = '${cert.sha256}']`,
          pattern_type: 'stix',
          valid_from: '2026-12-01T08:00:00Z',
          object_marking_refs: green,
        },
        {
          type: 'x509-certificate',
          spec_version: '2.1',
          id: x509Id,
          serial_number: cert.serial,
          issuer: parseCertificate(readFileSync(join(member('PH'), 'public', 'eid-ca.pem'), 'utf8')).subject,
          object_marking_refs: green,
        },
        {
          type: 'indicator',
          spec_version: '2.1',
          id: redId,
          created: '2026-12-01T08:00:00.000Z',
          modified: '2026-12-01T08:00:00.000Z',
          name: 'For VN CERT only',
          indicator_types: ['malicious-activity'],
          pattern: "[ipv4-addr:value = '198.51.100.9']",
          pattern_type: 'stix',
          valid_from: '2026-12-01T08:00:00Z',
          object_marking_refs: [TLP2_MARKINGS.red],
        },
      ],
    };
    const file = join(tmp.path, 'bundle.json');
    writeFileSync(file, JSON.stringify(bundle));
    const published = await cli(['cert', 'publish', '--dir', member('VN'), '--in', file]);
    assert.equal(published.code, 0, published.stdout + published.stderr);
    assert.equal((JSON.parse(published.stdout) as { success_count: number }).success_count, 3);

    const synced = await cli(['cert', 'sync', '--dir', member('PH'), '--remote', 'VN CERT']);
    assert.equal(synced.code, 0, synced.stderr);
    const result = JSON.parse(synced.stdout) as { remote: string; stored: number; failed: number };
    assert.deepEqual([result.remote, result.stored, result.failed], ['VN CERT', 2, 0]);
    assert.deepEqual(
      (await search('PH', indicatorId)).map((h) => [h.source, h.tlp]),
      [['VN CERT', 'green']],
    );
    assert.deepEqual(await search('PH', redId), [], 'TLP:RED never leaves VN');

    const token = readFileSync(join(member('PH'), 'officer-token'), 'utf8').trim();
    const auth = { authorization: `Bearer ${token}` };
    const listed = await fetch(`${fed.urls['PH']}/api/v1/alerts`, { headers: auth });
    assert.equal(listed.status, 200);
    const alerts = ((await listed.json()) as { alerts: Alert[] }).alerts;
    const mine = alerts.filter((a) => a.certificate.sha256 === cert.sha256);
    assert.deepEqual(
      mine.map((a) => [a.stixObject.id, a.kind, a.status, a.certificate.usage]).sort(),
      [
        [indicatorId, 'eid-cert', 'open', 'signature'],
        [x509Id, 'eid-cert', 'open', 'signature'],
      ].sort(),
    );
    const alert = mine.find((a) => a.stixObject.id === indicatorId)!;
    assert.equal(alert.matchedOn, 'sha256');
    assert.deepEqual(
      alert.source && 'name' in alert.source ? alert.source.name : alert.source,
      'VN CERT',
      JSON.stringify(alert.source),
    );

    const acted = await fetch(`${fed.urls['PH']}/api/v1/alerts/${alert.id}/act`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ note: 'VN CERT reports the signature key in a phishing kit' }),
    });
    const body = await acted.text();
    assert.equal(acted.status, 200, body);
    const outcome = JSON.parse(body) as { alert: Alert; suspended: string[] };
    assert.deepEqual([outcome.alert.status, outcome.suspended], ['acted', [cert.serial]]);

    const answer = await ocsp();
    assert.match(answer, /cert\.pem: revoked/);
    assert.match(answer, /Reason: certificateHold/);

    // The suspension in PH's transparency log, once its sequencer integrates it and the
    // checkpoint is published.
    let events: { type: string; serial: string; sha256: string }[] = [];
    for (let i = 0; i < 60; i++) {
      const m = await cli(['log', 'monitor', '--dir', member('PH'), '--since', '0']);
      assert.ok(m.code === 0 || m.code === 1, m.stderr);
      events = (JSON.parse(m.stdout) as { events: typeof events }).events;
      if (events.some((e) => e.type === 'eid-cert-suspended' && e.sha256 === cert.sha256)) break;
      await pause(1000);
    }
    assert.ok(
      events.some((e) => e.type === 'eid-cert-suspended' && e.sha256 === cert.sha256),
      JSON.stringify(events.map((e) => e.type)),
    );
  });

  it('BE, a partner of VN too, gets the TLP:GREEN objects by its background sync alone, never the RED', async () => {
    let hits: Hit[] = [];
    // The objects were published at least the time of the test above ago; allow a few intervals.
    for (let i = 0; i < 10 * BE_SYNC_SECONDS && hits.length === 0; i++) {
      hits = await search('BE', indicatorId);
      if (hits.length === 0) await pause(1000);
    }
    assert.deepEqual(
      hits.map((h) => [h.source, h.tlp]),
      [['VN CERT', 'green']],
    );
    assert.equal((await search('BE', x509Id)).length, 1);
    assert.deepEqual(await search('BE', redId), []);
    // Nothing of it names a BE certificate: no alert at BE.
    const alerts = JSON.parse((await cli(['cert', 'alerts', '--dir', member('BE')])).stdout) as {
      alerts: Alert[];
    };
    assert.deepEqual(alerts.alerts, []);
  });
});
