/**
 * `trustbridge notarise` and `trustbridge receipt verify`: a party notarises a document at a
 * node (only its SHA-256 leaves the machine) and keeps the receipt; anyone checks the receipt
 * offline, years later, against the log's key and the witnesses' keys.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { UsageError } from '../../lib/errors.js';
import { decodeEntry } from '../../ledger/entry.js';
import { LedgerEntryError } from '../../ledger/entry_errors.js';
import { LedgerError } from '../../ledger/errors.js';
import { noteVerifier, parseVerifierKey } from '../../ledger/keys.js';
import { cosignatureVerifier } from '../../ledger/cosignature.js';
import { parsePolicy, quorumMet } from '../../ledger/policy.js';
import type { Policy } from '../../ledger/policy.js';
import { verifyReceipt } from '../../ledger/receipt.js';
import type { VerifiedReceipt } from '../../ledger/receipt.js';
import { parseOptions, req, str } from '../args.js';
import type { Options } from '../args.js';
import { printJson } from '../command.js';
import type { Command } from '../command.js';

/** The Node.js hash name of each entry algorithm. */
const HASH_OF = { 'sha-256': 'sha256', 'sha-384': 'sha384', 'sha-512': 'sha512' } as const;

/** The digest of a file, read as a stream (a document of any size). */
async function fileDigest(path: string, alg: keyof typeof HASH_OF = 'sha-256'): Promise<string> {
  if (!existsSync(path) || !statSync(path).isFile())
    throw new UsageError('USAGE_INVALID_ARGUMENT', `no file ${path}`);
  const h = createHash(HASH_OF[alg]);
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** A verifier key given as the key itself or a file holding it. */
function keyArgument(value: string): string {
  if (existsSync(value)) return readFileSync(value, 'utf8').trim();
  return value.trim();
}

/** A policy name for a witness key: its key name, made a policy word, unique. */
function witnessNames(vkeys: readonly string[]): string[] {
  const seen = new Set<string>();
  return vkeys.map((v, i) => {
    let name = parseVerifierKey(v).name.replace(/[^A-Za-z0-9._-]/g, '_');
    if (name === 'none' || seen.has(name)) name = `${name}-${i}`;
    seen.add(name);
    return name;
  });
}

/**
 * The policy of `receipt verify`: a policy file (the log's key added when it names none), or
 * the log's key with the witnesses given and a quorum of them (default a majority; none
 * without witnesses).
 */
function policyOf(o: Options): Policy {
  const file = str(o, 'policy');
  const vkey = str(o, 'vkey');
  const witnesses = (o['witness'] as string[] | undefined) ?? [];
  const quorum = str(o, 'quorum');
  if (file === undefined && vkey === undefined)
    throw new UsageError('USAGE_INVALID_ARGUMENT', '--policy FILE or --vkey KEY is required');
  try {
    if (file !== undefined) {
      if (witnesses.length > 0 || quorum !== undefined)
        throw new UsageError('USAGE_INVALID_ARGUMENT', '--witness and --quorum go with --vkey, not --policy');
      if (!existsSync(file)) throw new UsageError('USAGE_INVALID_ARGUMENT', `no policy file ${file}`);
      let text = readFileSync(file, 'utf8');
      if (vkey !== undefined && !/^\s*log\s/m.test(text)) text = `log ${keyArgument(vkey)}\n${text}`;
      return parsePolicy(text);
    }
    const logKey = keyArgument(vkey!);
    noteVerifier(logKey);
    const keys = witnesses.map(keyArgument);
    keys.forEach((k) => cosignatureVerifier(k));
    const names = witnessNames(keys);
    const k = quorum === undefined ? Math.floor(keys.length / 2) + 1 : Number(quorum);
    if (quorum !== undefined && (!/^\d+$/.test(quorum) || k > keys.length))
      throw new UsageError(
        'USAGE_INVALID_ARGUMENT',
        `--quorum must be 0 to ${keys.length} (the witnesses given)`,
      );
    const lines = [`log ${logKey}`, ...keys.map((w, i) => `witness ${names[i]} ${w}`)];
    if (keys.length === 0 || k === 0) lines.push('quorum none');
    else lines.push(`group quorum ${k} ${names.join(' ')}`, 'quorum quorum');
    return parsePolicy(lines.join('\n') + '\n');
  } catch (e) {
    if (e instanceof LedgerError) throw new UsageError('USAGE_INVALID_ARGUMENT', e.message, { cause: e });
    throw e;
  }
}

/** What a verified receipt says, for printing. */
function summary(v: VerifiedReceipt): Record<string, unknown> {
  const entry = decodeEntry(v.entry);
  return {
    index: v.index,
    size: v.checkpoint.size,
    origin: v.checkpoint.origin,
    cosigners: v.cosigners,
    ...(entry.type === 'notarised-digest'
      ? {
          digest: entry.digest,
          alg: entry.alg,
          time: entry.time,
          ...(entry.party ? { party: entry.party } : {}),
        }
      : { type: entry.type, time: entry.time }),
  };
}

/** Checks the receipt's entry notarises `file`: a notarised digest equal to the file's. */
async function checkFile(v: VerifiedReceipt, file: string): Promise<void> {
  const entry = decodeEntry(v.entry);
  if (entry.type !== 'notarised-digest')
    throw new LedgerError(
      'LEDGER_RECEIPT_MISMATCH',
      `the receipt's entry is a ${entry.type}, not a notarised digest`,
    );
  const digest = await fileDigest(file, entry.alg);
  if (digest !== entry.digest)
    throw new LedgerError(
      'LEDGER_RECEIPT_MISMATCH',
      `the file's ${entry.alg} is ${digest}, the receipt notarises ${entry.digest}`,
    );
}

const verify: Command = {
  words: ['receipt', 'verify'],
  async run(argv) {
    const { values: o } = parseOptions(
      argv,
      {
        in: { type: 'string' },
        file: { type: 'string' },
        policy: { type: 'string' },
        vkey: { type: 'string' },
        witness: { type: 'string', multiple: true },
        quorum: { type: 'string' },
      },
      ['in'],
    );
    const input = req(o, 'in');
    if (!existsSync(input)) throw new UsageError('USAGE_INVALID_ARGUMENT', `no receipt file ${input}`);
    const file = str(o, 'file');
    if (file !== undefined && !existsSync(file))
      throw new UsageError('USAGE_INVALID_ARGUMENT', `no file ${file}`);
    const policy = policyOf(o);
    try {
      const v = verifyReceipt(readFileSync(input), policy);
      if (file !== undefined) await checkFile(v, file);
      printJson({ valid: true, ...summary(v), ...(file !== undefined ? { file } : {}) });
      return 0;
    } catch (e) {
      // A receipt that does not verify is the answer, not a usage error: its code, exit 1.
      if (!(e instanceof LedgerError) && !(e instanceof LedgerEntryError)) throw e;
      const { code, message } = e;
      printJson({ valid: false, error: { code, message } });
      process.stderr.write(`trustbridge: error ${code}: ${message}\n`);
      return 1;
    }
  },
};

/** The node's answer to an API call, or the command's error on stderr. */
async function call(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(60_000) });
  } catch (e) {
    throw new UsageError(
      'USAGE_INVALID_ARGUMENT',
      `--node: ${url} cannot be reached (${(e as Error).message})`,
      {
        cause: e,
      },
    );
  }
}

