/**
 * The OASIS STIX 2.1 JSON schemas (cti-stix2-json-schemas, BSD-3-Clause), shipped in
 * `schemas/stix-2.1/` at the package root, compiled once per process with Ajv (draft 2020-12).
 * Each object is checked against the schema of its type; a custom type against the common core
 * (SDO/SRO-like when it has `created`, else the cyber-observable core).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020Module from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { CertError } from '../errors.js';
import { schemaFileOf } from './types.js';

// CommonJS default exports as NodeNext sees them.
const Ajv2020 = Ajv2020Module.default;
const addFormats = addFormatsModule.default;

/** The folder of the shipped schemas (dist/src/cert/stix → the package root). */
export const STIX_SCHEMA_DIR = fileURLToPath(new URL('../../../../schemas/stix-2.1/', import.meta.url));

/** The `$id` prefix of the OASIS schemas. */
const ID_BASE = 'http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/';
const FOLDERS = ['common', 'observables', 'sdos', 'sros'];

/** A compiled set of the schemas. */
export interface StixSchemas {
  /** The validator of `type` (its own schema, or the core one for custom types). */
  validatorOf(type: string, sdoLike: boolean): ValidateFunction;
  /** The Ajv instance (the interoperability profiles compile against it). */
  readonly ajv: InstanceType<typeof Ajv2020>;
}

let compiled: StixSchemas | undefined;

function load(dir: string): StixSchemas {
  // unicodeRegExp off: a pattern of common/core.json escapes '-' outside a class, which the
  // unicode flag refuses; strict off: the schemas use annotations Ajv does not know.
  const ajv = new Ajv2020({ strict: false, unicodeRegExp: false, allErrors: false });
  addFormats(ajv);
  // Internationalised host names: the schemas' only use is informative (no IDNA library here).
  ajv.addFormat('idn-hostname', true);
  for (const folder of FOLDERS) {
    for (const name of readdirSync(join(dir, folder)).sort()) {
      if (name.endsWith('.json'))
        ajv.addSchema(JSON.parse(readFileSync(join(dir, folder, name), 'utf8')) as object);
    }
  }
  const cache = new Map<string, ValidateFunction>();
  const get = (file: string): ValidateFunction => {
    let v = cache.get(file);
    if (!v) {
      v = ajv.getSchema(ID_BASE + file);
      if (!v) throw new CertError('INTERNAL', `STIX schema ${file} is missing from ${dir}`);
      cache.set(file, v);
    }
    return v;
  };
  return {
    ajv,
    validatorOf(type, sdoLike) {
      return get(schemaFileOf(type) ?? (sdoLike ? 'common/core.json' : 'common/cyber-observable-core.json'));
    },
  };
}

/**
 * The compiled schemas (compiled on first use, then shared).
 *
 * @example
 * ```ts
 * const ok = stixSchemas().validatorOf('indicator', true)(object);
 * ```
 */
export function stixSchemas(): StixSchemas {
  compiled ??= load(STIX_SCHEMA_DIR);
  return compiled;
}

/** One line describing the first Ajv error. */
export function describeSchemaError(e: ErrorObject): string {
  const where = e.instancePath || '(object)';
  const extra =
    e.keyword === 'required'
      ? ` '${String((e.params as { missingProperty?: unknown }).missingProperty)}'`
      : e.keyword === 'additionalProperties'
        ? ` '${String((e.params as { additionalProperty?: unknown }).additionalProperty)}'`
        : '';
  return `${where}: ${e.message ?? e.keyword}${extra}`;
}
