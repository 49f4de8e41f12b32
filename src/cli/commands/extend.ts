/**
 * `trustbridge extend`: raises an existing CAdES or JAdES signature to B-LT or B-LTA (ETSI EN 319
 * 122-1 §6.4-§6.5, TS 119 182-1 §5.3.5-§5.3.6) without the signer's key: the validation data is
 * fetched from the URLs the certificates name, the time-stamps come from `--tsa`. Extending a
 * CAdES B-LTA again renews it with a further archive time-stamp.
 */
import { existsSync, readFileSync } from 'node:fs';
import { UsageError } from '../../lib/errors.js';
import { readRawSignedData } from '../../signature/cades/archive_signed_data.js';
import { completeToLt, extendToLta } from '../../signature/cades/lta.js';
import { CADES_OID } from '../../signature/cades/oids.js';
import { extendJadesToLt } from '../../signature/jades/lt.js';
import { archiveTimeStampTokens, extendJadesToLta } from '../../signature/jades/lta.js';
import { parseJades } from '../../signature/jades/parse.js';
import { httpRevocationFetcher } from '../../signature/revocation_fetcher.js';
import { parseTimeStampToken } from '../../timestamp/token.js';
import { parseOptions, req, str } from '../args.js';
import type { Options } from '../args.js';
import { printJson } from '../command.js';
import type { Command } from '../command.js';
import { fetchTransport, tsaUrl, writeAtomically } from './sign.js';

const LEVELS = ['B-LT', 'B-LTA'] as const;

/** The checked arguments of one `extend` run. */
interface ExtendArgs {
  input: string;
  out: string;
  level: (typeof LEVELS)[number];
  tsa?: string;
  detached?: string;
}

function checkArgs(o: Options): ExtendArgs {
  const level = req(o, 'level');
  if (!(LEVELS as readonly string[]).includes(level))
    throw new UsageError(
      'USAGE_INVALID_ARGUMENT',
      `--level must be one of ${LEVELS.join(', ')}, not ${level}`,
    );
  const tsa = tsaUrl(o);
  if (level === 'B-LTA' && tsa === undefined)
    throw new UsageError(
      'USAGE_INVALID_ARGUMENT',
      '--level B-LTA needs --tsa URL (a time-stamping authority)',
    );
  const input = req(o, 'in');
  if (!existsSync(input)) throw new UsageError('USAGE_INVALID_ARGUMENT', `no input file ${input}`);
  const detached = str(o, 'detached');
  if (detached !== undefined && !existsSync(detached))
    throw new UsageError('USAGE_INVALID_ARGUMENT', `no detached document ${detached}`);
  return {
    input,
    out: req(o, 'out'),
    level: level as ExtendArgs['level'],
    ...(tsa === undefined ? {} : { tsa }),
    ...(detached === undefined ? {} : { detached }),
  };
}

/** A JWS is JSON or three base64url parts; anything else is read as a CMS (and refused if not). */
function isJws(bytes: Buffer): boolean {
  const text = bytes.toString('latin1').trim();
  return text.startsWith('{') || /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+$/.test(text);
}

interface Extended {
  format: 'cades' | 'jades';
  bytes: Buffer;
  /** The genTime of each archive time-stamp, oldest first. */
  archiveTimeStamps: string[];
}

const genTimes = (tokens: Buffer[]): string[] =>
  tokens.map((t) => parseTimeStampToken(t).genTime.toISOString());

async function extendCades(a: ExtendArgs, input: Buffer, detached?: Buffer): Promise<Extended> {
  const p = {
    fetcher: httpRevocationFetcher(),
    ...(a.tsa ? { tsa: { url: a.tsa, transport: fetchTransport } } : {}),
    ...(detached ? { detachedContent: detached } : {}),
  };
  const bytes = a.level === 'B-LT' ? await completeToLt(input, p) : await extendToLta(input, p);
  const archives = readRawSignedData(bytes)
    .signerInfos[0]!.unsigned.filter((u) => u.type === CADES_OID.archiveTimeStampV3)
    .flatMap((u) => u.values);
  return { format: 'cades', bytes, archiveTimeStamps: genTimes(archives) };
}

async function extendJades(a: ExtendArgs, input: Buffer, detached?: Buffer): Promise<Extended> {
  const text = input.toString('utf8');
  const p = {
    fetcher: httpRevocationFetcher(),
    ...(a.tsa ? { tsa: { url: a.tsa, transport: fetchTransport } } : {}),
  };
  const out =
    a.level === 'B-LT'
      ? await extendJadesToLt(text, p)
      : await extendJadesToLta(text, { ...p, tsa: p.tsa!, ...(detached ? { detached } : {}) });
  return {
    format: 'jades',
    bytes: Buffer.from(out, 'utf8'),
    archiveTimeStamps: genTimes(archiveTimeStampTokens(parseJades(out)).flat()),
  };
}

async function runExtend(a: ExtendArgs): Promise<number> {
  const input = readFileSync(a.input);
  const detached = a.detached === undefined ? undefined : readFileSync(a.detached);
  const result = isJws(input) ? await extendJades(a, input, detached) : await extendCades(a, input, detached);
  writeAtomically(a.out, result.bytes);
  printJson({
    format: result.format,
    level: a.level,
    out: a.out,
    archiveTimeStamps: result.archiveTimeStamps,
  });
  return 0;
}

const extend: Command = {
  words: ['extend'],
  async run(argv) {
    const { values: o } = parseOptions(
      argv,
      {
        in: { type: 'string' },
        out: { type: 'string' },
        level: { type: 'string' },
        tsa: { type: 'string' },
        detached: { type: 'string' },
      },
      ['in', 'out', 'level'],
    );
    return runExtend(checkArgs(o));
  },
};

/**
 * The `extend` command: the format is detected from the input (a CMS is CAdES, a JWS JAdES);
 * `--detached FILE` gives the document of a detached signature (archive time-stamps cover it).
 * Prints `{format, level, out, archiveTimeStamps}`.
 *
 * @example
 * ```ts
 * const COMMANDS: Command[] = [...signCommands, ...extendCommands];
 * ```
 */
export const extendCommands: Command[] = [extend];
