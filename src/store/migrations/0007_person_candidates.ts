import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

/**
 * PostgreSQL: `lock_persons_born_on(day)`, the enrolment check's lock and read in one round trip.
 * It takes the transaction advisory lock of the birth date (the key `lockBirthDate` uses, so bulk
 * import and single enrolments still queue on each other), then returns the compared attributes
 * of everyone born that day. The function is VOLATILE: its query takes a fresh snapshot after the
 * lock is granted (READ COMMITTED), so it sees a person that the enrolment it waited for
 * committed. Its plan is prepared once per connection. SQLite needs nothing: its transactions
 * hold the write lock from BEGIN IMMEDIATE.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`
    create function lock_persons_born_on(day varchar)
    returns table (
      national_id varchar,
      given_names text,
      family_name text,
      birth_date varchar,
      place_of_birth text,
      sex varchar
    )
    language plpgsql volatile
    as $$
    begin
      perform pg_advisory_xact_lock(hashtext('birth:' || day));
      return query
        select p.national_id, p.given_names, p.family_name, p.birth_date, p.place_of_birth, p.sex
        from person p
        where p.birth_date = day;
    end
    $$`.execute(db);
}

/** Drops the function. */
export async function down(db: Kysely<unknown>): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`drop function lock_persons_born_on(varchar)`.execute(db);
}
