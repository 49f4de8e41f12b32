/**
 * `trustbridge sign` (DESIGN.md command-line contract): signs a document with the citizen's
 * wallet signature key: CAdES, JAdES and PAdES at B-B, B-T, B-LT and B-LTA.
 */
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { UsageError } from '../../lib/errors.js';
import { parseCertificate } from '../../x509/certificate_info.js';
import { parseSignedData } from '../../pki/cms_signed_data.js';
import { CADES_OID } from '../../signature/cades/oids.js';
import { extendToLt } from '../../signature/cades/lt.js';
import { extendToLta } from '../../signature/cades/lta.js';
import { signCades } from '../../signature/cades/sign.js';
import type { CadesSignParams } from '../../signature/cades/sign.js';
import { httpRevocationFetcher } from '../../signature/revocation_fetcher.js';
import { parseJades, signatureTimeStampTokens } from '../../signature/jades/parse.js';
import { signJades } from '../../signature/jades/sign.js';
import type { JadesSerialization, JadesSignLevel } from '../../signature/jades/sign.js';
import { keyObjectSigner } from '../../signature/key_signer.js';
import { extractPades } from '../../signature/pades/extract.js';
import { signPades } from '../../signature/pades/sign.js';
import { bufferSource } from '../../lib/document_source.js';
import type { TspTransport } from '../../timestamp/client.js';
import { parseTimeStampToken } from '../../timestamp/token.js';
import { parseOptions, req, str } from '../args.js';
import type { Options } from '../args.js';
import { printJson } from '../command.js';
import type { Command } from '../command.js';
import { WALLET_PASSWORD_FILE_OPTIONS, walletPasswordFile } from '../password.js';
import { loadWallet, walletPassword } from './wallet.js';

const FORMATS = ['cades', 'pades', 'jades'] as const;
const LEVELS = ['B-B', 'B-T', 'B-LT', 'B-LTA'] as const;
const SERIALIZATIONS = ['compact', 'json'] as const;
const BUILT: Record<string, readonly string[]> = { cades: LEVELS, jades: LEVELS, pades: LEVELS };

/** The checked arguments of one `sign` run. */
interface SignArgs {
  wallet: string;
  format: 'cades' | 'jades' | 'pades';
  /** JAdES only: compact by default for B-B, JSON for B-T (compact cannot carry etsiU). */
  serialization: JadesSerialization;
  level: (typeof LEVELS)[number];
  input: string;
  out: string;
  tsa?: string;
  detached: boolean;
  /** JAdES only: reference the detached document with sigD (TS 119 182-1 §5.2.8.3.3). */
  sigD: boolean;
  passwordFile?: string;
}

function oneOf<T extends string>(o: Options, name: string, allowed: readonly T[]): T {
  const v = req(o, name);
  if (!(allowed as readonly string[]).includes(v))
    throw new UsageError(
      'USAGE_INVALID_ARGUMENT',
      `--${name} must be one of ${allowed.join(', ')}, not ${v}`,
    );
  return v as T;
}

/**
 * The `--tsa` option, checked to be an http(s) URL.
 *
 * @param o - the parsed options
 * @returns the URL, or undefined when not given
 * @throws UsageError USAGE_INVALID_ARGUMENT for anything but an http(s) URL
 * @example
 * ```ts
 * const tsa = tsaUrl(values);
 * ```
 */
export function tsaUrl(o: Options): string | undefined {
  const url = str(o, 'tsa');
  if (url !== undefined && !/^https?:\/\/[^/]/i.test(url))
    throw new UsageError('USAGE_INVALID_ARGUMENT', `--tsa must be an http(s) URL, not ${url}`);
  return url;
}

function checkSerialization(o: Options, format: string, level: string): JadesSerialization {
  if (str(o, 'serialization') === undefined) return level === 'B-B' ? 'compact' : 'json';
  if (format !== 'jades')
    throw new UsageError('USAGE_INVALID_ARGUMENT', '--serialization is for --format jades only');
  const serialization = oneOf(o, 'serialization', SERIALIZATIONS);
  if (serialization === 'compact' && level !== 'B-B')
    throw new UsageError(
      'USAGE_INVALID_ARGUMENT',
      `jades ${level} needs --serialization json: the compact one cannot carry the time-stamp`,
    );
  return serialization;
}

