/** Where a demo's set-up reports each step, one line (ending in a newline) at a time. */
export type ProgressLog = (line: string) => void;

/**
 * Writes a line of progress to standard output, as the demo commands show it.
 *
 * @param line - the line, ending in a newline
 * @example
 * ```ts
 * await setUpFederation('federation', 8080, stdoutLog);
 * ```
 */
export const stdoutLog: ProgressLog = (line) => {
  process.stdout.write(line);
};
