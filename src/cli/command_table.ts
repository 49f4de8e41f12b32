/**
 * The table of `trustbridge` commands: each command's usage line and the module that runs it.
 *
 * A module is imported only when one of its commands runs, so `trustbridge help` and a command
 * that needs a few modules start without loading the rest (the OpenID provider and the HTTP
 * server among them: oidc-provider warns at import on a Node.js release it does not list).
 */
import type { Command } from './command.js';
import { NodeError } from '../node/errors.js';

/** Loads the module that implements a group of commands. */
type Loader = () => Promise<readonly Command[]>;

const node: Loader = async () => (await import('./commands/node.js')).nodeCommands;
const wallet: Loader = async () => (await import('./commands/wallet.js')).walletCommands;
const eid: Loader = async () => (await import('./commands/eid.js')).eidCommands;
const officer: Loader = async () => (await import('./commands/officer.js')).officerCommands;
const demo: Loader = async () => (await import('./commands/demo.js')).demoCommands;
const federation: Loader = async () => (await import('./commands/federation.js')).federationCommands;
const sign: Loader = async () => (await import('./commands/sign.js')).signCommands;
const extend: Loader = async () => (await import('./commands/extend.js')).extendCommands;
const validate: Loader = async () => (await import('./commands/validate.js')).validateCommands;
const hub: Loader = async () => (await import('./commands/hub.js')).hubCommands;
const rp: Loader = async () => (await import('./commands/rp.js')).rpCommands;
const walletLogin: Loader = async () => (await import('./commands/wallet_login.js')).walletLoginCommands;
const log: Loader = async () => (await import('./commands/log.js')).logCommands;
const logMonitor: Loader = async () => (await import('./commands/log_monitor.js')).logMonitorCommands;
const cert: Loader = async () => (await import('./commands/cert.js')).certCommands;
const certAlerts: Loader = async () => (await import('./commands/cert_alerts.js')).certAlertCommands;
const notarise: Loader = async () => (await import('./commands/notarise.js')).notariseCommands;
const certExchange: Loader = async () => (await import('./commands/cert_exchange.js')).certExchangeCommands;

/** A command as the table lists it. */
export interface CommandEntry {
  /** Words that select it, e.g. `['eid', 'enroll']`: the leading words of its usage line. */
  words: string[];
  /** One-line usage shown by `trustbridge help`. */
  usage: string;
  /** Imports the module that implements it. */
  load: Loader;
}

/** The selecting words of a usage line: its words before the first option or operand. */
function wordsOf(usage: string): string[] {
  const words: string[] = [];
  for (const token of usage.split(' ')) {
    if (!/^[a-z][a-z-]*$/.test(token)) break;
    words.push(token);
  }
  return words;
}

