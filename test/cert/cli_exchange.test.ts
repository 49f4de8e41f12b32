import assert from 'node:assert/strict';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { updateNodeConfig } from '../../src/node/config.js';
import {
  REPO_ROOT,
  cliJson,
  freePort,
  initNode,
  runCli,
  sqliteValue,
  startServe,
  storeFile,
  tempDir,
} from '../fixtures/cli.js';

const BUNDLE = join(REPO_ROOT, 'examples', 'indicators.json');

test('cert publish, remote, sync and search between two served nodes (the background sync too)', async () => {
  const dir = tempDir('tb-cert-x-');
  const a = join(dir.path, 'a');
  const b = join(dir.path, 'b');
  try {
    const port = await freePort();
    await initNode(a, ['--base-url', `http://127.0.0.1:${port}`]);
    await initNode(b);
    const p = await cliJson<Record<string, string>>([
      'cert',
      'partner',
      'add',
      '--dir',
      a,
      '--name',
      'B CERT',
      '--tlp-max',
      'amber',
    ]);
    const pw = join(dir.path, 'a-password');
    writeFileSync(pw, p['password']! + '\n', { mode: 0o600 });
    const remote = await cliJson<Record<string, unknown>>([
      'cert',
      'remote',
      'add',
      '--dir',
      b,
      '--name',
      'A CERT',
      '--api-root',
      p['apiRoot']!,
      '--user',
      p['username']!,
      '--partner-password-file',
      pw,
    ]);
    assert.equal(remote['apiRootUrl'], p['apiRoot']);
    assert.equal(statSync(join(b, 'keys', 'cert-remotes.key')).mode & 0o777, 0o600);
    const missing = await runCli([
      'cert',
      'remote',
      'add',
      '--dir',
      b,
      '--name',
      'X',
      '--api-root',
      p['apiRoot']!,
    ]);
    assert.equal(missing.code, 3);
    assert.match(missing.stderr, /--partner-password-file/);

    // Publish into A's own collection: the invalid object is a failure naming its rule.
    const published = await runCli(['cert', 'publish', '--dir', a, '--in', BUNDLE]);
    assert.equal(published.code, 1);
    const status = JSON.parse(published.stdout) as Record<string, unknown>;
    assert.deepEqual([status['success_count'], status['failure_count']], [2, 1]);
    assert.match(JSON.stringify(status['failures']), /stix\.timestamps\.order/);

    const served = await startServe(a, { port });
    try {
      const r = await cliJson<Record<string, unknown>>([
        'cert',
        'sync',
        '--dir',
        b,
        '--remote',
        'A CERT',
        '--page-size',
        '1',
      ]);
      assert.deepEqual([r['remote'], r['fetched'], r['stored'], r['failed']], ['A CERT', 2, 2, 0]);
      assert.equal(typeof r['durationMs'], 'number');

      const lines = (
        await runCli(['cert', 'search', '--dir', b, '--type', 'indicator', '--text', 'PHISHING'])
      ).stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      assert.deepEqual(
        lines.map((h) => [h['source'], h['tlp'], h['name']]),
        [['A CERT', 'green', 'Phishing site imitating the eID login page']],
      );
      const table = await runCli(['cert', 'search', '--dir', b, '--table']);
      assert.match(table.stdout, /^DATE ADDED\s+SOURCE\s+TLP\s+TYPE\s+ID\s+NAME\n/);
      assert.match(table.stdout, /A CERT\s+green\s+identity/);

      // Publish to A over TAXII with B's credentials: the status resource of A's server.
      const bad = join(dir.path, 'bad.json');
      writeFileSync(bad, JSON.stringify({ objects: [{ type: 'indicator', id: 'indicator--nope' }] }));
      const overTaxii = await runCli([
        'cert',
        'publish',
        '--in',
        bad,
        '--url',
        p['apiRoot']!,
        '--user',
        p['username']!,
        '--partner-password-file',
        pw,
      ]);
      assert.equal(overTaxii.code, 1);
      assert.equal((JSON.parse(overTaxii.stdout) as Record<string, unknown>)['failure_count'], 1);

      // The background sync of B's server picks up what A publishes next.
      updateNodeConfig(b, { cert: { syncIntervalSeconds: 1 } });
      const next = join(dir.path, 'next.json');
      const fresh = {
        type: 'indicator',
        spec_version: '2.1',
        id: 'indicator--0d7f2a4e-8a5b-4c1e-9f3d-2b6a7c8d9e01',
        created: '2026-01-02T00:00:00.000Z',
        modified: '2026-01-02T00:00:00.000Z',
        name: 'Second wave',
        pattern: "[domain-name:value = 'eid-login.example']",
        pattern_type: 'stix',
        valid_from: '2026-01-02T00:00:00Z',
        object_marking_refs: ['marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487'],
      };
      writeFileSync(next, JSON.stringify({ objects: [fresh] }));
      await cliJson(['cert', 'publish', '--dir', a, '--in', next]);
      const servedB = await startServe(b);
      try {
        let found = false;
        for (let i = 0; i < 60 && !found; i++) {
          await sleep(500);
          const n = sqliteValue<number>(
            storeFile(b),
            'select count(*) from cert_object where id = ?',
            fresh.id,
          );
          found = n === 1;
        }
        assert.ok(found, 'the background sync stored the new indicator');
      } finally {
        await servedB.stop();
      }
    } finally {
      await served.stop();
    }
    await cliJson(['cert', 'remote', 'remove', '--dir', b, '--remote', 'A CERT']);
    const gone = await runCli(['cert', 'sync', '--dir', b, '--remote', 'A CERT']);
    assert.match(gone.stderr, /CERT_REMOTE_UNKNOWN/);
  } finally {
    dir.remove();
  }
});
