/** The implementation of a `trustbridge` sub-command; its usage line is in the command table. */
export interface Command {
  /** Words that select it, e.g. `['eid', 'enroll']`, as in its entry of the command table. */
  words: string[];
  /** Runs the command; resolves to the exit status. */
  run(argv: string[]): Promise<number>;
}

/** Writes a JSON value to stdout, one document per line-block. */
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}
