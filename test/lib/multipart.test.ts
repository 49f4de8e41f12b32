/**
 * The multipart/form-data reader: fields and files (names with quotes and escapes), the
 * boundary from the content type, and malformed bodies refused with INPUT_MALFORMED.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../../src/lib/errors.js';
import { multipartBoundary, parseMultipart } from '../../src/lib/multipart.js';

const CRLF = '\r\n';
const malformed = (e: unknown): boolean => e instanceof UsageError && e.code === 'INPUT_MALFORMED';

describe('multipart/form-data', () => {
  it('reads the boundary, quoted or not', () => {
    assert.equal(multipartBoundary('multipart/form-data; boundary=abc123'), 'abc123');
    assert.equal(multipartBoundary('multipart/form-data; charset=utf-8; boundary="a b"'), 'a b');
    assert.throws(() => multipartBoundary('application/json'), malformed);
    assert.throws(() => multipartBoundary(undefined), malformed);
  });

  it('splits fields and files, keeping binary content as it is', () => {
    const bin = Buffer.from([0, 13, 10, 45, 45, 255]);
    const body = Buffer.concat([
      Buffer.from(`--xx${CRLF}Content-Disposition: form-data; name="csrf"${CRLF}${CRLF}tok${CRLF}`),
      Buffer.from(
        `--xx${CRLF}Content-Disposition: form-data; name="document"; filename="a \\"b\\".pdf"${CRLF}Content-Type: application/pdf${CRLF}${CRLF}`,
      ),
      bin,
      Buffer.from(`${CRLF}--xx--${CRLF}`),
    ]);
    const parts = parseMultipart(body, 'xx');
    assert.equal(parts.length, 2);
    assert.deepEqual({ ...parts[0], data: parts[0]!.data.toString() }, { name: 'csrf', data: 'tok' });
    assert.equal(parts[1]!.name, 'document');
    assert.equal(parts[1]!.filename, 'a "b".pdf');
    assert.equal(parts[1]!.contentType, 'application/pdf');
    assert.deepEqual(parts[1]!.data, bin);
  });

  it('refuses bodies without boundary, closing delimiter, headers or name, and too many parts', () => {
    const part = (h: string) => `--b${CRLF}${h}${CRLF}${CRLF}x${CRLF}`;
    const cases = [
      'no boundary here',
      `${part('Content-Disposition: form-data; name="a"')}`,
      `${part('Content-Type: text/plain')}--b--`,
      `${part('Content-Disposition: form-data')}--b--`,
      `${part('Content-Disposition: attachment; name="a"')}--b--`,
      `--bjunk${CRLF}`,
      `${part('Content-Disposition: form-data; name="a"').repeat(17)}--b--`,
    ];
    for (const c of cases) assert.throws(() => parseMultipart(Buffer.from(c), 'b'), malformed, c);
    assert.equal(
      parseMultipart(Buffer.from(`${part('Content-Disposition: form-data; name="a"').repeat(16)}--b--`), 'b')
        .length,
      16,
    );
  });
});
