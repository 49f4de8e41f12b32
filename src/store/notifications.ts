import { sql } from 'kysely';
import type { QueryExecutorProvider } from 'kysely';
import pg from 'pg';

/** Channel on which certificate status changes are announced (payload: serial numbers, comma-separated). */
export const CERT_STATUS_CHANNEL = 'trustbridge_cert_status';

/** A running subscription to a notification channel. */
export interface Subscription {
  stop(): Promise<void>;
}

/**
 * Announces a change inside the caller's transaction. PostgreSQL delivers NOTIFY on commit only,
 * so listeners never see a change that rolled back. SQLite has no notifications: readers there
 * query the store directly (it is local and cheap), so this is a no-op.
 *
 * @param db - the transaction (or database)
 * @param engine - the store engine
 * @param channel - channel name
 * @param payload - what changed
 */
export async function notifyChange(
  db: QueryExecutorProvider,
  engine: 'sqlite' | 'postgres',
  channel: string,
  payload: string,
): Promise<void> {
  if (engine !== 'postgres') return;
  await sql`select pg_notify(${channel}, ${payload})`.execute(db);
}

/**
 * Listens on a PostgreSQL channel with a dedicated connection. `onLost` is called when the
 * connection fails: a listener that may have missed notifications must stop trusting its cache.
 *
 * @param url - PostgreSQL URL
 * @param channel - channel name
 * @param onNotify - called with each payload
 * @param onLost - called once if the connection is lost
 */
export async function listenPostgres(
  url: string,
  channel: string,
  onNotify: (payload: string) => void,
  onLost: () => void,
): Promise<Subscription> {
  const client = new pg.Client({ connectionString: url });
  let stopped = false;
  const lost = (): void => {
    if (!stopped) onLost();
    stopped = true;
  };
  client.on('error', lost);
  client.on('end', lost);
  client.on('notification', (m) => {
    if (m.channel === channel) onNotify(m.payload ?? '');
  });
  await client.connect();
  await client.query(`LISTEN "${channel.replace(/"/g, '')}"`);
  return {
    async stop() {
      stopped = true;
      await client.end().catch(() => undefined);
    },
  };
}
