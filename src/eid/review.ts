/**
 * Officers' decisions on held enrolments: an enrolment that nearly matches registered people
 * (see `demographic_match.ts`) waits as a pending review until a supervisor accepts it (the
 * person is registered as new; certificates are then issued with `eid issue`) or rejects it.
 * Each decision and its audit event commit in one transaction.
 */
import type { Store } from '../store/database.js';
import type { EnrolmentReviewTable, ReviewStatus } from '../store/schema.js';
import type { EidContext, Officer } from './context.js';
import { EidError } from './errors.js';
import { recordEvent } from './events.js';
import type { Person, PersonData } from './person.js';
import { duplicate, insertPerson, screenPerson, withFreshNationalId } from './register.js';
import { decideReviewRow, listReviewRows, selectReviewRow } from './register_store/index.js';

/** A held enrolment as an officer sees it. */
export interface EnrolmentReview {
  id: string;
  person: PersonData;
  candidates: string[];
  submittedBy: string;
  submittedAt: string;
  status: ReviewStatus;
  decidedBy: string | null;
  decidedAt: string | null;
  reason: string | null;
  /** The person an accepted review registered. */
  nationalId: string | null;
}

function reviewFromRow(r: EnrolmentReviewTable): EnrolmentReview {
  return {
    id: r.id,
    person: JSON.parse(r.person) as PersonData,
    candidates: JSON.parse(r.candidates) as string[],
    submittedBy: r.submitted_by,
    submittedAt: r.submitted_at,
    status: r.status,
    decidedBy: r.decided_by,
    decidedAt: r.decided_at,
    reason: r.reason,
    nationalId: r.national_id,
  };
}

function pendingOrThrow(id: string, row: EnrolmentReviewTable | undefined): EnrolmentReviewTable {
  if (!row) throw new EidError('EID_REVIEW_NOT_FOUND', `no held enrolment ${id}`);
  if (row.status !== 'pending') throw decided(row);
  return row;
}

function decided(row: { id: string; status: string }): EidError {
  return new EidError('EID_REVIEW_DECIDED', `review ${row.id} is already ${row.status}`);
}

/**
 * Held enrolments in submission order.
 *
 * @param store - the node store
 * @param status - only this status (all when absent)
 * @example
 * ```ts
 * for (const r of await listReviews(store, 'pending')) console.log(r.id, r.candidates);
 * ```
 */
export async function listReviews(store: Store, status?: ReviewStatus): Promise<EnrolmentReview[]> {
  return (await listReviewRows(store, status)).map(reviewFromRow);
}

/**
 * Accepts a held enrolment: registers the person as new (no certificates: issue them with
 * `issueCertificates`), marks the review accepted and records a `review-accept` event, in one
 * transaction. An exact duplicate registered since the hold is still refused.
 *
 * @param ctx - node context
 * @param id - the review id
 * @param officer - the deciding supervisor
 * @returns the registered person
 * @throws EidError EID_REVIEW_NOT_FOUND | EID_REVIEW_DECIDED | EID_PERSON_DUPLICATE
 * @example
 * ```ts
 * const person = await acceptReview(ctx, '3f9a0c2e7b1d4a56', 'supervisor-1');
 * ```
 */
export async function acceptReview(ctx: EidContext, id: string, officer: Officer): Promise<Person> {
  const now = ctx.clock();
  return withFreshNationalId(ctx.store, async (trx, nationalId) => {
    const row = pendingOrThrow(id, await selectReviewRow(trx, id));
    const data = JSON.parse(row.person) as PersonData;
    const s = await screenPerson(trx, ctx.store.engine, data);
    if (s.kind === 'duplicate') throw duplicate(s.nationalId);
    const person = await insertPerson(trx, data, officer, now, nationalId, { review: id });
    const ok = await decideReviewRow(trx, id, {
      status: 'accepted',
      decided_by: officer,
      decided_at: now.toISOString(),
      reason: null,
      national_id: nationalId,
    });
    if (!ok) throw decided({ id, status: 'decided' });
    const candidates = JSON.parse(row.candidates) as string[];
    await recordEvent(trx, {
      at: now,
      officer,
      action: 'review-accept',
      nationalId,
      detail: { review: id, candidates },
    });
    return person;
  });
}

/**
 * Rejects a held enrolment: nobody is registered; the review is marked rejected with the
 * reason and a `review-reject` event is recorded, in one transaction.
 *
 * @param ctx - node context
 * @param id - the review id
 * @param officer - the deciding supervisor
 * @param reason - why (free text, optional)
 * @returns the decided review
 * @throws EidError EID_REVIEW_NOT_FOUND | EID_REVIEW_DECIDED
 * @example
 * ```ts
 * await rejectReview(ctx, '3f9a0c2e7b1d4a56', 'supervisor-1', 'same person as 492817365021');
 * ```
 */
export async function rejectReview(
  ctx: EidContext,
  id: string,
  officer: Officer,
  reason?: string,
): Promise<EnrolmentReview> {
  const now = ctx.clock();
  return ctx.store.transaction(async (trx) => {
    const row = pendingOrThrow(id, await selectReviewRow(trx, id));
    const decision = {
      status: 'rejected' as const,
      decided_by: officer,
      decided_at: now.toISOString(),
      reason: reason ?? null,
      national_id: null,
    };
    if (!(await decideReviewRow(trx, id, decision))) throw decided({ id, status: 'decided' });
    const candidates = JSON.parse(row.candidates) as string[];
    await recordEvent(trx, {
      at: now,
      officer,
      action: 'review-reject',
      detail: { review: id, candidates, reason: reason ?? null },
    });
    return reviewFromRow({ ...row, ...decision });
  });
}
