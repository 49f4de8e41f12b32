/**
 * A document recognisable as a JWS or an XML signature gets a report even when its structure is
 * broken (EN 319 102-1 clause 5.2.2: FORMAT_FAILURE; a signer that cannot be found:
 * NO_SIGNING_CERTIFICATE_FOUND); input that is no signature at all is refused.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bufferSource } from '../../src/lib/document_source.js';
import { validateDocument } from '../../src/validation/validate_document.js';
import { GARBAGE, MALFORMED } from '../fixtures/malformed_signatures.js';
import { NOW } from './fixtures.js';

describe('recognisable but malformed signatures are reported', () => {
  for (const c of MALFORMED)
    it(`${c.name}: ${c.indication} / ${c.subIndication}`, async () => {
      const report = await validateDocument(bufferSource(c.bytes), { anchors: [], time: NOW });
      assert.equal(report.summary.total, 1);
      const [s] = report.signatures;
      assert.deepEqual([s!.indication, s!.subIndication], [c.indication, c.subIndication]);
      const said = [...s!.checks.map((x) => x.detail ?? ''), ...s!.warnings].join('\n');
      assert.match(said, c.detail);
    });
});

describe('input that is not a signature is refused', () => {
  for (const c of GARBAGE)
    it(c.name, async () => {
      await assert.rejects(
        validateDocument(bufferSource(c.bytes), { anchors: [], time: NOW }),
        (e: Error & { code?: string }) => {
          assert.match(e.code ?? '', c.code);
          return true;
        },
      );
    });
});
