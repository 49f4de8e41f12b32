#!/usr/bin/env node
/**
 * Runs the black-box TAXII 2.1 conformance suite (test/conformance/taxii/, compiled by
 * `npm run build`) against any TAXII 2.1 server and prints one line per check: its name, the
 * TAXII 2.1 section it is written from, the requirement keyword, the result and why it failed.
 * Exits 1 when a check fails.
 *
 * The suite posts its own STIX objects (marked TLP:CLEAR) to the collection it tests and deletes
 * only objects it posted: point it at a test collection the account may read and write.
 *
 * Usage: TAXII_PASSWORD=… node scripts/taxii_conformance.mjs --discovery URL --username NAME
 *          [--collection ID|ALIAS] [--read-only NAME:PASSWORD] [--write-only NAME:PASSWORD]
 *          [--max-upload BYTES] [--only TEXT]...
 */
import process from 'node:process';

const USAGE =
  'usage: TAXII_PASSWORD=... node scripts/taxii_conformance.mjs --discovery URL --username NAME\n' +
  '         [--collection ID|ALIAS] [--read-only NAME:PASSWORD] [--write-only NAME:PASSWORD]\n' +
  '         [--max-upload BYTES] [--only TEXT]...\n';

const args = process.argv.slice(2);
const opts = { only: [] };
for (let i = 0; i < args.length; i += 2) {
  const [flag, value] = [args[i], args[i + 1]];
  if (value === undefined) {
    process.stderr.write(USAGE);
    process.exit(2);
  }
  if (flag === '--only') opts.only.push(value);
  else opts[flag.replace(/^--/, '')] = value;
}
const password = process.env['TAXII_PASSWORD'];
if (!opts['discovery'] || !opts['username'] || !password) {
  process.stderr.write(USAGE);
  process.exit(2);
}

/** `NAME:PASSWORD` as an account. */
function account(v) {
  if (v === undefined) return undefined;
  const i = v.indexOf(':');
  return { username: v.slice(0, i), password: v.slice(i + 1) };
}

const { formatResults, runTaxiiConformance } = await import('../dist/test/conformance/taxii/index.js');
const results = await runTaxiiConformance(
  {
    discoveryUrl: opts['discovery'],
    username: opts['username'],
    password,
    ...(opts['collection'] ? { collection: opts['collection'] } : {}),
    ...(opts['read-only'] ? { readOnly: account(opts['read-only']) } : {}),
    ...(opts['write-only'] ? { writeOnly: account(opts['write-only']) } : {}),
    ...(opts['max-upload'] ? { maxUploadBytes: Number(opts['max-upload']) } : {}),
  },
  opts.only,
);
process.stdout.write(`${formatResults(results)}\n`);
process.exit(results.some((r) => r.outcome === 'fail') ? 1 : 0);
