import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cliJson, freePort, initNode, runCli, startServe, tempDir } from '../fixtures/cli.js';

const TAXII = 'application/taxii+json;version=2.1';

test('cert partner add prints credentials once; the partner reads and writes indicators at its API root', async () => {
  const dir = tempDir('tb-cert-');
  try {
    const port = await freePort();
    await initNode(dir.path, ['--base-url', `http://127.0.0.1:${port}`]);
    const p = await cliJson<Record<string, string>>([
      'cert',
      'partner',
      'add',
      '--dir',
      dir.path,
      '--name',
      'VN CERT',
      '--country',
      'VN',
      '--tlp-max',
      'amber',
    ]);
    assert.deepEqual(Object.keys(p).sort(), ['apiRoot', 'id', 'password', 'username']);
    assert.equal(p['apiRoot'], `http://127.0.0.1:${port}/taxii2/ph/`);
    const bad = await runCli([
      'cert',
      'partner',
      'add',
      '--dir',
      dir.path,
      '--name',
      'X',
      '--tlp-max',
      'red',
    ]);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /CERT_ARGUMENT_INVALID/);
    const listed = await cliJson<Record<string, unknown>[]>(['cert', 'partner', 'list', '--dir', dir.path]);
    assert.deepEqual(
      listed.map((x) => [x['username'], x['tlpMax'], x['country']]),
      [['vn-cert', 'amber', 'VN']],
    );
    assert.ok(!JSON.stringify(listed).includes(p['password']!));
    const served = await startServe(dir.path, { port });
    try {
      const auth = `Basic ${Buffer.from(`${p['username']}:${p['password']}`).toString('base64')}`;
      const discovery = await fetch(`${served.url}/taxii2/`, {
        headers: { authorization: auth, accept: TAXII },
      });
      assert.equal(discovery.status, 200);
      assert.deepEqual(((await discovery.json()) as { api_roots: string[] }).api_roots, [p['apiRoot']]);
      const cols = await fetch(`${p['apiRoot']}collections/`, {
        headers: { authorization: auth, accept: TAXII },
      });
      const [c] = ((await cols.json()) as { collections: Record<string, unknown>[] }).collections;
      assert.deepEqual([c!['title'], c!['can_read'], c!['can_write']], ['indicators', true, true]);
      await cliJson(['cert', 'partner', 'remove', '--dir', dir.path, '--partner', 'vn-cert']);
      const gone = await fetch(`${served.url}/taxii2/`, { headers: { authorization: auth, accept: TAXII } });
      assert.equal(gone.status, 401);
    } finally {
      await served.stop();
    }
  } finally {
    dir.remove();
  }
});
