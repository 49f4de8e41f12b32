import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { test } from 'node:test';
import { certRootOf, ensureCertRoot } from '../../src/cert/collections.js';
import { ingest } from '../../src/cert/taxii/ingest.js';
import { openNode } from '../../src/node/context.js';
import {
  NODE_PASSWORD,
  cliJson,
  createAndEnroll,
  errorCode,
  initNode,
  runCli,
  tempDir,
} from '../fixtures/cli.js';
import { indicator } from './fixtures.js';

interface Alert {
  id: string;
  status: string;
  kind: string;
  officer: string | null;
  note: string | null;
  certificate: { serial: string; nationalId: string | null };
}

test('cert alerts and cert alert ack|act|dismiss on a node directory', async () => {
  const dir = tempDir('tb-cert-alerts-');
  try {
    await initNode(dir.path);
    const enrolled = await createAndEnroll(dir.path, join(dir.path, 'maria.p12'));
    // Objects published on the node itself (as `cert publish` or a sync stores them).
    const node = await openNode(dir.path, { passphrase: NODE_PASSWORD });
    let serial: string;
    try {
      const cert = await node.store.db
        .selectFrom('certificate')
        .select(['serial', 'cert_der'])
        .where('national_id', '=', enrolled.nationalId)
        .where('usage', '=', 'signature')
        .executeTakeFirstOrThrow();
      serial = cert.serial;
      const root = certRootOf(node.config.country, node.config.name);
      const c = await ensureCertRoot(node.store, root, node.clock());
      const caHash = createHash('sha256').update(node.eidCa.certificate.der).digest('hex');
      const status = await ingest(
        node.store,
        root.id,
        c.id,
        null,
        [
          {
            type: 'x509-certificate',
            spec_version: '2.1',
            id: `x509-certificate--${randomUUID()}`,
            serial_number: serial,
          },
          { ...indicator('green'), pattern: `[x509-certificate:hashes.'SHA-256' = '${caHash}']` },
        ],
        node.clock(),
      );
      assert.equal(status.success_count, 2);
    } finally {
      await node.close();
    }
    const list = async (status?: string) =>
      (
        await cliJson<{ alerts: Alert[] }>([
          'cert',
          'alerts',
          '--dir',
          dir.path,
          ...(status ? ['--status', status] : []),
        ])
      ).alerts;
    const open = await list('open');
    assert.deepEqual(open.map((a) => a.kind).sort(), ['ca', 'eid-cert']);
    const eidAlert = open.find((a) => a.kind === 'eid-cert')!;
    const caAlert = open.find((a) => a.kind === 'ca')!;
    assert.deepEqual(eidAlert.certificate, {
      ...eidAlert.certificate,
      serial,
      nationalId: enrolled.nationalId,
    });
    const bad = await runCli(['cert', 'alerts', '--dir', dir.path, '--status', 'bogus']);
    assert.notEqual(bad.code, 0);
    assert.equal(errorCode(bad.stderr), 'CERT_ARGUMENT_INVALID');

    const ack = await cliJson<Alert>([
      'cert',
      'alert',
      'ack',
      '--dir',
      dir.path,
      '--id',
      eidAlert.id,
      '--officer',
      'ops-1',
    ]);
    assert.deepEqual([ack.status, ack.officer], ['acknowledged', 'ops-1']);
    const acted = await cliJson<{ alert: Alert; suspended: string[] }>([
      'cert',
      'alert',
      'act',
      '--dir',
      dir.path,
      '--id',
      eidAlert.id,
      '--note',
      'reported by VN CERT',
    ]);
    assert.deepEqual([acted.alert.status, acted.suspended], ['acted', [serial]]);
    const shown = await cliJson<{ certificates: { serial: string; status: string }[] }>([
      'eid',
      'show',
      '--dir',
      dir.path,
      '--national-id',
      enrolled.nationalId,
    ]);
    assert.equal(shown.certificates.find((c) => c.serial === serial)?.status, 'suspended');

    const proposal = await cliJson<{ alert: Alert; operatorAction: string }>([
      'cert',
      'alert',
      'act',
      '--dir',
      dir.path,
      '--id',
      caAlert.id,
    ]);
    assert.match(proposal.operatorAction, /^trustbridge node trustlist withdraw --dir DIR --service eid-ca/);
    const again = await runCli([
      'cert',
      'alert',
      'dismiss',
      '--dir',
      dir.path,
      '--id',
      caAlert.id,
      '--note',
      'x',
    ]);
    assert.notEqual(again.code, 0);
    assert.equal(errorCode(again.stderr), 'CERT_ALERT_ACTED');
    const noNote = await runCli(['cert', 'alert', 'dismiss', '--dir', dir.path, '--id', caAlert.id]);
    assert.notEqual(noNote.code, 0);
    assert.match(noNote.stderr, /--note/);
    const unknown = await runCli([
      'cert',
      'alert',
      'ack',
      '--dir',
      dir.path,
      '--id',
      `alert--${randomUUID()}`,
    ]);
    assert.equal(errorCode(unknown.stderr), 'CERT_ALERT_NOT_FOUND');
    assert.deepEqual(
      (await list()).map((a) => a.status),
      ['acted', 'acted'],
    );
    assert.deepEqual(await list('open'), []);
  } finally {
    dir.remove();
  }
});