function checkArgs(o: Options): SignArgs {
  const format = oneOf(o, 'format', FORMATS);
  const level = oneOf(o, 'level', LEVELS);
  if (!BUILT[format]?.includes(level))
    throw new UsageError(
      'USAGE_INVALID_ARGUMENT',
      `${format} ${level} is not built yet (built today: cades and jades at B-B, B-T, B-LT and B-LTA)`,
    );
  if (format === 'pades' && o['detached'] === true)
    throw new UsageError(
      'USAGE_INVALID_ARGUMENT',
      '--detached is for cades and jades: a PAdES signature is inside the PDF',
    );
  if (o['sigd'] === true && format !== 'jades')
    throw new UsageError('USAGE_INVALID_ARGUMENT', '--sigd is for --format jades only');
  const serialization = checkSerialization(o, format, level);
  const tsa = tsaUrl(o);
  if (level !== 'B-B' && tsa === undefined)
    throw new UsageError(
      'USAGE_INVALID_ARGUMENT',
      `--level ${level} needs --tsa URL (a time-stamping authority)`,
    );
  const input = req(o, 'in');
  if (!existsSync(input)) throw new UsageError('USAGE_INVALID_ARGUMENT', `no input file ${input}`);
  const passwordFile = walletPasswordFile(o);
  return {
    wallet: req(o, 'wallet'),
    format: format as SignArgs['format'],
    serialization,
    level: level as SignArgs['level'],
    input,
    out: req(o, 'out'),
    detached: o['detached'] === true || o['sigd'] === true,
    sigD: o['sigd'] === true,
    ...(tsa === undefined ? {} : { tsa }),
    ...(passwordFile === undefined ? {} : { passwordFile }),
  };
}

/**
 * RFC 3161 over HTTP with Node's global fetch (RFC 3161 §3.4).
 *
 * @example
 * ```ts
 * const tsa = { url: 'http://127.0.0.1:8080/tsa', transport: fetchTransport };
 * ```
 */
export const fetchTransport: TspTransport = async (url, body, contentType) => {
  const r = await fetch(url, { method: 'POST', body, headers: { 'content-type': contentType } });
  const type = r.headers.get('content-type');
  return {
    status: r.status,
    body: Buffer.from(await r.arrayBuffer()),
    ...(type ? { contentType: type } : {}),
  };
};

/**
 * Writes `data` to `path` atomically: a temporary file beside it, then a rename.
 *
 * @param path - the output file
 * @param data - its bytes
 * @example
 * ```ts
 * writeAtomically('out.p7m', cms);
 * ```
 */
export function writeAtomically(path: string, data: Buffer): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** The genTime of the signature time-stamp in a CAdES, JAdES or PAdES (its last signature), if any. */
async function timeStampTime(format: SignArgs['format'], signature: Buffer): Promise<string | undefined> {
  if (format === 'pades') {
    const sigs = await extractPades(bufferSource(signature), {});
    const last = sigs[sigs.length - 1]?.timestamps.find((t) => t.type === 'signature')?.token;
    return last ? parseTimeStampToken(last).genTime.toISOString() : undefined;
  }
  const token =
    format === 'jades'
      ? signatureTimeStampTokens(parseJades(signature.toString('utf8')))
      : parseSignedData(signature).signerInfos[0]!.unsignedAttributes.get(CADES_OID.signatureTimeStampToken);
  return token?.[0] ? parseTimeStampToken(token[0]).genTime.toISOString() : undefined;
}

/** What every format needs to sign: the document, key, certificates, time, TSA. */
type SignInputs = Omit<CadesSignParams, 'level'>;

async function signCadesLevel(a: SignArgs, params: SignInputs): Promise<Buffer> {
  if (a.level === 'B-B' || a.level === 'B-T') return signCades({ ...params, level: a.level });
  // EN 319 122-1 §6.4: B-LT is a B-T plus validation data; the OCSP URL comes from the signer
  // certificate's AIA, the root from the wallet's CA certificates. §6.5: B-LTA adds an
  // archive-time-stamp-v3 over all of it.
  const bt = await signCades({ ...params, level: 'B-T' });
  const fetcher = httpRevocationFetcher();
  if (a.level === 'B-LT') return extendToLt(bt, { chain: params.chain, fetcher });
  return extendToLta(bt, {
    tsa: params.tsa!,
    fetcher,
    chain: params.chain,
    ...(params.detached ? { detachedContent: params.content } : {}),
  });
}

