/**
 * The README's worked session runs as written: every ```sh block of README.md, in order, in one
 * bash session in a fresh empty directory, with `trustbridge` on the PATH (a shim to this
 * checkout's bin/trustbridge.js), `~/trustbridge` standing for this checkout, and every documented
 * port moved to a free one. Each command must end with the status the README shows (0 unless it
 * says `(exit N)`), and print every line it quotes (`#> `). The convention is in
 * test/readme/session.ts and, for readers, in README.md under "Commands".
 *
 * Outside tools the session uses (openssl, curl, jq, pdfsig, certutil, xmllint, xmlsec1): the test
 * is skipped, naming them, when one is missing. Real clock, fresh keys every run.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, freeBlock, missingTools, tempDir } from '../fixtures/cli.js';
import { parseSession, sessionScript, substitute, unmatched } from '../readme/session.js';
import type { SessionCommand } from '../readme/session.js';

const TOOLS = ['bash', 'openssl', 'curl', 'jq', 'pdfsig', 'certutil', 'xmllint', 'xmlsec1'];

/** The ports the README documents: the federation's five (hub, PH, VN, BE, the VN tax portal), the single node, its TLS login, the hub. */
const FEDERATION_PORTS = [8080, 8081, 8082, 8083, 8084];
const SINGLE_PORTS = [8090, 8091, 8443];
/** The port the federation suggests when its own are taken (its hub's plus 100): text only. */
const SUGGESTED_PORT = 8180;

/** Documented value → this run's value. */
async function substitutions(): Promise<Map<string, string>> {
  const taken = new Set<number>();
  const map = new Map<string, string>();
  const fed = await freeBlock(FEDERATION_PORTS.length, taken);
  FEDERATION_PORTS.forEach((p, i) => map.set(String(p), String(fed + i)));
  map.set(String(SUGGESTED_PORT), String(fed + 100));
  for (const p of SINGLE_PORTS) map.set(String(p), String(await freeBlock(1, taken)));
  map.set('~/trustbridge', REPO_ROOT.replace(/\/$/, ''));
  return map;
}

function runBash(script: string, cwd: string, env: NodeJS.ProcessEnv, ms: number): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn('bash', [script], { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => void (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0 && err.trim()) process.stderr.write(`session script stderr:\n${err}\n`);
      resolve(code);
    });
  });
}

function describeCommand(c: SessionCommand): string {
  return `README.md:${c.line}: ${c.text.split('\n').join('\n    ')}`;
}

const missing = missingTools(...TOOLS);
const tmp = tempDir('tb-readme-');
const out = join(tmp.path, 'out');
after(async () => {
  // Stop the servers the session started (each leads its own process group), then clean up.
  const pids = existsSync(join(out, 'pids')) ? readFileSync(join(out, 'pids'), 'utf8').split(/\s+/) : [];
  for (const pid of pids.filter(Boolean).map(Number)) {
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  // The servers stop on SIGTERM (Ctrl-C); give them the time to, then remove their files.
  // TRUSTBRIDGE_KEEP_README_SESSION=1 keeps the directory (the script, each command's output).
  if (process.env['TRUSTBRIDGE_KEEP_README_SESSION']) return;
  await new Promise((r) => setTimeout(r, 2000));
  tmp.remove();
});

test(
  'the README session runs as written',
  { skip: missing ? `needs ${missing}` : false, timeout: 900_000 },
  async (t) => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const session = parseSession(readme);
    assert.ok(session.commands.length > 50, `only ${session.commands.length} commands found`);
    const map = await substitutions();
    const commands = session.commands.map((c) => ({
      ...c,
      text: substitute(c.text, map),
      expected: c.expected.map((e) => substitute(e, map)),
    }));

    const bin = join(tmp.path, 'bin');
    const home = join(tmp.path, 'home');
    const work = join(tmp.path, 'work');
    for (const d of [bin, home, work, out]) mkdirSync(d, { recursive: true });
    const shim = join(bin, 'trustbridge');
    writeFileSync(
      shim,
      `#!/bin/sh\nexec '${process.execPath}' '${join(REPO_ROOT, 'bin', 'trustbridge.js')}' "$@"\n`,
    );
    chmodSync(shim, 0o755);
    const script = join(tmp.path, 'session.sh');
    writeFileSync(script, sessionScript(commands, out, 300));

    // A user's environment: none of ours, a home of its own (the trust state lives there).
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('TRUSTBRIDGE_')) env[k] = v;
    env['HOME'] = home;
    env['PATH'] = `${bin}:${process.env['PATH'] ?? ''}`;
    delete env['XDG_STATE_HOME'];

    const started = Date.now();
    const code = await runBash(script, work, env, 840_000);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const output = (n: number): string =>
      existsSync(join(out, String(n))) ? readFileSync(join(out, String(n)), 'utf8') : '';

    if (code !== 0) {
      const failed = existsSync(join(out, 'failed'))
        ? Number(readFileSync(join(out, 'failed'), 'utf8'))
        : NaN;
      const c = commands[failed];
      if (!c) {
        const at = existsSync(join(out, 'at')) ? Number(readFileSync(join(out, 'at'), 'utf8')) : NaN;
        const running = commands[at];
        assert.fail(
          `the session script ended with ${code ?? 'a kill'} after ${seconds} s` +
            (running ? `, during ${describeCommand(running)}; it printed:\n${output(at)}` : ''),
        );
      }
      const status = readFileSync(join(out, `${failed}.status`), 'utf8').trim();
      const what = c.background
        ? status === 'exited'
          ? 'the server ended before printing what the README quotes'
          : 'the server did not print what the README quotes in time'
        : `exit ${status}, the README shows ${c.exitCode}`;
      assert.fail(`${describeCommand(c)}\n  ${what}; it printed:\n${output(failed)}`);
    }

    const problems: string[] = [];
    commands.forEach((c, n) => {
      const miss = unmatched(c.expected, output(n));
      if (miss !== undefined)
        problems.push(`${describeCommand(c)}\n  no line matches "${miss}"; it printed:\n${output(n)}`);
    });
    if (problems.length > 0)
      assert.fail(
        `${problems.length === 1 ? 'a command' : `${problems.length} commands`} did not print what README.md quotes:\n\n${problems.join('\n\n')}`,
      );
    t.diagnostic(
      `README session: ${commands.length} commands (${commands.filter((c) => c.expected.length).length} with quoted output), ` +
        `${session.skipped.length} blocks not run, ${seconds} s`,
    );
  },
);
