/**
 * Is a signer's certificate in its country's transparency log? The lookup a relying party
 * makes (issue 15 part 5): `GET <log>/lookup/<sha256 hex of the certificate>` gives the index of
 * the first entry with that key, the log's checkpoint and an inclusion proof; the entry itself
 * comes from its entry bundle (`<log>/tile/entries/<N>[.p/<W>]`), so the leaf hash is recomputed
 * here rather than taken on the log's word. The checkpoint must be signed by the log key the
 * hub's list of trusted lists publishes, and counts as witnessed when a quorum of the default
 * witness policy (a majority of the other members' witnesses and the hub's) cosigned it. I/O only
 * through the injected `fetch`, every request bounded in time and size; a failure is reported,
 * never thrown.
 */
import { createHash } from 'node:crypto';
import type { TransparencyReport } from '../validation/report.js';
import { TrustbridgeError } from '../lib/errors.js';
import { decodeEntry, lookupKeyOf } from './entry.js';
import { LedgerError } from './errors.js';
import { defaultWitnessPolicy, witnessesOf } from './federation_logs.js';
import type { FederationParty, WitnessEndpoint } from './federation_logs.js';
import { leafHash, parseHash } from './hash.js';
import { verifyInclusion } from './merkle.js';
import { parsePolicy, quorumMet, verifyCheckpointPolicy } from './policy.js';
import type { PolicyVerdict } from './policy.js';
import { MAX_ENTRY_SIZE, TILE_WIDTH, decodeBundle, tilePath } from './tiles.js';

/** How long one request to a log may take by default (ms). */
export const TRANSPARENCY_TIMEOUT_MS = 5000;
/** The largest lookup answer read (a checkpoint is at most 256 KiB with its cosignatures). */
const MAX_LOOKUP_BYTES = 512 * 1024;
/** The largest entry bundle read: 256 entries of at most 65,535 bytes with their lengths. */
const MAX_BUNDLE_BYTES = TILE_WIDTH * (2 + MAX_ENTRY_SIZE);
/** A proof for a tree of at most 2^63 leaves. */
const MAX_PROOF_HASHES = 63;

/** Where and how to look certificates up. */
export interface TransparencyLookupOptions {
  /** The federation's logs and witnesses (`federationParties(store.lotlPointers())`). */
  readonly parties: readonly FederationParty[];
  /** The HTTP client (default the global fetch). */
  readonly fetch?: typeof fetch;
  /** Per request, in ms (default 5 s). */
  readonly timeoutMs?: number;
}

/** An answer that ends the lookup early, as the report gives it. */
class Stop {
  readonly status: TransparencyReport['status'];
  readonly code: string;
  readonly message: string;
  constructor(status: TransparencyReport['status'], code: string, message: string) {
    this.status = status;
    this.code = code;
    this.message = message;
  }
}

/** Reads a body of at most `max` bytes (the stream is cancelled beyond). */
async function readBody(res: Response, max: number): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > max) throw new Stop('unknown', 'LEDGER_LOG_UNREACHABLE', `answer over ${max} bytes`);
  const chunks: Buffer[] = [];
  let total = 0;
  if (res.body)
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      total += chunk.length;
      if (total > max) throw new Stop('unknown', 'LEDGER_LOG_UNREACHABLE', `answer over ${max} bytes`);
      chunks.push(Buffer.from(chunk));
    }
  return Buffer.concat(chunks);
}

/** GET: 200 → bytes, 404 → undefined; anything else, and every network failure, stops. */
async function get(o: TransparencyLookupOptions, url: URL, max: number): Promise<Buffer | undefined> {
  try {
    const res = await (o.fetch ?? fetch)(url, {
      signal: AbortSignal.timeout(o.timeoutMs ?? TRANSPARENCY_TIMEOUT_MS),
      redirect: 'error',
    });
    if (res.status === 404) {
      await res.body?.cancel();
      return undefined;
    }
    if (res.status !== 200) {
      await res.body?.cancel();
      throw new Stop('unknown', 'LEDGER_LOG_UNREACHABLE', `${url.pathname}: HTTP ${res.status}`);
    }
    return await readBody(res, max);
  } catch (e) {
    if (e instanceof Stop) throw e;
    const why = e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e);
    throw new Stop('unknown', 'LEDGER_LOG_UNREACHABLE', `${url.host}: ${why}`);
  }
}

/** The lookup answer's members, checked. */
function parseLookup(body: Buffer): { index: number; checkpoint: string; proof: Buffer[] } {
  const bad = (why: string): Stop => new Stop('unknown', 'LEDGER_LOG_UNREACHABLE', `lookup answer: ${why}`);
  let a: Record<string, unknown>;
  try {
    a = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  } catch {
    throw bad('not JSON');
  }
  if (typeof a !== 'object' || a === null) throw bad('not an object');
  const { index, checkpoint, inclusionProof } = a;
  if (typeof index !== 'number' || !Number.isSafeInteger(index) || index < 0) throw bad('no index');
  if (typeof checkpoint !== 'string') throw bad('no checkpoint');
  if (!Array.isArray(inclusionProof) || inclusionProof.length > MAX_PROOF_HASHES)
    throw bad('no inclusionProof');
  const proof = inclusionProof.map((h, i) => {
    if (typeof h !== 'string') throw bad(`inclusionProof[${i}] is not a string`);
    return parseHash(h, `inclusionProof[${i}]`);
  });
  return { index, checkpoint, proof };
}

