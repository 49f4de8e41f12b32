/**
 * The README's worked session as data: the ```sh code blocks of README.md, split into commands
 * with the output each one quotes, and the bash script that runs them in order. The convention
 * (told once in README.md, under "Commands"):
 *
 * - every ```sh block is run, in order, in one bash session; a block whose preceding non-blank line
 *   is `<!-- not run: REASON -->` is skipped (the reason must be given);
 * - a command is a line, joined with the next while it ends with `\`; comment lines are skipped;
 * - the `#> ` lines after a command are its quoted output: each must match a whole line of what the
 *   command printed (stdout and stderr together), in order, other lines allowed between; leading
 *   and trailing spaces do not count and `…` stands for any text; `(exit N)` at the end of the last
 *   one is the exit status it must end with (0 when not given);
 * - a command ending in `&` is a server: it runs in the background until the end of the session,
 *   and the session goes on once it has printed its quoted lines;
 * - the documented ports and `~/trustbridge` (the checkout) are replaced by the caller's values.
 *
 * Pure: the test in test/e2e/readme_session.test.ts runs the script.
 */

/** One command of the session, with what the README says it prints. */
export interface SessionCommand {
  /** The README line the command starts on (1-based). */
  line: number;
  /** The command as bash runs it (continuation lines joined with their `\`, the `&` removed). */
  text: string;
  /** A server run in the background (`&`). */
  background: boolean;
  /** The quoted output lines, `(exit N)` removed. */
  expected: string[];
  /** The exit status it must end with. */
  exitCode: number;
}

/** A skipped block and the reason the README gives. */
export interface SkippedBlock {
  line: number;
  reason: string;
}

/** The session found in a README. */
export interface Session {
  commands: SessionCommand[];
  skipped: SkippedBlock[];
}

const FENCE = /^(\s*)```(\S*)\s*$/;
const NOT_RUN = /^<!--\s*not run:\s*(.*?)\s*-->$/;
const EXIT = /\s*\(exit (\d+)\)\s*$/;

/**
 * Reads the ```sh blocks of `markdown` into commands.
 *
 * @param markdown - README.md's text
 * @throws Error on a `#>` line without a command before it, an unclosed block, a `not run`
 *   marker without a reason, or a command left continued at the end of its block
 */
export function parseSession(markdown: string): Session {
  const lines = markdown.split('\n');
  const commands: SessionCommand[] = [];
  const skipped: SkippedBlock[] = [];
  let lastText = '';
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (!open) {
      if (lines[i]!.trim() !== '') lastText = lines[i]!.trim();
      continue;
    }
    const indent = open[1]!.length;
    const lang = open[2]!;
    const start = i + 1;
    const body: string[] = [];
    for (i++; i < lines.length && !/^\s*```\s*$/.test(lines[i]!); i++) body.push(lines[i]!.slice(indent));
    if (i >= lines.length) throw new Error(`README.md:${start}: code block never closed`);
    const marker = NOT_RUN.exec(lastText);
    lastText = '';
    if (lang !== 'sh') continue;
    if (marker) {
      if (!marker[1]) throw new Error(`README.md:${start}: "not run" needs a reason`);
      skipped.push({ line: start, reason: marker[1] });
      continue;
    }
    commands.push(...blockCommands(body, start + 1));
  }
  return { commands, skipped };
}

function blockCommands(body: string[], firstLine: number): SessionCommand[] {
  const out: SessionCommand[] = [];
  for (let j = 0; j < body.length; j++) {
    const raw = body[j]!;
    const lineNo = firstLine + j;
    if (raw.startsWith('#>')) {
      const cmd = out.at(-1);
      if (!cmd) throw new Error(`README.md:${lineNo}: quoted output before any command`);
      cmd.expected.push(raw.slice(2));
      continue;
    }
    if (/^\s*(#.*)?$/.test(raw)) continue;
    let text = raw;
    while (text.endsWith('\\')) {
      j++;
      if (j >= body.length) throw new Error(`README.md:${lineNo}: command continued past its block`);
      text += '\n' + body[j]!;
    }
    const bg = /\s&\s*(#.*)?$/.exec(text);
    out.push({
      line: lineNo,
      text: bg ? text.slice(0, bg.index) : text,
      background: Boolean(bg),
      expected: [],
      exitCode: 0,
    });
  }
  for (const cmd of out) {
    const last = cmd.expected.at(-1);
    const m = last === undefined ? null : EXIT.exec(last);
    if (m) {
      cmd.exitCode = Number(m[1]);
      const rest = last!.slice(0, m.index);
      if (rest.trim() === '') cmd.expected.pop();
      else cmd.expected[cmd.expected.length - 1] = rest;
    }
    cmd.expected = cmd.expected.map((e) => e.trim());
  }
  return out;
}

/**
 * Replaces the documented values in a command or a quoted line: each key of `map` found as a
 * whole word (ports) or as a path prefix (`~/trustbridge`).
 */
export function substitute(text: string, map: ReadonlyMap<string, string>): string {
  let out = text;
  for (const [from, to] of map) {
    const escaped = from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    out = out.replace(new RegExp(`(?<![\\w])${escaped}(?![\\w])`, 'g'), to);
  }
  return out;
}

/** A quoted line as a regular expression over a whole output line (`…` is any text). */
export function linePattern(quoted: string): RegExp {
  const parts = quoted.split('…').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^\\s*${parts.join('.*')}\\s*$`);
}

