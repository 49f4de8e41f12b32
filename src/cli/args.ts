import { parseArgs } from 'node:util';
import { UsageError } from '../lib/errors.js';

/** Option specification as node:util parseArgs takes it. */
export type OptionSpec = Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }>;

/** Parsed options: strings, booleans, string lists. */
export type Options = Record<string, string | boolean | string[] | undefined>;

/**
 * Parses command arguments strictly: unknown options and missing required ones are usage errors.
 *
 * @param argv - arguments after the command words
 * @param spec - allowed options
 * @param required - options that must be present
 */
export function parseOptions(
  argv: string[],
  spec: OptionSpec,
  required: string[] = [],
): { values: Options; positionals: string[] } {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: spec, strict: true, allowPositionals: true });
  } catch (e) {
    throw new UsageError('USAGE_INVALID_ARGUMENT', usageMessage(e as NodeJS.ErrnoException, spec), {
      cause: e,
    });
  }
  for (const r of required) {
    if (parsed.values[r] === undefined) throw new UsageError('USAGE_INVALID_ARGUMENT', `--${r} is required`);
  }
  return { values: parsed.values as Options, positionals: parsed.positionals };
}

/** parseArgs's complaint in our words: an unknown option with the known one it is closest to. */
function usageMessage(e: NodeJS.ErrnoException, spec: OptionSpec): string {
  const unknown = /^Unknown option '([^']+)'/.exec(e.message)?.[1];
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknown !== undefined) {
    const near = nearestOption(unknown, Object.keys(spec));
    return `unknown option ${unknown}${near ? `; did you mean --${near}?` : ''}`;
  }
  const missing = /^Option '(-[^' ]+)(?: <value>)?' argument missing/.exec(e.message)?.[1];
  if (missing !== undefined) return `${missing} needs a value`;
  return e.message;
}

/**
 * The known option closest to a mistyped one, when it is close enough to be the one meant: at
 * most 2 edits and at most a third of the typed name's letters (rounded up), so a short or
 * unrelated word (`--xy`, `--country` where there is none) gets no guess.
 *
 * @param typed - the option as typed (`--walet`, `--walet=x`, `-w`)
 * @param known - the command's option names (without dashes)
 * @returns the name (without dashes), or undefined
 * @example
 * ```ts
 * nearestOption('--walet', ['wallet', 'in', 'out']); // 'wallet'
 * ```
 */
export function nearestOption(typed: string, known: readonly string[]): string | undefined {
  const name = typed.replace(/^-+/, '').replace(/=.*$/, '');
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = editDistance(name, k);
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  const limit = Math.min(2, Math.ceil(Math.max(name.length, 1) / 3));
  return bestDistance > 0 && bestDistance <= limit ? best : undefined;
}

/** Levenshtein distance (insertions, deletions, substitutions; a swap of neighbours counts as one). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** A string option's value (or undefined). */
export function str(o: Options, name: string): string | undefined {
  const v = o[name];
  return typeof v === 'string' ? v : undefined;
}

/** A required string option's value. */
export function req(o: Options, name: string): string {
  const v = str(o, name);
  if (v === undefined) throw new UsageError('USAGE_INVALID_ARGUMENT', `--${name} is required`);
  return v;
}

/** An integer option within bounds. */
export function int(o: Options, name: string, def: number, min: number, max: number): number {
  const v = str(o, name);
  if (v === undefined) return def;
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
    throw new UsageError('USAGE_INVALID_ARGUMENT', `--${name} must be an integer in [${min}, ${max}]`);
  }
  return Number(v);
}
