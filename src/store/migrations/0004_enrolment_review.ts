import type { Kysely } from 'kysely';

/**
 * Demographic de-duplication by birth date: an index on `person.birth_date` covering the
 * compared attributes (the candidates of an enrolment are the people born on the same day), and `enrolment_review`, where an
 * enrolment that nearly matches registered people waits for an officer's decision. `person`
 * is the submitted data (JSON), `candidates` the national identifiers it resembles (JSON);
 * `national_id` is set when an accepted review registered the person.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // Covering: screening reads the compared attributes of everyone born on a day from the index
  // alone (SQLite; PostgreSQL once the visibility map is set), not one table page per person.
  await db.schema
    .createIndex('person_birth_date')
    .on('person')
    .columns(['birth_date', 'given_names', 'family_name', 'place_of_birth', 'sex', 'national_id'])
    .execute();
  await db.schema
    .createTable('enrolment_review')
    .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('person', 'text', (c) => c.notNull())
    .addColumn('candidates', 'text', (c) => c.notNull())
    .addColumn('submitted_by', 'text', (c) => c.notNull())
    .addColumn('submitted_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', 'varchar(32)')
    .addColumn('reason', 'text')
    .addColumn('national_id', 'varchar(12)')
    .execute();
  await db.schema.createIndex('enrolment_review_status').on('enrolment_review').column('status').execute();
}

/** Drops the review table and the birth-date index. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('enrolment_review').execute();
  await db.schema.dropIndex('person_birth_date').execute();
}