/**
 * Checks `output` against the quoted lines: each must match a line, in order.
 *
 * @returns undefined when all match, else the first quoted line that matched nothing after the
 *   lines matched before it
 */
export function unmatched(expected: readonly string[], output: string): string | undefined {
  const lines = output.split('\n');
  let at = 0;
  for (const e of expected) {
    const re = linePattern(e);
    while (at < lines.length && !re.test(lines[at]!)) at++;
    if (at >= lines.length) return e;
    at++;
  }
  return undefined;
}

const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** The POSIX ERE of a quoted line, for the server wait loop (grep -E). */
function grepPattern(quoted: string): string {
  const parts = quoted.split('…').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return `^[[:space:]]*${parts.join('.*')}[[:space:]]*$`;
}

/**
 * The bash script that runs the session: each command's output goes to `OUT/<n>` (n counted from
 * 0), a command ending with another status than the README's stops the script with status 90 after
 * writing `OUT/failed` (the index); the process id of each server goes to `OUT/pids` (job control
 * is on, so each server is the leader of its own process group), and the index of the command
 * under way to `OUT/at`.
 *
 * @param commands - the commands, substituted
 * @param outDir - where the outputs go
 * @param serverWaitSeconds - how long a server may take to print its quoted lines
 */
export function sessionScript(
  commands: readonly SessionCommand[],
  outDir: string,
  serverWaitSeconds = 180,
): string {
  const s: string[] = [
    'set -uo pipefail',
    'set -m',
    `__tb=${shellQuote(outDir)}`,
    '__tb_fail() { echo "$1" > "$__tb/failed"; exit 90; }',
    '__tb_check() { [ "$2" = "$3" ] || { echo "$2" > "$__tb/$1.status"; __tb_fail "$1"; }; }',
    // A server: wait until each quoted line shows in its output, or it ends, or time runs out.
    '__tb_wait() {',
    '  local n=$1 pid=$2; shift 2',
    `  local deadline=$((SECONDS + ${serverWaitSeconds}))`,
    '  for re in "$@"; do',
    '    until grep -qsE -- "$re" "$__tb/$n"; do',
    '      if ! kill -0 "$pid" 2>/dev/null; then echo exited > "$__tb/$n.status"; __tb_fail "$n"; fi',
    '      if [ $SECONDS -ge $deadline ]; then echo timeout > "$__tb/$n.status"; __tb_fail "$n"; fi',
    '      sleep 0.2',
    '    done',
    '  done',
    '}',
  ];
  commands.forEach((c, n) => {
    s.push(`# README.md:${c.line}`, `echo ${n} > "$__tb/at"`);
    if (c.background) {
      if (c.expected.length === 0)
        throw new Error(`README.md:${c.line}: a server must quote the line it is ready at`);
      s.push(`${c.text} </dev/null >"$__tb/${n}" 2>&1 &`);
      s.push(`echo $! >> "$__tb/pids"`);
      s.push(`__tb_wait ${n} $! ${c.expected.map((e) => shellQuote(grepPattern(e))).join(' ')}`);
    } else {
      s.push('{', c.text, `} </dev/null >"$__tb/${n}" 2>&1`);
      s.push(`__tb_check ${n} $? ${c.exitCode}`);
    }
  });
  s.push('exit 0', '');
  return s.join('\n');
}
