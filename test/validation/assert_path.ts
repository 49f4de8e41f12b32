import assert from 'node:assert/strict';
import { PathValidationError } from '../../src/validation/errors.js';
import type { PathValidationCode } from '../../src/validation/errors.js';

/** Asserts that `fn` throws a PathValidationError with `code` and a message matching `message`. */
export function assertPathError(
  fn: () => unknown,
  code: PathValidationCode,
  message?: RegExp,
): PathValidationError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof PathValidationError, `expected a PathValidationError, got ${String(caught)}`);
  assert.equal(caught.pathCode, code, caught.message);
  assert.equal(caught.code as string, code);
  if (message) assert.match(caught.message, message);
  return caught;
}
