/**
 * The reading of the README's session (test/readme/session.ts): which blocks run, how a command's
 * quoted output and exit status are read, the substitutions, the line matching; and that README.md
 * itself reads without error.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../fixtures/cli.js';
import { linePattern, parseSession, sessionScript, substitute, unmatched } from './session.js';

const fence = '```';

test('sh blocks are read in order; other languages and marked blocks are not run', () => {
  const md = [
    '# t',
    `${fence}sh`,
    'echo one',
    fence,
    '<!-- not run: needs a token -->',
    `${fence}sh`,
    'rm -rf /',
    fence,
    `${fence}text`,
    'trustbridge wallet login <id>',
    fence,
    fence,
    'trustbridge node init --dir DIR',
    fence,
    '- a list item:',
    '',
    `  ${fence}sh`,
    '  echo two   # a comment',
    `  ${fence}`,
  ].join('\n');
  const s = parseSession(md);
  assert.deepEqual(
    s.commands.map((c) => [c.line, c.text]),
    [
      [3, 'echo one'],
      [18, 'echo two   # a comment'],
    ],
  );
  assert.deepEqual(s.skipped, [{ line: 6, reason: 'needs a token' }]);
});

test('quoted output, exit status, continuation lines and servers', () => {
  const md = [
    `${fence}sh`,
    '# a comment line is no command',
    'curl -s -d x \\',
    '  http://127.0.0.1:8090/x | jq .a',
    '#> "b"',
    'trustbridge sign --walet w',
    '#> trustbridge: error USAGE_INVALID_ARGUMENT: … --wallet?   (exit 3)',
    'trustbridge node serve --dir ph &     # or in another terminal, without the &',
    '#> trustbridge node PH listening on http://127.0.0.1:8090',
    'false',
    '#> (exit 1)',
    'a && b',
    fence,
  ].join('\n');
  const [curl, sign, serve, f, and] = parseSession(md).commands;
  assert.deepEqual(curl, {
    line: 3,
    text: 'curl -s -d x \\\n  http://127.0.0.1:8090/x | jq .a',
    background: false,
    expected: ['"b"'],
    exitCode: 0,
  });
  assert.deepEqual(sign!.expected, ['trustbridge: error USAGE_INVALID_ARGUMENT: … --wallet?']);
  assert.equal(sign!.exitCode, 3);
  assert.equal(serve!.background, true);
  assert.equal(serve!.text, 'trustbridge node serve --dir ph');
  assert.deepEqual([f!.expected, f!.exitCode], [[], 1]);
  assert.equal(and!.background, false);
});

test('malformed sessions are refused with the line', () => {
  assert.throws(
    () => parseSession(`${fence}sh\n#> x\n${fence}`),
    /README\.md:2: quoted output before any command/,
  );
  assert.throws(() => parseSession(`${fence}sh\necho \\\n${fence}`), /continued past its block/);
  assert.throws(() => parseSession(`${fence}sh\necho`), /never closed/);
  assert.throws(() => parseSession(`<!-- not run: -->\n${fence}sh\necho\n${fence}`), /needs a reason/);
  const server = parseSession(`${fence}sh\nserve &\n${fence}`).commands;
  assert.throws(() => sessionScript(server, '/tmp/x'), /must quote the line it is ready at/);
});

test('documented ports and the checkout are replaced as whole words', () => {
  const map = new Map([
    ['8080', '31000'],
    ['8180', '31100'],
    ['~/trustbridge', '/src/tb'],
  ]);
  assert.equal(
    substitute('--port 8080 http://127.0.0.1:8080/x 18080 80801 ports 8080-8083 e.g. 8180', map),
    '--port 31000 http://127.0.0.1:31000/x 18080 80801 ports 31000-8083 e.g. 31100',
  );
  assert.equal(substitute('cp -r ~/trustbridge/examples .', map), 'cp -r /src/tb/examples .');
});

test('quoted lines match whole output lines in order, … standing for any text', () => {
  assert.ok(linePattern('auth.pem: good').test('  auth.pem: good  '));
  assert.ok(!linePattern('auth.pem: good').test('auth.pem: good or bad'));
  assert.ok(
    linePattern('held for review …: nearly matches …; x (y)').test(
      'held for review ab12: nearly matches 1; x (y)',
    ),
  );
  const out = 'a\nwarning\nb 12 c\nd\n';
  assert.equal(unmatched(['a', 'b … c', 'd'], out), undefined);
  assert.equal(unmatched(['d', 'a'], out), 'a');
  assert.equal(unmatched(['b … c', 'b … c'], out), 'b … c');
});

test('README.md reads as a session', () => {
  const s = parseSession(readFileSync(join(REPO_ROOT, 'README.md'), 'utf8'));
  assert.ok(s.commands.length > 50);
  assert.ok(s.commands.some((c) => c.background));
  for (const k of s.skipped) assert.ok(k.reason.length > 10, `README.md:${k.line}: give the reason`);
});
