import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { stixSchemas } from '../../src/cert/stix/schemas.js';
import { validateStixObject } from '../../src/cert/stix/validate.js';
import { TLP2_MARKINGS } from '../../src/cert/tlp.js';

// dist/test/cert → the checkout's sibling folder of shared reference material.
const SHARED = fileURLToPath(new URL('../../../../shared/schemas/stix-2.1/', import.meta.url));
const SKIP = existsSync(SHARED) ? false : `reference corpus ${SHARED} not present: skipped`;

function jsonFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? jsonFiles(join(dir, e.name)) : e.name.endsWith('.json') ? [join(dir, e.name)] : [],
  );
}

function exampleObjects(): Record<string, unknown>[] {
  return jsonFiles(join(SHARED, 'examples')).flatMap((f) => {
    const doc = JSON.parse(readFileSync(f, 'utf8')) as { type: string; objects?: Record<string, unknown>[] };
    return doc.type === 'bundle' ? doc.objects! : [doc as Record<string, unknown>];
  });
}

const INDICATOR = {
  type: 'indicator',
  spec_version: '2.1',
  id: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
  created_by_ref: 'identity--f431f809-377b-45e0-aa1c-6a4751cae5ff',
  created: '2016-04-06T20:03:48.000Z',
  modified: '2016-04-06T20:03:48.000Z',
  indicator_types: ['malicious-activity'],
  name: 'Poison Ivy Malware',
  description: 'This file is part of Poison Ivy',
  pattern: "[ file:hashes.'SHA-256' = '4bac27393bdd9777ce02453256c5577cd02275510b2227f473d03f533924f877' ]",
  pattern_type: 'stix',
  valid_from: '2016-01-01T00:00:00Z',
  object_marking_refs: [TLP2_MARKINGS.green],
  granular_markings: [{ marking_ref: TLP2_MARKINGS.amber, selectors: ['description'] }],
};

function rules(o: unknown): string[] {
  return validateStixObject(o).failures.map((f) => f.rule);
}

describe('STIX 2.1 validation: the OASIS corpus', { skip: SKIP }, () => {
  it('every object of every example validates', () => {
    const objects = exampleObjects();
    assert.ok(objects.length >= 200, `${objects.length} example objects`);
    for (const o of objects) {
      const v = validateStixObject(o);
      assert.ok(v.valid, `${String(o['id'])}: ${JSON.stringify(v.failures)}`);
    }
  });

  it('the interoperability profiles compile against the shipped schemas, and what they accept validates', () => {
    const ajv = stixSchemas().ajv;
    const profiles = readdirSync(join(SHARED, 'interop')).filter((f) => f.endsWith('.json'));
    assert.ok(profiles.length >= 15);
    const schemas = profiles.map(
      (f) => JSON.parse(readFileSync(join(SHARED, 'interop', f), 'utf8')) as { $id: string },
    );
    for (const s of schemas) if (!ajv.getSchema(s.$id)) ajv.addSchema(s);
    let accepted = 0;
    let compiled = 0;
    for (const f of profiles) {
      const type = f.replace(/\.json$/, '');
      if (type === 'core') continue;
      let check;
      try {
        check = ajv.getSchema(schemas[profiles.indexOf(f)]!.$id)!;
      } catch {
        // interop/observed-data.json declares an $id under schemas/interop/, where its relative
        // reference to core.json resolves to nothing: an upstream defect, not ours.
        assert.equal(type, 'observed-data');
        continue;
      }
      compiled++;
      for (const o of exampleObjects().filter((x) => x['type'] === type)) {
        if (!check(o)) continue;
        accepted++;
        assert.ok(validateStixObject(o).valid, `${String(o['id'])} meets the ${type} profile`);
      }
    }
    assert.ok(compiled >= 17, `${compiled} profiles compiled`);
    assert.ok(accepted > 0, 'some example objects meet an interoperability profile');
  });
});

