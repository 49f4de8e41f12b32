import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeName } from '../../../src/pki/certificate_builder.js';
import { OID } from '../../../src/pki/algorithms.js';
import { validatePath } from '../../../src/validation/index.js';
import { assertPathError } from '../fixtures.js';
import { NOW, cnName, gn, issue, xt } from '../fixtures.js';

type Constraints = Parameters<typeof xt.nameConstraints>[0];

/** Validates a leaf with `names` in its SAN under a root constrained by `nc`; returns the error code or 'ok'. */
async function outcome(nc: Constraints, names: Buffer[], subject?: Buffer): Promise<string> {
  const root = await issue({ cn: 'NC Root', key: 'root', ca: {}, extensions: [xt.nameConstraints(nc)] });
  const extensions = names.length > 0 ? [xt.san(names, subject?.length === 2)] : [];
  const leaf = await issue({
    cn: 'leaf',
    key: 'citizen-a-sig',
    issuer: root,
    extensions,
    ...(subject ? { subject } : {}),
  });
  try {
    validatePath({ target: leaf.der, anchors: [root.der], time: NOW });
    return 'ok';
  } catch (e) {
    return (e as { code: string }).code;
  }
}

const NC = 'PATH_NAME_CONSTRAINTS';

test('dNSName: a subtree holds the name and every name with more labels on the left', async () => {
  assert.equal(await outcome({ permitted: [gn.dns('example.com')] }, [gn.dns('example.com')]), 'ok');
  assert.equal(await outcome({ permitted: [gn.dns('example.com')] }, [gn.dns('a.b.EXAMPLE.com')]), 'ok');
  assert.equal(await outcome({ permitted: [gn.dns('example.com')] }, [gn.dns('notexample.com')]), NC);
  assert.equal(
    await outcome({ excluded: [gn.dns('example.com')] }, [gn.dns('ok.org'), gn.dns('x.example.com')]),
    NC,
  );
  assert.equal(
    await outcome({ permitted: [gn.dns('example.com')], excluded: [gn.dns('example.com')] }, [
      gn.dns('example.com'),
    ]),
    NC,
  );
});

test('dNSName wildcards: *.example.com may be bar.example.com, so an excluded bar.example.com rejects it', async () => {
  assert.equal(await outcome({ excluded: [gn.dns('bar.example.com')] }, [gn.dns('*.example.com')]), NC);
  assert.equal(await outcome({ excluded: [gn.dns('bar.example.org')] }, [gn.dns('*.example.com')]), 'ok');
  assert.equal(await outcome({ permitted: [gn.dns('example.com')] }, [gn.dns('*.example.com')]), 'ok');
  assert.equal(await outcome({ permitted: [gn.dns('bar.example.com')] }, [gn.dns('*.example.com')]), NC);
});

test('iPAddress: IPv4 and IPv6 CIDR subtrees', async () => {
  const v4 = gn.ip([192, 0, 2, 0, 255, 255, 255, 0]);
  assert.equal(await outcome({ permitted: [v4] }, [gn.ip([192, 0, 2, 77])]), 'ok');
  assert.equal(await outcome({ permitted: [v4] }, [gn.ip([192, 0, 3, 1])]), NC);
  const v6 = gn.ip([
    0x20,
    0x01,
    0x0d,
    0xb8,
    ...new Array(12).fill(0),
    ...new Array(4).fill(0xff),
    ...new Array(12).fill(0),
  ]);
  assert.equal(
    await outcome({ excluded: [v6] }, [gn.ip([0x20, 0x01, 0x0d, 0xb8, ...new Array(11).fill(0), 1])]),
    NC,
  );
  assert.equal(
    await outcome({ excluded: [v6] }, [gn.ip([192, 0, 2, 1])]),
    'ok',
    'an IPv4 name is not in an IPv6 subtree',
  );
});

test('rfc822Name: mailbox, host and .domain forms; the local part is literal', async () => {
  assert.equal(
    await outcome({ permitted: [gn.email('a*@example.com')] }, [gn.email('a*@EXAMPLE.com')]),
    'ok',
  );
  assert.equal(await outcome({ permitted: [gn.email('a*@example.com')] }, [gn.email('ab@example.com')]), NC);
  assert.equal(await outcome({ permitted: [gn.email('example.com')] }, [gn.email('x@example.com')]), 'ok');
  assert.equal(await outcome({ permitted: [gn.email('example.com')] }, [gn.email('x@mail.example.com')]), NC);
  assert.equal(
    await outcome({ permitted: [gn.email('.example.com')] }, [gn.email('x@mail.example.com')]),
    'ok',
  );
  assert.equal(await outcome({ permitted: [gn.email('.example.com')] }, [gn.email('x@example.com')]), NC);
});

test('rfc822Name constraints also apply to a subject emailAddress when there is no subjectAltName', async () => {
  const subject = (mail: string): Buffer =>
    encodeName([
      { type: OID.commonName, value: 'mail user' },
      { type: '1.2.840.113549.1.9.1', value: mail },
    ]);
  assert.equal(await outcome({ permitted: [gn.email('example.com')] }, [], subject('x@example.com')), 'ok');
  assert.equal(await outcome({ permitted: [gn.email('example.com')] }, [], subject('x@example.org')), NC);
  assert.equal(
    await outcome(
      { permitted: [gn.email('example.com')] },
      [gn.dns('example.org')],
      subject('x@example.org'),
    ),
    'ok',
  );
});

