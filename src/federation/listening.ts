/**
 * Waiting for a server process of the federation to listen: its banner on standard output says
 * so. Asking `/healthz` instead would be answered by whatever already holds the port (a
 * federation started earlier), so a taken port would pass for a started server.
 */
import type { ChildProcess } from 'node:child_process';
import { UsageError } from '../lib/errors.js';
import { NodeError } from '../node/errors.js';

/** Which member a server process is, for the messages. */
export interface MemberServer {
  /** `the hub`, `the PH node`. */
  name: string;
  /** The port it was given. */
  port: number;
  /** The hub's port, from which the federation counts the others. */
  basePort: number;
}

// Written by `hub serve` and `node serve` once every listener is up (the last line they print).
const BANNER = /listening on /;

/** The ports of the federation after the hub's: PH, VN, BE, the tax portal. */
export const FEDERATION_PORTS_AFTER_HUB = 4;

/**
 * The `PORT_IN_USE` error of a member whose port is taken: the member, its port, the federation's
 * range and the option that moves it.
 *
 * @param member - which member it is
 * @example
 * ```ts
 * throw portTaken({ name: 'the VN tax portal', port: 8084, basePort: 8080 });
 * ```
 */
export function portTaken(member: MemberServer): UsageError {
  const next = member.basePort + 100;
  return new UsageError(
    'PORT_IN_USE',
    `${member.name}'s port 127.0.0.1:${member.port} is taken (the federation uses ports ` +
      `${member.basePort}-${member.basePort + FEDERATION_PORTS_AFTER_HUB}); use --port, e.g. npm start -- --port ${next}`,
  );
}

function failure(member: MemberServer, code: number | null, stderr: string): Error {
  if (/error PORT_IN_USE:/.test(stderr)) return portTaken(member);
  return new NodeError(
    'INTERNAL',
    `${member.name} (port ${member.port}) exited with ${code ?? 'a signal'}: ${stderr.trim()}`,
  );
}

/**
 * Resolves once `child` has printed its banner; rejects when it exits first, with `PORT_IN_USE`
 * naming the member and the option when its port was taken. Its standard error is held back until
 * then (a failure is told once, by the rejection) and passed on to ours afterwards.
 *
 * @param child - a process from `spawnServer`
 * @param member - which member it is
 * @param ms - how long to wait
 * @example
 * ```ts
 * await waitListening(spawnServer(args, passphrase), { name: 'the hub', port: 8080, basePort: 8080 });
 * ```
 */
export function waitListening(child: ChildProcess, member: MemberServer, ms = 60_000): Promise<void> {
  let out = '';
  let err = '';
  const onErr = (d: Buffer): void => void (err += d.toString());
  child.stderr?.on('data', onErr);
  return new Promise<void>((ok, ko) => {
    const timer = setTimeout(
      () => ko(new NodeError('INTERNAL', `${member.name} did not start in ${ms} ms`)),
      ms,
    );
    const onExit = (code: number | null): void => {
      clearTimeout(timer);
      ko(failure(member, code, err));
    };
    const onOut = (d: Buffer): void => {
      out += d.toString();
      if (!BANNER.test(out)) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      child.stdout?.off('data', onOut);
      // Request logs (--log) went nowhere before the banner was awaited; they still do.
      child.stdout?.resume();
      child.stderr?.off('data', onErr);
      process.stderr.write(err);
      child.stderr?.pipe(process.stderr);
      ok();
    };
    child.stdout?.on('data', onOut);
    child.once('exit', onExit);
  });
}
