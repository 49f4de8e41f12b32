/**
 * `trustbridge eid register`, `eid import` and `eid review …` on a real node: an unknown place
 * of birth is not a difference, a near match is held (exit 3, EID_ENROLMENT_HELD), a supervisor
 * decides once, and the import prints the national ids it created.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cliJson, errorCode, initNode, runCli, tempDir } from '../fixtures/cli.js';

const MARIA = ['--given-name', 'Maria Clara', '--family-name', 'Santos', '--birth-date', '1990-05-17'];

describe('eid review on the command line', () => {
  let tmp: ReturnType<typeof tempDir>;
  let dir: string;
  let maria = '';
  let review = '';

  before(async () => {
    tmp = tempDir();
    dir = await initNode(join(tmp.path, 'ph'));
  });
  after(() => tmp?.remove());

  it('the same person with a place of birth and sex added → exit 3, EID_PERSON_DUPLICATE', async () => {
    maria = (await cliJson<{ nationalId: string }>(['eid', 'register', '--dir', dir, ...MARIA])).nationalId;
    const r = await runCli([
      'eid',
      'register',
      '--dir',
      dir,
      ...MARIA,
      '--place-of-birth',
      'Manila',
      '--sex',
      'F',
    ]);
    assert.equal(r.code, 3, r.stderr);
    assert.equal(errorCode(r.stderr), 'EID_PERSON_DUPLICATE');
    assert.match(r.stderr, new RegExp(`already registered as ${maria}`));
  });

  it('a near match → exit 3, EID_ENROLMENT_HELD with the review id; listed as pending', async () => {
    const args = ['eid', 'register', '--dir', dir, ...MARIA.slice(0, 2), '--family-name', 'Santso'];
    const r = await runCli([...args, '--birth-date', '1990-05-17']);
    assert.equal(r.code, 3, r.stderr);
    assert.equal(errorCode(r.stderr), 'EID_ENROLMENT_HELD');
    review = /held for review ([0-9a-f]{16}): nearly matches (\d{12})/.exec(r.stderr)?.[1] ?? '';
    assert.ok(review, r.stderr);
    const list = await cliJson<{ reviews: { id: string; status: string; candidates: string[] }[] }>([
      'eid',
      'review',
      'list',
      '--dir',
      dir,
    ]);
    assert.deepEqual(
      list.reviews.map((x) => [x.id, x.status, x.candidates]),
      [[review, 'pending', [maria]]],
    );
  });

  it('reject once; a second decision → exit 3, EID_REVIEW_DECIDED', async () => {
    const out = await cliJson<{ status: string; reason: string; decidedBy: string }>([
      'eid',
      'review',
      'reject',
      '--dir',
      dir,
      '--id',
      review,
      '--reason',
      'typing error',
      '--officer',
      'sup-1',
    ]);
    assert.deepEqual([out.status, out.reason, out.decidedBy], ['rejected', 'typing error', 'sup-1']);
    const again = await runCli(['eid', 'review', 'accept', '--dir', dir, '--id', review]);
    assert.equal(again.code, 3, again.stderr);
    assert.equal(errorCode(again.stderr), 'EID_REVIEW_DECIDED');
    const unknown = await runCli(['eid', 'review', 'accept', '--dir', dir, '--id', '0123456789abcdef']);
    assert.equal(errorCode(unknown.stderr), 'EID_REVIEW_NOT_FOUND');
    const all = await cliJson<{ reviews: unknown[] }>([
      'eid',
      'review',
      'list',
      '--dir',
      dir,
      '--status',
      'all',
    ]);
    assert.equal(all.reviews.length, 1);
  });

  it('import prints the national ids it created and the rows it held', async () => {
    const csv = join(tmp.path, 'people.csv');
    writeFileSync(
      csv,
      'given_names,family_name,birth_date,place_of_birth,sex\n' +
        'Juan,Dela Cruz,1985-02-01,Manila,M\n' +
        'Maria Clara,Santos,1990-05-17,Manila,F\n' +
        'Clara Maria,Santos,1990-05-17,,\n',
    );
    const s = await cliJson<{
      created: { line: number; nationalId: string }[];
      held: { line: number }[];
      duplicates: number;
    }>(['eid', 'import', '--dir', dir, csv]);
    assert.equal(s.created.length, 1);
    assert.equal(s.created[0]!.line, 2);
    assert.match(s.created[0]!.nationalId, /^\d{12}$/);
    assert.equal(s.duplicates, 1);
    assert.deepEqual(
      s.held.map((h) => h.line),
      [4],
    );
    const shown = await cliJson<{ person: { familyName: string } }>([
      'eid',
      'show',
      '--dir',
      dir,
      '--national-id',
      s.created[0]!.nationalId,
    ]);
    assert.equal(shown.person.familyName, 'Dela Cruz');
  });
});
