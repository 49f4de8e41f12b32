/**
 * A port that another process holds: every server command (`node serve`, with `--workers` and
 * `--tls-login-port`, `hub serve`, `federation`) stops with `PORT_IN_USE` naming the address and
 * the option that moves it, exit status 3, and no stack trace; the federation prints no banner
 * and leaves none of its processes (nor its tax portal's listener) behind.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { cliJson, errorCode, freePort, initNode, runCli, tempDir } from '../fixtures/cli.js';
import type { RunResult } from '../fixtures/cli.js';

/** Holds `port` on loopback until closed. */
function occupy(port: number): Promise<Server> {
  return new Promise((ok, ko) => {
    const srv = createServer();
    srv.once('error', ko);
    srv.listen(port, '127.0.0.1', () => ok(srv));
  });
}

function assertPortInUse(r: RunResult, message: string): void {
  assert.equal(r.code, 3, r.stderr);
  assert.equal(errorCode(r.stderr), 'PORT_IN_USE', r.stderr);
  assert.ok(r.stderr.includes(message), r.stderr);
  assert.doesNotMatch(r.stderr, /EADDRINUSE|\n\s+at /);
}

describe('PORT_IN_USE', { timeout: 300_000 }, () => {
  const tmp = tempDir('tb-port-');
  const nodeDir = join(tmp.path, 'ph');
  const hubDir = join(tmp.path, 'hub');
  let port: number;
  let taken: Server;
  before(async () => {
    await initNode(nodeDir);
    await cliJson(['hub', 'init', '--dir', hubDir, '--name', 'Hub']);
    port = await freePort();
    taken = await occupy(port);
  });
  after(() => {
    taken?.close();
    tmp.remove();
  });

  test('node serve names the address and --port', async () => {
    const r = await runCli(['node', 'serve', '--dir', nodeDir, '--port', String(port)]);
    assertPortInUse(r, `trustbridge: error PORT_IN_USE: 127.0.0.1:${port} is taken; use --port\n`);
    assert.equal(r.stdout, '');
  });

  test('node serve --workers 2 says the same', async () => {
    const r = await runCli(['node', 'serve', '--dir', nodeDir, '--port', String(port), '--workers', '2']);
    assertPortInUse(r, `trustbridge: error PORT_IN_USE: 127.0.0.1:${port} is taken; use --port\n`);
  });

  test('node serve --tls-login-port names that option', async () => {
    const free = await freePort();
    const r = await runCli([
      'node',
      'serve',
      '--dir',
      nodeDir,
      '--port',
      String(free),
      '--tls-login-port',
      String(port),
    ]);
    assertPortInUse(r, `127.0.0.1:${port} is taken; use --tls-login-port\n`);
  });

  test('hub serve names the address and --port', async () => {
    const r = await runCli(['hub', 'serve', '--dir', hubDir, '--port', String(port)]);
    assertPortInUse(r, `trustbridge: error PORT_IN_USE: 127.0.0.1:${port} is taken; use --port\n`);
  });

  test('federation names the member, its port and --port, with no banner', async () => {
    // The VN node's port (the hub's + 2) is the taken one.
    const base = port - 2;
    const dir = join(tmp.path, 'federation');
    const r = await runCli(['federation', '--dir', dir, '--port', String(base)], { timeoutMs: 240_000 });
    assertPortInUse(
      r,
      `trustbridge: error PORT_IN_USE: the VN node's port 127.0.0.1:${port} is taken (the federation uses ports ${base}-${base + 4}); use --port`,
    );
    assert.doesNotMatch(r.stdout, /regional hub|Ctrl-C/);
    // Its processes are gone: the ports it did bind are free again.
    for (const p of [base, base + 1, base + 3, base + 4]) (await occupy(p)).close();
  });
});