/** Prints a node's error answer as the CLI prints its own; the exit status of its HTTP status. */
async function nodeError(res: Response): Promise<number> {
  const text = await res.text();
  let err: { code?: string; message?: string } = {};
  try {
    err = (JSON.parse(text) as { error?: typeof err }).error ?? {};
  } catch {
    // Not our error shape: the status says it.
  }
  process.stderr.write(
    `trustbridge: error ${err.code ?? `HTTP_${res.status}`}: ${err.message ?? text.slice(0, 200)} (from the node)\n`,
  );
  return res.status < 500 ? 3 : 1;
}

/** The node's witness policy (`/log/policy`), else its log key alone. */
async function nodePolicy(base: string): Promise<Policy> {
  const res = await call(`${base}/log/policy`, {});
  if (res.status === 200) return parsePolicy(await res.text());
  const key = await call(`${base}/log/key`, {});
  if (key.status !== 200)
    throw new LedgerError('LEDGER_KEY_MALFORMED', `${base}/log/key: HTTP ${key.status}`);
  return parsePolicy(`log ${(await key.text()).trim()}\nquorum none\n`);
}

const notarise: Command = {
  words: ['notarise'],
  async run(argv) {
    const { values: o } = parseOptions(
      argv,
      {
        in: { type: 'string' },
        node: { type: 'string' },
        token: { type: 'string' },
        out: { type: 'string' },
        wait: { type: 'string' },
      },
      ['in', 'node'],
    );
    const input = req(o, 'in');
    const nodeUrl = req(o, 'node');
    if (!/^https?:\/\/\S+$/.test(nodeUrl))
      throw new UsageError('USAGE_INVALID_ARGUMENT', '--node must be an http(s) URL');
    const base = nodeUrl.replace(/\/+$/, '');
    const token = str(o, 'token') ?? process.env['TRUSTBRIDGE_TOKEN'];
    if (!token) throw new UsageError('USAGE_INVALID_ARGUMENT', '--token or TRUSTBRIDGE_TOKEN is required');
    const waitSeconds = Number(str(o, 'wait') ?? '60');
    if (!Number.isInteger(waitSeconds) || waitSeconds < 0 || waitSeconds > 3600)
      throw new UsageError('USAGE_INVALID_ARGUMENT', '--wait must be 0 to 3600 seconds');
    const out = str(o, 'out') ?? `${input}.receipt`;
    const digest = await fileDigest(input);
    const headers = { authorization: `Bearer ${token}` };
    let res = await call(`${base}/api/v1/notarise`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ digest, alg: 'sha-256' }),
    });
    // Pending: ask again every second until the receipt is there or the wait is over.
    const deadline = Date.now() + waitSeconds * 1000;
    while (res.status === 202 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 1000));
      res = await call(`${base}/api/v1/notarise/${digest}`, { headers });
    }
    if (res.status === 202) {
      process.stderr.write(
        `trustbridge: the receipt is not published yet; run the command again later (nothing is notarised twice)\n`,
      );
      return 1;
    }
    if (res.status !== 200) return nodeError(res);
    const receipt = await res.text();
    // Checked against the node's own keys before it is kept (the holder verifies later with
    // keys obtained elsewhere: `receipt verify`). A checkpoint is published with the
    // cosignatures the witnesses gave, so the quorum is reported here, not required.
    const policy = await nodePolicy(base);
    const v = verifyReceipt(receipt, { ...policy, quorum: 'none' });
    const quorum = quorumMet(policy, new Set(v.cosigners.map((c) => c.witness))) ? 'met' : 'unmet';
    const entry = decodeEntry(v.entry);
    if (entry.type !== 'notarised-digest' || entry.digest !== digest)
      throw new LedgerError('LEDGER_RECEIPT_MISMATCH', `the node answered a receipt for another entry`);
    writeFileSync(out, receipt, { mode: 0o644 });
    printJson({
      index: v.index,
      digest,
      alg: entry.alg,
      receipt: out,
      size: v.checkpoint.size,
      cosigners: v.cosigners,
      quorum,
    });
    return 0;
  },
};

/** The notarisation commands. */
export const notariseCommands: Command[] = [notarise, verify];
