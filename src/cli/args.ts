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
    throw new UsageError('USAGE_INVALID_ARGUMENT', (e as Error).message);
  }
  for (const r of required) {
    if (parsed.values[r] === undefined) throw new UsageError('USAGE_INVALID_ARGUMENT', `--${r} is required`);
  }
  return { values: parsed.values as Options, positionals: parsed.positionals };
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
