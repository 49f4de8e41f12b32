import type { Transaction } from 'kysely';
import type { Database } from '../store/schema.js';
import { insertEventRow } from './register_store/index.js';

/** Register and lifecycle actions recorded in the audit trail. */
export type EventAction =
  | 'register'
  | 'issue'
  | 'suspend'
  | 'resume'
  | 'revoke'
  | 'renew'
  | 'import'
  | 'review-hold'
  | 'review-accept'
  | 'review-reject';

/** One event row, as read back. */
export interface EidEvent {
  at: string;
  officer: string;
  action: string;
  nationalId: string | null;
  serial: string | null;
  detail: Record<string, unknown>;
}

/**
 * Appends an event inside the caller's transaction, so the audit trail and the change it
 * records land together.
 */
export async function recordEvent(
  trx: Transaction<Database>,
  e: {
    at: Date;
    officer: string;
    action: EventAction;
    nationalId?: string;
    serial?: string;
    detail?: Record<string, unknown>;
  },
): Promise<void> {
  await insertEventRow(trx, {
    at: e.at.toISOString(),
    officer: e.officer,
    action: e.action,
    national_id: e.nationalId ?? null,
    serial: e.serial ?? null,
    detail: JSON.stringify(e.detail ?? {}),
  });
}
