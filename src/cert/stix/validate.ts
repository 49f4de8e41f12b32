/**
 * STIX 2.1 object validation: the shape (a JSON object with a type and an id), a bound on
 * nesting, the OASIS JSON schema of the object's type, then the rules the schemas cannot
 * express (src/cert/stix/rules.ts). The verdict lists every refused rule by its stable id.
 */
import { describeSchemaError, stixSchemas } from './schemas.js';
import {
  MAX_OBJECT_DEPTH,
  depthExceeds,
  identifierProblem,
  referenceProblems,
  selectorProblems,
  timestampProblem,
} from './rules.js';
import type { RuleFailure } from './rules.js';

export type { RuleFailure } from './rules.js';

/** The verdict on one object. */
export interface StixVerdict {
  valid: boolean;
  /** The object's id when it has a string one (failures are reported under it). */
  id?: string;
  /** Every refused rule (empty when valid). */
  failures: RuleFailure[];
}

/**
 * Validates one STIX 2.1 object (not a bundle).
 *
 * Rule ids: `stix.structure`, `stix.depth`, `stix.schema.<keyword>` (the JSON schema keyword that
 * failed, e.g. `stix.schema.required`), `stix.id.form`, `stix.id.custom-prefix`, `stix.id.uuid`,
 * `stix.timestamps.order`, `stix.ref.form`, `stix.ref.target-type`, `stix.marking.circular`,
 * `stix.granular.selector`.
 *
 * @param o - the parsed object
 * @example
 * ```ts
 * const v = validateStixObject(JSON.parse(text));
 * if (!v.valid) console.log(v.failures.map((f) => f.rule));
 * ```
 */
export function validateStixObject(o: unknown): StixVerdict {
  if (o === null || typeof o !== 'object' || Array.isArray(o))
    return refuse(undefined, { rule: 'stix.structure', message: 'a STIX object is a JSON object' });
  const obj = o as Record<string, unknown>;
  const id = typeof obj['id'] === 'string' ? obj['id'] : undefined;
  const type = obj['type'];
  if (typeof type !== 'string' || type.length === 0)
    return refuse(id, { rule: 'stix.structure', message: "the object has no string 'type'" });
  if (type === 'bundle')
    return refuse(id, { rule: 'stix.structure', message: 'a bundle is not an object of a collection' });
  if (depthExceeds(obj, MAX_OBJECT_DEPTH))
    return refuse(id, {
      rule: 'stix.depth',
      message: `the object nests deeper than ${MAX_OBJECT_DEPTH} levels`,
    });
  const failures: RuleFailure[] = [];
  const idProblem = identifierProblem(obj['id'], type);
  if (idProblem) failures.push(idProblem);
  const validator = stixSchemas().validatorOf(type, obj['created'] !== undefined);
  if (!validator(obj)) {
    const first = validator.errors?.[0];
    failures.push({
      rule: `stix.schema.${first?.keyword ?? 'invalid'}`,
      message: first ? describeSchemaError(first) : 'the object does not match its JSON schema',
    });
  }
  const order = timestampProblem(obj);
  if (order) failures.push(order);
  failures.push(...referenceProblems(obj, type), ...selectorProblems(obj));
  return failures.length === 0
    ? { valid: true, ...(id ? { id } : {}), failures }
    : { valid: false, ...(id ? { id } : {}), failures };
}

function refuse(id: string | undefined, failure: RuleFailure): StixVerdict {
  return { valid: false, ...(id ? { id } : {}), failures: [failure] };
}

/**
 * Validates every object of a bundle-like list.
 *
 * @example
 * ```ts
 * const verdicts = validateStixObjects(bundle.objects);
 * ```
 */
export function validateStixObjects(objects: readonly unknown[]): StixVerdict[] {
  return objects.map(validateStixObject);
}