/** Signs with the format asked for; the result is the bytes of the output file. */
async function signDocument(a: SignArgs, params: SignInputs): Promise<Buffer> {
  if (a.format === 'cades') return signCadesLevel(a, params);
  if (a.format === 'pades')
    return signPades({
      pdf: params.content,
      signer: params.signer,
      signerCertificate: params.signerCertificate,
      chain: params.chain,
      signingTime: params.signingTime,
      level: a.level,
      ...(params.tsa ? { tsa: params.tsa } : {}),
      fetcher: httpRevocationFetcher(),
    });
  const { content, ...rest } = params;
  const jws = await signJades({
    ...rest,
    payload: content,
    serialization: a.serialization,
    level: a.level as JadesSignLevel,
    ...(a.sigD
      ? { detachedMechanism: 'sigD' as const, documentUri: encodeURIComponent(basename(a.input)) }
      : {}),
    ...(a.level === 'B-LT' || a.level === 'B-LTA' ? { fetcher: httpRevocationFetcher() } : {}),
  });
  return Buffer.from(jws, 'utf8');
}

async function runSign(a: SignArgs): Promise<number> {
  const wallet = loadWallet(a.wallet, await walletPassword(a.passwordFile));
  const { privateKey, certificate } = wallet.keys.signature;
  if (!certificate)
    throw new UsageError(
      'USAGE_INVALID_ARGUMENT',
      `${a.wallet} holds no signature certificate: enrol it first`,
    );
  // CMS signing-time (RFC 5652 §11.3) and JAdES sigT (TS 119 182-1 §5.2.1) have seconds
  // precision: report the time that is signed.
  const signingTime = new Date(Math.floor(Date.now() / 1000) * 1000);
  const signed = await signDocument(a, {
    content: readFileSync(a.input),
    detached: a.detached,
    signer: keyObjectSigner(privateKey),
    signerCertificate: certificate,
    chain: wallet.caCertificates,
    signingTime,
    ...(a.tsa === undefined ? {} : { tsa: { url: a.tsa, transport: fetchTransport } }),
  });
  writeAtomically(a.out, signed);
  const timestamp = await timeStampTime(a.format, signed);
  printJson({
    format: a.format,
    ...(a.format === 'jades' ? { serialization: a.serialization } : {}),
    level: a.level,
    out: a.out,
    detached: a.detached,
    signer: parseCertificate(certificate).subject,
    signingTime: signingTime.toISOString(),
    ...(timestamp === undefined ? {} : { timestamp }),
  });
  return 0;
}

const sign: Command = {
  words: ['sign'],
  async run(argv) {
    const { values: o } = parseOptions(
      argv,
      {
        wallet: { type: 'string' },
        format: { type: 'string' },
        level: { type: 'string' },
        in: { type: 'string' },
        out: { type: 'string' },
        tsa: { type: 'string' },
        detached: { type: 'boolean' },
        sigd: { type: 'boolean' },
        serialization: { type: 'string' },
        ...WALLET_PASSWORD_FILE_OPTIONS,
      },
      ['wallet', 'format', 'level', 'in', 'out'],
    );
    return runSign(checkArgs(o));
  },
};

/**
 * The `sign` command. Without `--detached` the document is enveloped in the CMS or JWS
 * (attached); with it the `.p7s` / `.jws` holds the signature only and the document is needed to
 * verify it (JAdES: an RFC 7797 unencoded detached payload; with `--sigd` the TS 119 182-1 `sigD`
 * ObjectIdByURIHash mechanism, naming the document by its file name). JAdES B-B defaults to the
 * compact serialization, B-T and above to the flattened JSON one (`--serialization`).
 *
 * @example
 * ```ts
 * const COMMANDS: Command[] = [...walletCommands, ...signCommands];
 * ```
 */
export const signCommands: Command[] = [sign];
