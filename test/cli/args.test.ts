import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nearestOption, parseOptions } from '../../src/cli/args.js';
import type { OptionSpec } from '../../src/cli/args.js';

const SPEC: OptionSpec = {
  wallet: { type: 'string' },
  'wallet-password-file': { type: 'string' },
  in: { type: 'string' },
  out: { type: 'string' },
  detached: { type: 'string' },
  log: { type: 'boolean' },
};

function usage(argv: string[]): { code: string; message: string } {
  try {
    parseOptions(argv, SPEC);
  } catch (e) {
    return e as { code: string; message: string };
  }
  assert.fail('parsed');
}

test('an unknown option close to a known one names it', () => {
  const e = usage(['--walet', 'w.p12']);
  assert.equal(e.code, 'USAGE_INVALID_ARGUMENT');
  assert.equal(e.message, 'unknown option --walet; did you mean --wallet?');
  assert.equal(usage(['--detahced', 'x']).message, 'unknown option --detahced; did you mean --detached?');
  assert.equal(
    usage(['--wallet-pasword-file=f']).message,
    'unknown option --wallet-pasword-file; did you mean --wallet-password-file?',
  );
});

test('an unknown option far from every known one gets no guess', () => {
  assert.equal(usage(['--country', 'PH']).message, 'unknown option --country');
  assert.equal(usage(['-x']).message, 'unknown option -x');
});

test('a missing value and a value given to a flag are said plainly', () => {
  assert.equal(usage(['--in']).message, '--in needs a value');
  assert.match(usage(['--log=yes']).message, /--log/);
});

test('nearestOption: at most 2 edits, fewer than a third of the letters', () => {
  assert.equal(nearestOption('--walet', ['wallet', 'in']), 'wallet');
  assert.equal(nearestOption('--ni', ['in', 'out']), 'in');
  assert.equal(nearestOption('--ot', ['in', 'out']), 'out');
  assert.equal(nearestOption('--xy', ['in', 'out']), undefined);
  assert.equal(nearestOption('--wallet', ['wallet']), undefined);
  assert.equal(nearestOption('--trst', ['trust', 'tsa']), 'trust');
});

test('known options still parse', () => {
  const { values, positionals } = parseOptions(['--in', 'a', '--log', 'b'], SPEC);
  assert.deepEqual({ in: values['in'], log: values['log'] }, { in: 'a', log: true });
  assert.deepEqual(positionals, ['b']);
});
