/**
 * The command table and lazy loading: every usage line has exactly one implementation and every
 * implementation a usage line; `help` and the commands that start no OpenID provider do not load
 * oidc-provider, so they print none of its warnings (it warns at import on Node.js before 22).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { COMMAND_TABLE, findCommand, loadCommand } from '../../src/cli/command_table.js';
import type { Command } from '../../src/cli/command.js';
import { errorCode, run, runCli, tempDir } from '../fixtures/cli.js';

const PROVIDER_WARNING = /oidc-provider WARNING/;

describe('command table', () => {
  it('lists each command once and takes its words from the usage line', () => {
    const keys = COMMAND_TABLE.map((c) => c.words.join(' '));
    assert.equal(new Set(keys).size, keys.length, 'duplicate command words');
    assert.ok(keys.includes('eid review list'));
    assert.ok(keys.includes('login rotate-key'));
    assert.ok(keys.includes('node trustlist publish'));
    for (const c of COMMAND_TABLE) assert.ok(c.usage.startsWith(`${c.words.join(' ')} `));
  });

  it('selects the longest match of the leading words', () => {
    assert.deepEqual(findCommand(['node', 'trustlist', 'grant', '--dir', 'x'])?.words, [
      'node',
      'trustlist',
      'grant',
    ]);
    assert.deepEqual(findCommand(['node', 'info', '--dir', 'x'])?.words, ['node', 'info']);
    assert.deepEqual(findCommand(['sign', '--in', 'f'])?.words, ['sign']);
    assert.equal(findCommand(['node']), undefined);
    assert.equal(findCommand(['nope']), undefined);
  });

  it('finds an implementation for every entry and an entry for every implementation', async () => {
    const implemented = new Set<string>();
    for (const c of COMMAND_TABLE) {
      const impl: Command = await loadCommand(c);
      assert.deepEqual(impl.words, c.words);
      for (const other of await c.load()) implemented.add(other.words.join(' '));
    }
    assert.deepEqual([...implemented].sort(), COMMAND_TABLE.map((c) => c.words.join(' ')).sort());
  });
});

describe('commands that start no OpenID provider do not load it', () => {
  const dir = tempDir('tb-cli-lazy-');
  const node = join(dir.path, 'ph');
  const wallet = join(dir.path, 'w.p12');

  before(async () => {
    const r = await runCli(['node', 'init', '--dir', node, '--country', 'PH']);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, PROVIDER_WARNING);
  });
  after(() => dir.remove());

  it('the provider does warn at import on this runtime, or the checks below would prove nothing', async (t) => {
    if (Number(process.versions.node.split('.')[0]) >= 22) {
      t.skip('Node.js 22 or later: oidc-provider does not warn');
      return;
    }
    const r = await run(process.execPath, ['--input-type=module', '-e', "import 'oidc-provider';"]);
    assert.match(r.stderr, PROVIDER_WARNING);
  });

  it('help lists every command without a warning', async () => {
    const r = await runCli(['help']);
    assert.equal(r.code, 0);
    assert.equal(r.stderr, '');
    for (const c of COMMAND_TABLE) assert.ok(r.stdout.includes(`  trustbridge ${c.usage}\n`));
  });

  const cases: [string, string[], number, string | undefined][] = [
    ['unknown command', ['frobnicate'], 3, undefined],
    ['wallet create', ['wallet', 'create', '--out', wallet], 0, undefined],
    ['wallet show', ['wallet', 'show', '--wallet', wallet], 0, undefined],
    [
      'wallet show of a missing file',
      ['wallet', 'show', '--wallet', 'nope.p12'],
      3,
      'USAGE_INVALID_ARGUMENT',
    ],
    ['node info', ['node', 'info', '--dir', node], 0, undefined],
    ['eid show of an unknown person', ['eid', 'show', '--dir', node, '--national-id', 'PH-0'], 3, undefined],
    ['eid review list', ['eid', 'review', 'list', '--dir', node], 0, undefined],
    ['officer list', ['officer', 'list', '--dir', node], 0, undefined],
    ['rp list', ['rp', 'list', '--dir', node], 0, undefined],
    ['sign without options', ['sign'], 3, undefined],
    ['validate without options', ['validate'], 3, undefined],
    ['hub member list of no hub', ['hub', 'member', 'list', '--dir', join(dir.path, 'no-hub')], 3, undefined],
    ['node serve of no node', ['node', 'serve', '--dir', join(dir.path, 'none')], 1, 'NODE_NOT_INITIALISED'],
  ];
  for (const [name, args, code, expectedCode] of cases) {
    it(`${name}: exit ${code}, no provider warning`, async () => {
      const r = await runCli(args);
      assert.equal(r.code, code, r.stderr);
      if (expectedCode) assert.equal(errorCode(r.stderr), expectedCode);
      assert.doesNotMatch(r.stderr, PROVIDER_WARNING);
    });
  }
});
