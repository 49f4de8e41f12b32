import { UsageError } from './errors.js';

/**
 * A listener's start failure as the user should read it: `EADDRINUSE` becomes `PORT_IN_USE`
 * naming the address and the option that moves it; any other error is returned unchanged.
 *
 * @param e - what `listen` failed with
 * @param host - the interface asked for
 * @param port - the port asked for
 * @param option - the command-line option that sets this port
 * @returns the error to throw
 * @example
 * ```ts
 * try { await app.listen({ host, port }) } catch (e) { throw portInUse(e, host, port, '--port') }
 * ```
 */
export function portInUse(e: unknown, host: string, port: number, option: string): unknown {
  if ((e as NodeJS.ErrnoException | undefined)?.code !== 'EADDRINUSE') return e;
  const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  return new UsageError('PORT_IN_USE', `${address} is taken; use ${option}`, { cause: e });
}