describe('STIX 2.1 validation: rules the schemas cannot express', () => {
  it('accepts a well-formed, TLP-marked indicator', () => {
    assert.deepEqual(validateStixObject(INDICATOR), { valid: true, id: INDICATOR.id, failures: [] });
  });

  it('refuses modified before created', () => {
    assert.deepEqual(rules({ ...INDICATOR, modified: '2016-04-06T20:03:47.999Z' }), [
      'stix.timestamps.order',
    ]);
    assert.deepEqual(
      rules({ ...INDICATOR, created: '2016-04-06T20:03:48.0001Z', modified: '2016-04-06T20:03:48.000Z' }),
      ['stix.timestamps.order'],
    );
  });

  it('refuses bad identifiers: form, type prefix, custom prefix, UUID variant and version', () => {
    assert.ok(rules({ ...INDICATOR, id: 'indicator--not-a-uuid' }).includes('stix.id.form'));
    assert.ok(
      rules({ ...INDICATOR, id: 'malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f' }).includes('stix.id.form'),
    );
    assert.ok(
      rules({ ...INDICATOR, id: 'indicator--8e2e2d2b-17d4-4cbf-c38f-98ee46b3cd3f' }).includes('stix.id.uuid'),
    );
    assert.ok(
      rules({ ...INDICATOR, id: 'indicator--8e2e2d2b-17d4-0cbf-938f-98ee46b3cd3f' }).includes('stix.id.uuid'),
    );
    const custom = {
      type: 'x-acme-alert',
      spec_version: '2.1',
      id: 'x-other--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
      created: '2020-01-01T00:00:00.000Z',
      modified: '2020-01-01T00:00:00.000Z',
    };
    assert.deepEqual(rules(custom), ['stix.id.custom-prefix']);
    assert.deepEqual(rules({ ...custom, id: 'x-acme-alert--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f' }), []);
  });

  it('refuses references to the wrong type of object', () => {
    // The schema refuses it too (a 'not' on the identity prefix); the rule names the reason.
    assert.ok(
      rules({ ...INDICATOR, created_by_ref: 'malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b' }).includes(
        'stix.ref.target-type',
      ),
    );
    assert.deepEqual(
      rules({ ...INDICATOR, object_marking_refs: ['identity--f431f809-377b-45e0-aa1c-6a4751cae5ff'] }),
      ['stix.ref.target-type'],
    );
    const rel = {
      type: 'relationship',
      spec_version: '2.1',
      id: 'relationship--44298a74-ba52-4f0c-87a3-1824e67d7fad',
      created: '2016-04-06T20:06:37.000Z',
      modified: '2016-04-06T20:06:37.000Z',
      relationship_type: 'indicates',
      source_ref: INDICATOR.id,
      target_ref: 'malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b',
    };
    assert.deepEqual(rules(rel), []);
    assert.ok(rules({ ...rel, target_ref: TLP2_MARKINGS.red }).includes('stix.ref.target-type'));
    assert.deepEqual(rules({ ...rel, target_ref: 'report--84e4d88f-44ea-4bcd-bbf3-b2c1c320bcb3' }), []);
    assert.ok(
      rules({ ...rel, target_ref: 'sighting--ee20065d-2555-424f-ad9e-0f8428623c75' }).includes(
        'stix.ref.target-type',
      ),
    );
    const sighting = {
      type: 'sighting',
      spec_version: '2.1',
      id: 'sighting--ee20065d-2555-424f-ad9e-0f8428623c75',
      created: '2016-04-06T20:06:37.000Z',
      modified: '2016-04-06T20:06:37.000Z',
      sighting_of_ref: INDICATOR.id,
      where_sighted_refs: ['identity--f431f809-377b-45e0-aa1c-6a4751cae5ff'],
    };
    assert.deepEqual(rules(sighting), []);
    assert.ok(rules({ ...sighting, sighting_of_ref: rel.id }).includes('stix.ref.target-type'));
    assert.ok(rules({ ...sighting, where_sighted_refs: [INDICATOR.id] }).includes('stix.ref.target-type'));
  });

  it('refuses granular-marking selectors that name nothing, and self-marking definitions', () => {
    assert.deepEqual(
      rules({
        ...INDICATOR,
        granular_markings: [{ marking_ref: TLP2_MARKINGS.red, selectors: ['labels.[0]'] }],
      }),
      ['stix.granular.selector'],
    );
    assert.deepEqual(
      rules({
        ...INDICATOR,
        granular_markings: [{ marking_ref: TLP2_MARKINGS.red, selectors: ['indicator_types.[0]'] }],
      }),
      [],
    );
    const md = {
      type: 'marking-definition',
      spec_version: '2.1',
      id: 'marking-definition--d4ebd7cd-0f3b-4b87-9b5b-5b1b5f9f5e11',
      created: '2020-01-01T00:00:00.000Z',
      definition_type: 'statement',
      definition: { statement: 'Copyright ACME' },
    };
    assert.deepEqual(rules(md), []);
    assert.deepEqual(rules({ ...md, object_marking_refs: [md.id] }), ['stix.marking.circular']);
  });

  it('refuses missing required properties and wrong shapes by their schema keyword', () => {
    const { pattern: _p, ...noPattern } = INDICATOR;
    void _p;
    assert.deepEqual(rules(noPattern), ['stix.schema.required']);
    assert.match(validateStixObject(noPattern).failures[0]!.message, /pattern/);
    assert.deepEqual(rules([INDICATOR]), ['stix.structure']);
    assert.deepEqual(rules({ id: INDICATOR.id }), ['stix.structure']);
    assert.deepEqual(
      rules({ type: 'bundle', id: 'bundle--44af6c39-c09b-49c5-9de2-394224b04982', objects: [] }),
      ['stix.structure'],
    );
  });

  it('refuses absurd nesting without recursion trouble', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    assert.deepEqual(rules({ ...INDICATOR, x_deep: deep }), ['stix.depth']);
  });

  it('accepts TLP 2.0 marking definitions (the extension form)', () => {
    const red = {
      type: 'marking-definition',
      spec_version: '2.1',
      id: TLP2_MARKINGS.red,
      created: '2022-10-01T00:00:00.000Z',
      name: 'TLP:RED',
      extensions: {
        'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d': {
          extension_type: 'property-extension',
          tlp_2_0: 'red',
        },
      },
    };
    assert.deepEqual(rules(red), []);
  });
});
