/**
 * A terminal progress bar for long CLI jobs (bulk imports, batch issuance). On a TTY it redraws
 * one line in place; on a pipe or file it stays silent until a one-line summary at the end, so
 * logs are not flooded with carriage returns.
 */

/** The part of a writable stream {@link ProgressBar} needs; `process.stderr` satisfies it. */
export interface ProgressStream {
  /** True when the stream is a terminal. */
  isTTY?: boolean;
  write(chunk: string): boolean;
}

/** Options of {@link ProgressBar}. */
export interface ProgressBarOptions {
  /** Number of units of work; ticks beyond it are counted but the bar stops at 100%. */
  total: number;
  /** Where to draw (default `process.stderr`). */
  stream?: ProgressStream | NodeJS.WriteStream;
  /** Text before the bar (default none). */
  label?: string;
  /** Clock in milliseconds (default `Date.now`); inject a fake one in tests. */
  now?: () => number;
}

/** Least time between two redraws on a TTY, in milliseconds. */
const REDRAW_INTERVAL_MS = 100;
/** Width of the bar between the brackets. */
const BAR_WIDTH = 10;

/** Formats a duration in whole seconds as `4s`, `2m05s` or `1h02m`. */
function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.ceil(totalSeconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * A progress bar drawn as `label [#####.....] 45% 4500/10000 1234/s ETA 4s`. On a TTY the line is
 * redrawn with `\r` at most every 100 ms; when `stream.isTTY` is falsy ticks print nothing and
 * {@link ProgressBar.done} prints one summary line.
 *
 * @example
 * ```ts
 * const bar = new ProgressBar({ total: rows.length, label: 'import' });
 * for (const row of rows) { await importRow(row); bar.tick(); }
 * bar.done();
 * ```
 */
export class ProgressBar {
  private total: number;
  private readonly stream: ProgressStream;
  private readonly label: string;
  private readonly now: () => number;
  private readonly startedAt: number;
  private count = 0;
  private lastDrawAt = Number.NEGATIVE_INFINITY;
  private lastLineLength = 0;
  private finished = false;

  /**
   * @param opts - `total` units of work, and optionally `stream`, `label` and `now`
   * @throws RangeError when `total` is negative or not a finite number
   */
  constructor(opts: ProgressBarOptions) {
    if (!Number.isFinite(opts.total) || opts.total < 0) {
      throw new RangeError('progress total must be a finite number ≥ 0');
    }
    this.total = opts.total;
    this.stream = opts.stream ?? process.stderr;
    this.label = opts.label ?? '';
    this.now = opts.now ?? Date.now;
    this.startedAt = this.now();
  }

  /**
   * Raises the number of units of work when it becomes known as the job goes (a paged download).
   *
   * @param total - the new total (never below the units already done)
   */
  setTotal(total: number): void {
    if (Number.isFinite(total) && total >= 0) this.total = Math.max(total, this.count);
  }

  /**
   * Records `n` more units of work done and redraws if the last draw is 100 ms old (TTY only).
   *
   * @param n - units done since the last tick (default 1)
   *
   * @example
   * ```ts
   * bar.tick(); bar.tick(500);
   * ```
   */
  tick(n = 1): void {
    if (this.finished) return;
    this.count += n;
    if (!this.stream.isTTY) return;
    const t = this.now();
    if (t - this.lastDrawAt < REDRAW_INTERVAL_MS) return;
    this.lastDrawAt = t;
    this.draw(this.render(t));
  }

  /**
   * Finishes the bar: on a TTY draws the final state and ends the line; otherwise writes one
   * summary line (`label 10000/10000 in 8.1s (1234/s)`). Later calls do nothing.
   *
   * @example
   * ```ts
   * bar.done();
   * ```
   */
  done(): void {
    if (this.finished) return;
    this.finished = true;
    const t = this.now();
    if (this.stream.isTTY) {
      this.draw(this.render(t));
      this.stream.write('\n');
      return;
    }
    const seconds = Math.max(0, t - this.startedAt) / 1000;
    const prefix = this.label === '' ? '' : `${this.label} `;
    this.stream.write(`${prefix}${this.count}/${this.total} in ${seconds.toFixed(1)}s (${this.rate(t)}/s)\n`);
  }

  /** Units per second since the start, rounded; 0 before any time has passed. */
  private rate(t: number): number {
    const elapsed = (t - this.startedAt) / 1000;
    return elapsed > 0 ? Math.round(this.count / elapsed) : 0;
  }

  /** The bar line for time `t`, without the leading `\r`. */
  private render(t: number): string {
    const fraction = this.total === 0 ? 1 : Math.min(1, this.count / this.total);
    const filled = Math.round(fraction * BAR_WIDTH);
    const bar = '#'.repeat(filled) + '.'.repeat(BAR_WIDTH - filled);
    const percent = Math.floor(fraction * 100);
    const rate = this.rate(t);
    const remaining = Math.max(0, this.total - this.count);
    const eta = remaining === 0 ? formatDuration(0) : rate > 0 ? formatDuration(remaining / rate) : '?';
    const prefix = this.label === '' ? '' : `${this.label} `;
    return `${prefix}[${bar}] ${percent}% ${this.count}/${this.total} ${rate}/s ETA ${eta}`;
  }

  /** Overwrites the current line, blanking leftovers of a longer previous line. */
  private draw(line: string): void {
    const padding = ' '.repeat(Math.max(0, this.lastLineLength - line.length));
    this.lastLineLength = line.length;
    this.stream.write(`\r${line}${padding}`);
  }
}