/** In the order `trustbridge help` lists them. */
const USAGE: [Loader, string][] = [
  [
    node,
    'node init --dir DIR --country CC [--name TEXT] [--base-url URL] [--db URL] [--eid-ca-curve P-256|P-384] [--hsm-module SO --hsm-pin-file F [--hsm-token LABEL]] [--password-file F]',
  ],
  [
    node,
    'node serve --dir DIR [--host H] [--port N] [--workers N] [--log] [--tls-login-port N [--tls-login-cert PEM --tls-login-key PEM [--tls-login-key-password-file F]]]',
  ],
  [node, 'node info --dir DIR'],
  [wallet, 'wallet create --out FILE.p12 [--force] [--wallet-password-file F]'],
  [wallet, 'wallet show --wallet FILE.p12 [--wallet-password-file F]'],
  [eid, 'eid review list --dir DIR [--status pending|accepted|rejected|all]   # default: pending'],
  [eid, 'eid review accept --dir DIR --id ID [--officer ID]   # registers the person (then: eid issue)'],
  [eid, 'eid review reject --dir DIR --id ID [--reason TEXT] [--officer ID]'],
  [
    eid,
    'eid import --dir DIR FILE.csv [--batch N] [--officer ID]   # resumable, idempotent; prints the national ids created',
  ],
  [
    eid,
    'eid enroll --dir DIR --wallet FILE.p12 --given-name G --family-name F --birth-date YYYY-MM-DD [--place-of-birth P] [--sex F|M|X] [--nationality CC] [--officer ID]',
  ],
  [eid, 'eid issue --dir DIR --national-id ID --wallet FILE.p12 [--officer ID]'],
  [eid, 'eid renew --dir DIR --national-id ID --wallet NEW.p12 [--officer ID]'],
  [
    eid,
    'eid register --dir DIR --given-name G --family-name F --birth-date YYYY-MM-DD [--place-of-birth P] [--sex F|M|X] [--nationality CC]',
  ],
  [eid, 'eid suspend --dir DIR (--national-id ID | --serial HEX) [--officer ID]'],
  [eid, 'eid resume --dir DIR (--national-id ID | --serial HEX) [--officer ID]'],
  [eid, 'eid revoke --dir DIR (--national-id ID | --serial HEX) [--reason REASON] [--officer ID]'],
  [eid, 'eid show --dir DIR --national-id ID'],
  [
    officer,
    'officer add --dir DIR --name TEXT [--role registrar|supervisor|notary]   # prints the bearer token once',
  ],
  [officer, 'officer list --dir DIR'],
  [officer, 'officer disable --dir DIR --id OFFICER-ID'],
  [demo, 'demo [--dir DIR] [--port N]   # a demo country node with sample citizens (npm start)'],
  [
    federation,
    'federation [--dir DIR] [--port N] [--workers N]   # hub + PH, VN, BE nodes + VN tax portal on loopback (npm start)',
  ],
  [
    sign,
    'sign --wallet FILE.p12 --format cades|pades|jades --level B-B|B-T|B-LT|B-LTA --in FILE --out FILE [--tsa URL] [--detached] [--sigd] [--serialization compact|json] [--wallet-password-file F]',
  ],
  [extend, 'extend --in FILE --out FILE --level B-LT|B-LTA [--tsa URL] [--detached FILE]'],
  [
    validate,
    'validate --in FILE [--detached FILE]... [--trust SOURCE]... [--trust-signer PEM]... [--trust-stale warn|refuse] [--at TIME] [--report FILE] [--report-format json|etsi-xml|html] [--signing-cert PEM]... [--offline] [--require-transparency]',
  ],
  [
    hub,
    'hub init --dir HUB --name TEXT [--base-url URL] [--territory CC] [--validity-days N] [--password-file F]',
  ],
  [
    hub,
    'hub member add --dir HUB --country CC --trustlist URL --signer PEM [--log-vkey FILE] [--witness-vkey FILE] [--witness-url URL] [--log-url URL] [--node-dir DIR] [--password-file F]',
  ],
  [hub, 'hub member suspend --dir HUB --country CC [--password-file F]'],
  [hub, 'hub member resume --dir HUB --country CC [--password-file F]'],
  [hub, 'hub member remove --dir HUB --country CC [--password-file F]'],
  [hub, 'hub member list --dir HUB'],
  [hub, 'hub serve --dir HUB [--host H] [--port N] [--log] [--password-file F]'],
  [hub, 'node trustlist publish --dir DIR [--force] [--password-file F]'],
  [hub, 'node trustlist withdraw --dir DIR --service eid-ca|tsa|ocsp|KEY [--password-file F]'],
  [hub, 'node trustlist grant --dir DIR --service eid-ca|tsa|ocsp|KEY [--password-file F]'],
  [
    rp,
    'rp add --dir DIR --redirect-uri URI [--redirect-uri URI]... --name TEXT [--post-logout-redirect-uri URI]... [--public]   # prints the client credentials once',
  ],
  [rp, 'rp list --dir DIR'],
  [rp, 'rp disable --dir DIR --client-id ID'],
  [rp, 'login rotate-key --dir DIR   # new ID-token signing key from the next server start'],
  [
    walletLogin,
    'wallet login --wallet FILE.p12 (<challenge-code-or-URL> | --export-browser-key FILE.json) [--wallet-password-file F]',
  ],
  [log, 'log verify --url URL --vkey KEY|FILE [--policy FILE] [--state FILE]'],
  [
    notarise,
    'notarise --in FILE --node URL [--token TOKEN] [--out RECEIPT] [--wait SECONDS]   # sends only the SHA-256; token also from TRUSTBRIDGE_TOKEN; default out FILE.receipt',
  ],
  [
    notarise,
    'receipt verify --in RECEIPT [--file F] (--policy FILE | --vkey KEY|FILE [--witness VKEY|FILE]... [--quorum N])   # offline',
  ],
  [
    logMonitor,
    'log monitor --dir DIR [--url URL] [--vkey KEY|FILE] [--policy FILE] [--state FILE] [--since N]',
  ],
  [
    cert,
    'cert partner add --dir DIR --name TEXT [--country CC] [--tlp-max amber|green|clear]   # prints the partner credentials once',
  ],
  [cert, 'cert partner list --dir DIR'],
  [cert, 'cert partner remove --dir DIR --partner ID|USERNAME'],
  [cert, 'cert partner token --dir DIR --partner ID|USERNAME   # prints a new bearer token once'],
  [certAlerts, 'cert alerts --dir DIR [--status open|acknowledged|acted|dismissed|all]'],
  [certAlerts, 'cert alert ack --dir DIR --id ID [--note TEXT] [--officer ID]'],
  [
    certAlerts,
    'cert alert act --dir DIR --id ID [--note TEXT] [--officer ID]   # suspends the eID certificate; for a CA, proposes withdrawing its services',
  ],
  [certAlerts, 'cert alert dismiss --dir DIR --id ID --note TEXT [--officer ID]'],
  [
    certExchange,
    'cert publish --in BUNDLE.json [--collection NAME] (--dir DIR [--remote NAME] | --url API-ROOT-URL (--user U --partner-password-file F | --token-file F))   # prints the status resource',
  ],
  [
    certExchange,
    'cert remote add --dir DIR --name TEXT --api-root URL (--user U --partner-password-file F | --token-file F) [--collection NAME] [--tlp-max amber+strict|amber|green|clear]',
  ],
  [certExchange, 'cert remote list --dir DIR'],
  [certExchange, 'cert remote remove --dir DIR --remote NAME|ID'],
  [
    certExchange,
    'cert sync --dir DIR [--remote NAME] [--page-size N]   # prints {remote, fetched, stored, skipped, failed, durationMs}',
  ],
  [certExchange, 'cert search --dir DIR [--type T]... [--text S] [--since TIME] [--limit N] [--table]'],
];

