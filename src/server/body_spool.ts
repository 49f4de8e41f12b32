/**
 * Receiving an upload without holding it in memory: the body goes to a spool file (mode 0600)
 * as it arrives, with a total deadline and a minimum average rate, so a slow client cannot keep
 * a request open for minutes (issue 13). The spool file is deleted once the answer is sent.
 */
import { createWriteStream, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { Readable } from 'node:stream';
import { UsageError } from '../lib/errors.js';
import { HttpError } from './errors.js';
import type { ValidateLimits } from '../node/config.js';

/** The time limits of a body. */
export type BodyTimeouts = Pick<
  ValidateLimits,
  'maxBodyBytes' | 'bodyTimeoutSeconds' | 'minBodyBytesPerSecond' | 'bodyGraceSeconds'
>;

/** How often the body rate is checked. */
const TICK_MS = 250;

/** Whether process `pid` is still running (a signal 0 reaches it, or it is not ours to signal). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Makes this process's spool directory, `dir/<pid>` (mode 0700), and removes those of processes
 * no longer running (files a stopped server left behind); the workers of a cluster each have
 * their own. When `dir` cannot be used (a node without a directory), a private directory under
 * the system's temporary directory.
 *
 * @param dir - the wanted directory, or undefined for a temporary one
 * @example
 * ```ts
 * const spool = prepareSpoolDir(join(node.dir, NODE_FILES.spool));
 * ```
 */
export function prepareSpoolDir(dir: string | undefined): string {
  if (dir !== undefined) {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      for (const f of readdirSync(dir)) {
        if (/^\d+$/.test(f) && Number(f) !== process.pid && !alive(Number(f)))
          rmSync(join(dir, f), { recursive: true, force: true });
      }
      const mine = join(dir, String(process.pid));
      mkdirSync(mine, { recursive: true, mode: 0o700 });
      // Files older than this process are from an earlier one that had the same pid.
      const started = Date.now() - process.uptime() * 1000;
      for (const f of readdirSync(mine)) {
        if (statSync(join(mine, f)).mtimeMs < started) rmSync(join(mine, f), { force: true });
      }
      return mine;
    } catch {
      // fall through: a private temporary directory
    }
  }
  return mkdtempSync(join(tmpdir(), 'trustbridge-spool-'));
}

/** A new spool file name in `dir` (not yet created). */
export function spoolPath(dir: string): string {
  return join(dir, `${randomBytes(12).toString('hex')}.upload`);
}

/** Deletes a spool file, ignoring one already gone. */
export function removeSpool(path: string): Promise<void> {
  return rm(path, { force: true });
}

/**
 * Reads `payload` into `sink` within the limits: at most `maxBodyBytes`, the whole body within
 * `bodyTimeoutSeconds`, and, after `bodyGraceSeconds`, at least `minBodyBytesPerSecond` on average.
 *
 * @param payload - the request body stream
 * @param sink - where the bytes go (a file stream, or a collector)
 * @param limits - the size and time limits
 * @returns the number of bytes received
 * @throws HttpError HTTP_REQUEST_TIMEOUT (408) too slow; UsageError INPUT_TOO_LARGE (413) too big
 * @example
 * ```ts
 * const size = await receiveBody(req.raw, createWriteStream(path, { mode: 0o600 }), limits);
 * ```
 */
export function receiveBody(payload: Readable, sink: Writable, limits: BodyTimeouts): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const started = Date.now();
    let size = 0;
    let settled = false;
    const finish = (e?: unknown): void => {
      if (settled) return;
      settled = true;
      clearInterval(timer);
      payload.off('data', onData);
      payload.off('end', onEnd);
      payload.off('error', finish);
      payload.off('aborted', onAborted);
      payload.off('close', onAborted);
      sink.off('drain', onDrain);
      if (e === undefined) {
        sink.end(() => resolve(size));
        return;
      }
      // Stop reading: the answer (408, 413) goes out and the server closes the connection.
      payload.pause();
      sink.destroy();
      reject(e);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limits.maxBodyBytes) {
        finish(new UsageError('INPUT_TOO_LARGE', `the body is over ${limits.maxBodyBytes} bytes`));
        return;
      }
      if (!sink.write(chunk)) payload.pause();
    };
    const onDrain = (): void => {
      payload.resume();
    };
    const onEnd = (): void => finish();
    const onAborted = (): void => finish(new HttpError('HTTP_REQUEST_TIMEOUT', 'the client went away'));
    const timer = setInterval(
      () => {
        const seconds = (Date.now() - started) / 1000;
        if (seconds > limits.bodyTimeoutSeconds)
          finish(
            new HttpError(
              'HTTP_REQUEST_TIMEOUT',
              `the body was not received within ${limits.bodyTimeoutSeconds} s`,
            ),
          );
        else if (seconds > limits.bodyGraceSeconds && size / seconds < limits.minBodyBytesPerSecond)
          finish(
            new HttpError(
              'HTTP_REQUEST_TIMEOUT',
              `the body arrives slower than ${limits.minBodyBytesPerSecond} bytes a second`,
            ),
          );
      },
      Math.min(TICK_MS, limits.bodyTimeoutSeconds * 1000),
    );
    sink.on('error', finish);
    sink.on('drain', onDrain);
    payload.on('data', onData);
    payload.on('end', onEnd);
    payload.on('error', finish);
    payload.on('aborted', onAborted);
    // A connection closed before the end of the body ('close' after 'end' finds it settled).
    payload.on('close', onAborted);
  });
}

/**
 * Receives a body into a new spool file (mode 0600).
 *
 * @param payload - the request body stream
 * @param dir - the spool directory
 * @param limits - the size and time limits
 * @param track - called with the file's path before it is written, so the caller can delete it
 * @returns the file's path and size
 * @example
 * ```ts
 * const { path, size } = await spoolBody(req.raw, spoolDir, limits, (p) => spools.push(p));
 * ```
 */
export async function spoolBody(
  payload: Readable,
  dir: string,
  limits: BodyTimeouts,
  track: (path: string) => void,
): Promise<{ path: string; size: number }> {
  const path = spoolPath(dir);
  track(path);
  const size = await receiveBody(payload, createWriteStream(path, { mode: 0o600, flags: 'wx' }), limits);
  return { path, size };
}

/** A sink that keeps the bytes in memory (a JSON body, which has to be parsed whole anyway). */
export function memorySink(): { sink: Writable; bytes(): Buffer } {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk);
      cb();
    },
  });
  return { sink, bytes: () => Buffer.concat(chunks) };
}
