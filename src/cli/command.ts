/** A `trustbridge` sub-command. */
export interface Command {
  /** Words that select it, e.g. `['eid', 'enroll']`. */
  words: string[];
  /** One-line usage shown by `trustbridge help`. */
  usage: string;
  /** Runs the command; resolves to the exit status. */
  run(argv: string[]): Promise<number>;
}

/** Writes a JSON value to stdout, one document per line-block. */
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}