/** The entry at `index` of a tree of `size`, from its bundle (the partial one, else the full one). */
async function entryAt(
  o: TransparencyLookupOptions,
  logUrl: string,
  index: number,
  size: number,
): Promise<Buffer> {
  const n = Math.floor(index / TILE_WIDTH);
  const width = Math.min(TILE_WIDTH, size - n * TILE_WIDTH);
  let data = await get(o, new URL(tilePath({ level: 'entries', index: n, width }), logUrl), MAX_BUNDLE_BYTES);
  // tlog-tiles: a client may find the full bundle when the log has grown past the partial one.
  if (data === undefined && width < TILE_WIDTH)
    data = await get(
      o,
      new URL(tilePath({ level: 'entries', index: n, width: TILE_WIDTH }), logUrl),
      MAX_BUNDLE_BYTES,
    );
  if (data === undefined)
    throw new Stop('unknown', 'LEDGER_TILE_MISSING', `the entry bundle of index ${index} is not served`);
  const entry = decodeBundle(data)[index % TILE_WIDTH];
  if (entry === undefined)
    throw new LedgerError('LEDGER_TILE_MALFORMED', `the entry bundle holds no entry ${index % TILE_WIDTH}`);
  return entry;
}

/** The member names (not policy names) of the witnesses whose cosignature verified. */
function cosignerNames(verdict: PolicyVerdict, witnesses: readonly WitnessEndpoint[]): string[] {
  return verdict.cosigners.map((c) => witnesses[Number(/^w(\d+)-/.exec(c.witness)?.[1])]?.name ?? c.witness);
}

/**
 * Looks a signer's certificate up in its country's log and verifies the answer offline.
 *
 * @param certificate - the signer's certificate (DER)
 * @param country - its issuing country (a member of the federation)
 * @param o - the federation's parties, fetch, timeout
 * @returns the report's `transparency` part (never throws)
 * @example
 * ```ts
 * const t = await lookupCertificate(signer.der, 'PH', { parties: federationParties(store.lotlPointers()) });
 * if (t.logged && t.witnessed) console.log(`logged at ${t.index}, cosigned by ${t.cosigners?.join(', ')}`);
 * ```
 */
export async function lookupCertificate(
  certificate: Uint8Array,
  country: string | undefined,
  o: TransparencyLookupOptions,
): Promise<TransparencyReport> {
  const lookupKey = createHash('sha256').update(certificate).digest('hex');
  const out: TransparencyReport = { status: 'unknown', logged: false, witnessed: false, lookupKey };
  const party = o.parties.find((p) => p.name === country);
  if (country !== undefined) out.country = country;
  if (!party?.logKey || !party.logUrl) {
    out.error = {
      code: 'LEDGER_LOOKUP_NO_LOG',
      message: `the list of trusted lists publishes no transparency log for ${country ?? 'the issuer (no country)'}`,
    };
    return out;
  }
  out.logUrl = party.logUrl;
  try {
    return await lookupIn(party as Required<FederationParty>, o, out);
  } catch (e) {
    if (e instanceof Stop) out.status = e.status;
    else out.status = 'invalid';
    out.error =
      e instanceof Stop
        ? { code: e.code, message: e.message }
        : e instanceof TrustbridgeError
          ? { code: e.code, message: e.message }
          : { code: 'LEDGER_LOG_UNREACHABLE', message: String(e) };
    return out;
  }
}

async function lookupIn(
  party: Required<FederationParty>,
  o: TransparencyLookupOptions,
  out: TransparencyReport,
): Promise<TransparencyReport> {
  const witnesses = witnessesOf(o.parties, party.witnessKey);
  const policyText = defaultWitnessPolicy(party.logKey, witnesses);
  const policy = parsePolicy(policyText);
  out.witnesses = witnesses.map((w) => w.name);
  out.quorum = witnesses.length === 0 ? 0 : Math.floor(witnesses.length / 2) + 1;
  const body = await get(o, new URL(`lookup/${out.lookupKey}`, party.logUrl), MAX_LOOKUP_BYTES);
  if (body === undefined)
    throw new Stop('not-logged', 'LEDGER_NOT_LOGGED', `${party.logUrl} has no entry for ${out.lookupKey}`);
  const answer = parseLookup(body);
  // The log's signature and every verifiable cosignature; the quorum is judged after, so a
  // logged but not yet witnessed certificate is told apart from one not logged.
  const verdict = verifyCheckpointPolicy(
    answer.checkpoint,
    parsePolicy(policyText.replace(/^quorum .*$/m, 'quorum none')),
  );
  const { checkpoint } = verdict;
  out.log = checkpoint.origin;
  out.index = answer.index;
  out.checkpointSize = checkpoint.size;
  out.checkpointRoot = checkpoint.root.toString('base64');
  out.cosigners = cosignerNames(verdict, witnesses);
  if (answer.index >= checkpoint.size)
    throw new LedgerError(
      'LEDGER_PROOF_INVALID',
      `index ${answer.index} is beyond the checkpoint's size ${checkpoint.size}`,
    );
  const entry = await entryAt(o, party.logUrl, answer.index, checkpoint.size);
  const decoded = decodeEntry(entry);
  out.entryType = decoded.type;
  if (lookupKeyOf(decoded) !== out.lookupKey)
    throw new LedgerError('LEDGER_RECEIPT_MISMATCH', `the entry at index ${answer.index} is for another key`);
  verifyInclusion(answer.index, checkpoint.size, leafHash(entry), answer.proof, checkpoint.root);
  out.status = 'logged';
  out.logged = true;
  out.witnessed = quorumMet(policy, new Set(verdict.cosigners.map((c) => c.witness)));
  if (!out.witnessed)
    out.error = {
      code: 'LEDGER_POLICY_UNMET',
      message: `cosigned by ${out.cosigners.join(', ') || 'no witness'}; a quorum is ${out.quorum} of ${out.witnesses.join(', ')}`,
    };
  return out;
}
