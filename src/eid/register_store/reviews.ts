/** The register's held enrolments, the `enrolment_review` table (migration 0004). */
import type { Transaction } from 'kysely';
import type { Store } from '../../store/database.js';
import type { Database, EnrolmentReviewTable, ReviewStatus } from '../../store/schema.js';

/**
 * Stores a held enrolment in the caller's transaction.
 *
 * @param trx - open transaction
 * @param row - the review row (status `pending`)
 * @example
 * ```ts
 * await insertReviewRow(trx, { id, person: '{}', candidates: '[]', submitted_by: 'o', submitted_at: at, status: 'pending', decided_by: null, decided_at: null, reason: null, national_id: null });
 * ```
 */
export async function insertReviewRow(trx: Transaction<Database>, row: EnrolmentReviewTable): Promise<void> {
  await trx.insertInto('enrolment_review').values(row).execute();
}

/**
 * The pending review holding exactly this person data, if any (a resubmitted enrolment).
 *
 * @param trx - open transaction
 * @param person - the person data as stored (`JSON.stringify` of the normalised data)
 * @example
 * ```ts
 * const same = await selectPendingReviewOf(trx, JSON.stringify(data));
 * ```
 */
export function selectPendingReviewOf(
  trx: Transaction<Database>,
  person: string,
): Promise<Pick<EnrolmentReviewTable, 'id'> | undefined> {
  return trx
    .selectFrom('enrolment_review')
    .select('id')
    .where('status', '=', 'pending')
    .where('person', '=', person)
    .orderBy('submitted_at')
    .executeTakeFirst();
}

/**
 * One review, if any.
 *
 * @param trx - open transaction
 * @param id - the review id
 * @example
 * ```ts
 * const row = await selectReviewRow(trx, 'f3a9…');
 * ```
 */
export function selectReviewRow(
  trx: Transaction<Database>,
  id: string,
): Promise<EnrolmentReviewTable | undefined> {
  return trx.selectFrom('enrolment_review').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * Reviews in submission order, optionally of one status.
 *
 * @param store - the node store
 * @param status - only this status (all when absent)
 * @example
 * ```ts
 * const pending = await listReviewRows(store, 'pending');
 * ```
 */
export function listReviewRows(store: Store, status?: ReviewStatus): Promise<EnrolmentReviewTable[]> {
  let q = store.db.selectFrom('enrolment_review').selectAll();
  if (status) q = q.where('status', '=', status);
  return q.orderBy('submitted_at').orderBy('id').execute();
}

/**
 * Records the decision on a pending review. Only a pending row is updated, so of two officers
 * deciding at once exactly one succeeds.
 *
 * @param trx - open transaction
 * @param id - the review id
 * @param decision - the new status and who decided when, why, and the person registered
 * @returns whether the review was pending (and is now decided)
 * @example
 * ```ts
 * if (!(await decideReviewRow(trx, id, { status: 'rejected', decided_by: 'sup', decided_at: at, reason: null, national_id: null }))) throw decided;
 * ```
 */
export async function decideReviewRow(
  trx: Transaction<Database>,
  id: string,
  decision: Pick<EnrolmentReviewTable, 'status' | 'decided_by' | 'decided_at' | 'reason' | 'national_id'>,
): Promise<boolean> {
  const r = await trx
    .updateTable('enrolment_review')
    .set(decision)
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