test('directoryName applies to the subject and to directoryName SAN entries', async () => {
  const ph = encodeName([{ type: OID.countryName, value: 'PH' }]);
  const inPh = encodeName([
    { type: OID.countryName, value: 'ph' },
    { type: OID.commonName, value: 'Juan' },
  ]);
  const inVn = encodeName([
    { type: OID.countryName, value: 'VN' },
    { type: OID.commonName, value: 'Minh' },
  ]);
  assert.equal(
    await outcome({ permitted: [gn.dir(ph)] }, [], inPh),
    'ok',
    'case-insensitive comparison (RFC 5280 §7.1)',
  );
  assert.equal(await outcome({ permitted: [gn.dir(ph)] }, [], inVn), NC);
  assert.equal(await outcome({ permitted: [gn.dir(ph)] }, [gn.dir(inVn)], inPh), NC);
  assert.equal(await outcome({ excluded: [gn.dir(ph)] }, [gn.dns('example.com')], inPh), NC);
});

test('URI: host and .domain forms; a URI without a host name cannot be judged', async () => {
  assert.equal(
    await outcome({ permitted: [gn.uri('.example.com')] }, [gn.uri('https://www.example.com/x')]),
    'ok',
  );
  assert.equal(
    await outcome({ permitted: [gn.uri('example.com')] }, [gn.uri('https://www.example.com/x')]),
    NC,
  );
  assert.equal(await outcome({ permitted: [gn.uri('example.com')] }, [gn.uri('urn:uuid:1234')]), NC);
});

test('malformed subtrees and names fail; unprocessable forms fail only when such a name is present', async () => {
  assert.equal(await outcome({ permitted: [gn.dns('*.example.com')] }, [gn.dns('a.example.com')]), NC);
  assert.equal(await outcome({ permitted: [gn.dns('.example.com')] }, [gn.dns('a.example.com')]), NC);
  assert.equal(
    await outcome({ permitted: [gn.ip([10, 0, 0, 0, 255, 0, 255, 0])] }, [gn.ip([10, 0, 0, 1])]),
    NC,
  );
  assert.equal(await outcome({ permitted: [gn.email('a@b@example.com')] }, [gn.email('a@example.com')]), NC);
  assert.equal(await outcome({ excluded: [gn.other('1.3.6.1.4.1.99999.1')] }, [gn.dns('example.com')]), 'ok');
  assert.equal(
    await outcome(
      { excluded: [gn.other('1.3.6.1.4.1.99999.1')] },
      [gn.other('1.3.6.1.4.1.99999.1')],
      cnName('x'),
    ),
    NC,
  );
});

test('self-issued intermediates are exempt; the end entity is not (RFC 5280 §6.1.3 (b))', async () => {
  const root = await issue({
    cn: 'NC Root',
    key: 'root',
    ca: {},
    extensions: [xt.nameConstraints({ permitted: [gn.dns('example.com')] })],
  });
  const ca = await issue({
    cn: 'CA',
    key: 'eid-ca',
    ca: {},
    issuer: root,
    extensions: [xt.san([gn.dns('ca.example.com')])],
  });
  const rollover = await issue({
    cn: 'CA',
    key: 'ocsp',
    ca: {},
    issuer: ca,
    subject: ca.subject,
    extensions: [xt.san([gn.dns('other.org')])],
  });
  const leaf = await issue({
    cn: 'leaf',
    key: 'citizen-a-sig',
    issuer: rollover,
    extensions: [xt.san([gn.dns('www.example.com')])],
  });
  validatePath({ target: leaf.der, intermediates: [ca.der, rollover.der], anchors: [root.der], time: NOW });
  assertPathError(
    () => validatePath({ target: rollover.der, intermediates: [ca.der], anchors: [root.der], time: NOW }),
    NC,
    /other\.org/,
  );
});

test('an end entity without dNSName entries: a host-name commonName is constrained', async () => {
  const host = encodeName([{ type: OID.commonName, value: 'www.example.org' }]);
  assert.equal(await outcome({ permitted: [gn.dns('example.com')] }, [], host), NC);
  const person = encodeName([{ type: OID.commonName, value: 'Maria Santos' }]);
  assert.equal(await outcome({ permitted: [gn.dns('example.com')] }, [], person), 'ok');
});

test('permitted subtrees of successive CAs intersect', async () => {
  const root = await issue({
    cn: 'Root',
    key: 'root',
    ca: {},
    extensions: [xt.nameConstraints({ permitted: [gn.dns('a.example.com'), gn.dns('b.example.com')] })],
  });
  const ca = await issue({
    cn: 'CA',
    key: 'eid-ca',
    ca: {},
    issuer: root,
    extensions: [xt.nameConstraints({ permitted: [gn.dns('b.example.com'), gn.dns('c.example.com')] })],
  });
  const mk = (key: 'citizen-a-sig' | 'citizen-b-sig' | 'citizen-c-sig', dns: string) =>
    issue({ cn: dns, key, issuer: ca, extensions: [xt.san([gn.dns(dns)])] });
  const run = (leaf: { der: Buffer }) =>
    validatePath({ target: leaf.der, intermediates: [ca.der], anchors: [root.der], time: NOW });
  run(await mk('citizen-a-sig', 'x.b.example.com'));
  const a = await mk('citizen-b-sig', 'x.a.example.com');
  assertPathError(() => run(a), NC);
  const c = await mk('citizen-c-sig', 'x.c.example.com');
  assertPathError(() => run(c), NC);
});