/**
 * Every command, in help order.
 *
 * @example
 * ```ts
 * const entry = COMMAND_TABLE.find((c) => c.words.join(' ') === 'wallet show');
 * const impl = (await entry!.load()).find((c) => c.words.join(' ') === 'wallet show');
 * ```
 */
export const COMMAND_TABLE: readonly CommandEntry[] = USAGE.map(([load, usage]) => ({
  words: wordsOf(usage),
  usage,
  load,
}));

/**
 * The command selected by the leading words of `argv` (the longest match), or undefined.
 *
 * @param argv - arguments after `trustbridge`
 * @example
 * ```ts
 * findCommand(['eid', 'review', 'list', '--dir', 'ph'])?.words; // ['eid', 'review', 'list']
 * ```
 */
export function findCommand(argv: readonly string[]): CommandEntry | undefined {
  return COMMAND_TABLE.filter((c) => c.words.every((w, i) => argv[i] === w)).sort(
    (a, b) => b.words.length - a.words.length,
  )[0];
}

/**
 * Imports the module of `entry` and returns its implementation.
 *
 * @example
 * ```ts
 * const status = await (await loadCommand(findCommand(['node', 'info'])!)).run(['--dir', 'ph']);
 * ```
 */
export async function loadCommand(entry: CommandEntry): Promise<Command> {
  const key = entry.words.join(' ');
  const impl = (await entry.load()).find((c) => c.words.join(' ') === key);
  if (!impl) throw new NodeError('INTERNAL', `command table: no implementation of "${key}"`);
  return impl;
}
