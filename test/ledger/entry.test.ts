import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { canonicalJson } from '../../src/ledger/entry_canonical.js';
import { MAX_ENTRY_BYTES, decodeEntry, encodeEntry, lookupKeyOf } from '../../src/ledger/entry.js';
import type { LedgerEntry } from '../../src/ledger/entry.js';
import { LedgerEntryError } from '../../src/ledger/entry_errors.js';
import {
  certificateFacts,
  eidCertificateEntry,
  serviceCertificateEntry,
} from '../../src/ledger/entry_certificate.js';
import { parseCertificate } from '../../src/x509/certificate_info.js';
import { FIXED_NOW, makeTestNode } from '../fixtures/node.js';

const T = '2026-03-02T09:30:00.000Z';
const H1 = 'a'.repeat(64);
const H2 = '0123456789abcdef'.repeat(4);
const CERT = {
  sha256: H1,
  serial: '4f2a',
  issuer: 'CN=PH eID Issuing CA, O=Republic of the Philippines Test Agency, C=PH',
  profile: 'signature',
  notBefore: T,
  notAfter: '2031-03-02T09:30:00.000Z',
};
const CERT_JSON =
  `"issuer":"CN=PH eID Issuing CA, O=Republic of the Philippines Test Agency, C=PH",` +
  `"notAfter":"2031-03-02T09:30:00.000Z","notBefore":"${T}","profile":"signature","serial":"4f2a","sha256":"${H1}"`;

/** One entry of every type with the exact bytes it must encode to (golden). */
const GOLDEN: [LedgerEntry, string][] = [
  [
    { v: 1, type: 'eid-cert-issued', time: T, ...CERT },
    `{${CERT_JSON},"time":"${T}","type":"eid-cert-issued","v":1}`,
  ],
  [
    { v: 1, type: 'eid-cert-suspended', time: T, ...CERT },
    `{${CERT_JSON},"time":"${T}","type":"eid-cert-suspended","v":1}`,
  ],
  [
    { v: 1, type: 'eid-cert-resumed', time: T, ...CERT },
    `{${CERT_JSON},"time":"${T}","type":"eid-cert-resumed","v":1}`,
  ],
  [
    { v: 1, type: 'eid-cert-revoked', time: T, ...CERT, reason: 'keyCompromise' },
    `{${CERT_JSON.replace(',"serial"', ',"reason":"keyCompromise","serial"')},"time":"${T}","type":"eid-cert-revoked","v":1}`,
  ],
  [
    { v: 1, type: 'eid-cert-renewed', time: T, ...CERT, replaces: [{ sha256: H2, serial: '11' }] },
    `{${CERT_JSON.replace(',"serial"', `,"replaces":[{"serial":"11","sha256":"${H2}"}],"serial"`)},"time":"${T}","type":"eid-cert-renewed","v":1}`,
  ],
  [
    { v: 1, type: 'ca-cert', time: T, ...CERT, profile: 'eid-ca', subject: 'CN=PH eID Issuing CA, C=PH' },
    `{${CERT_JSON.replace('"signature"', '"eid-ca"').replace(',"time"', '')},"subject":"CN=PH eID Issuing CA, C=PH","time":"${T}","type":"ca-cert","v":1}`,
  ],
  [
    {
      v: 1,
      type: 'trust-list',
      time: T,
      sha256: H1,
      territory: 'PH',
      sequence: 7,
      issued: '2026-03-02T09:30:00.000Z',
      nextUpdate: '2026-08-29T09:30:00.000Z',
    },
    `{"issued":"${T}","nextUpdate":"2026-08-29T09:30:00.000Z","sequence":7,"sha256":"${H1}","territory":"PH","time":"${T}","type":"trust-list","v":1}`,
  ],
  [
    {
      v: 1,
      type: 'hub-member',
      time: T,
      country: 'PH',
      action: 'add',
      status: 'active',
      trustListUrl: 'http://127.0.0.1:8080/trustlist.xml',
      signers: [H2, H1],
    },
    `{"action":"add","country":"PH","signers":["${H2}","${H1}"],"status":"active","time":"${T}","trustListUrl":"http://127.0.0.1:8080/trustlist.xml","type":"hub-member","v":1}`,
  ],
  [
    { v: 1, type: 'login-key', time: T, action: 'add', kid: 'q'.repeat(43), alg: 'ES256' },
    `{"action":"add","alg":"ES256","kid":"${'q'.repeat(43)}","time":"${T}","type":"login-key","v":1}`,
  ],
  [
    { v: 1, type: 'notarised-digest', time: T, alg: 'sha-256', digest: H2, party: 'PH:ministry-of-trade' },
    `{"alg":"sha-256","digest":"${H2}","party":"PH:ministry-of-trade","time":"${T}","type":"notarised-digest","v":1}`,
  ],
];

function refused(fn: () => unknown, code: string, message?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof LedgerEntryError, `a LedgerEntryError, got ${String(e)}`);
    assert.equal(e.code, code);
    if (message) assert.match(e.message, message);
    return true;
  });
}

test('every entry type encodes to its golden bytes and decodes back to the same entry', () => {
  for (const [entry, golden] of GOLDEN) {
    const bytes = encodeEntry(entry);
    assert.equal(bytes.toString('utf8'), golden, entry.type);
    assert.deepEqual(decodeEntry(Buffer.from(golden)), entry, entry.type);
  }
  const hashes = GOLDEN.map(([e]) => createHash('sha256').update(encodeEntry(e)).digest('hex'));
  assert.equal(new Set(hashes).size, GOLDEN.length);
});

test('canonical JSON is RFC 8785 for its values: sorted members, raw UTF-8, JSON escapes', () => {
  assert.equal(
    canonicalJson({ b: [1, 'x'], a: { d: 0, c: '' } }).toString(),
    '{"a":{"c":"","d":0},"b":[1,"x"]}',
  );
  // RFC 8785 §3.2.3 orders by UTF-16 code units: "\u20ac" (euro) sorts before "\ud83d\ude00" (emoji).
  assert.equal(
    canonicalJson({ '\ud83d\ude00': 1, '\u20ac': 2, '\r': 3, 1: 4 }).toString(),
    '{"\\r":3,"1":4,"\u20ac":2,"\ud83d\ude00":1}',
  );
  assert.equal(canonicalJson('Ñ"\\').toString('hex'), Buffer.from('"Ñ\\"\\\\"').toString('hex'));
  for (const bad of [1.5, -1, 2 ** 53, true, null, undefined, '\ud800', { x: undefined }, new Date(0)]) {
    refused(() => canonicalJson(bad), 'LEDGER_ENTRY_MALFORMED');
  }
});

test('the lookup key is the certificate, list or document hash; none for a membership change', () => {
  const keys = GOLDEN.map(([e]) => lookupKeyOf(e));
  assert.deepEqual(keys.slice(0, 7), Array(7).fill(H1));
  assert.equal(keys[7], undefined);
  assert.equal(keys[8], Buffer.from('q'.repeat(43), 'base64url').toString('hex'));
  assert.equal(keys[8]!.length, 64);
  assert.equal(keys[9], H2);
});

test('the decoder refuses every other spelling and every member not of the type', () => {
  const golden = GOLDEN[0]![1];
  const cases: [string | Buffer, string, RegExp?][] = [
    [golden.replace('{', '{ '), 'LEDGER_ENTRY_MALFORMED', /canonical/],
    [golden + '\n', 'LEDGER_ENTRY_MALFORMED', /canonical/],
    [Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(golden)]), 'LEDGER_ENTRY_MALFORMED'],
    [golden.replace('"v":1', '"v":1.0'), 'LEDGER_ENTRY_MALFORMED', /canonical/],
    [golden.replace('"issuer"', '"v":1,"issuer"'), 'LEDGER_ENTRY_MALFORMED', /canonical/],
    [golden.replace('"v":1', '"v":2'), 'LEDGER_ENTRY_UNSUPPORTED', /version 2/],
    [golden.replace('"v":1', '"v":"1"'), 'LEDGER_ENTRY_MALFORMED'],
    [golden.replace(',"v":1', ''), 'LEDGER_ENTRY_MALFORMED', /version/],
    [golden.replace('eid-cert-issued', 'eid-cert-lost'), 'LEDGER_ENTRY_UNSUPPORTED', /eid-cert-lost/],
    [
      golden.replace('"time"', '"subject":"CN=Maria Santos","time"'),
      'LEDGER_ENTRY_MALFORMED',
      /no member "subject"/,
    ],
    [
      golden.replace('"issuer"', '"holder":"492817365021","issuer"'),
      'LEDGER_ENTRY_MALFORMED',
      /no member "holder"/,
    ],
    [golden.replace(`"sha256":"${H1}",`, ''), 'LEDGER_ENTRY_MALFORMED', /lacks the member sha256/],
    [golden.replace(H1, H1.toUpperCase()), 'LEDGER_ENTRY_MALFORMED', /sha256/],
    [golden.replace(`"time":"${T}"`, '"time":"2026-03-02T09:30:00Z"'), 'LEDGER_ENTRY_MALFORMED', /time/],
    [golden.replace(`"time":"${T}"`, '"time":"2026-02-30T09:30:00.000Z"'), 'LEDGER_ENTRY_MALFORMED', /time/],
    [Buffer.from([0x7b, 0xff, 0x7d]), 'LEDGER_ENTRY_MALFORMED', /UTF-8/],
    ['[]', 'LEDGER_ENTRY_MALFORMED'],
    ['', 'LEDGER_ENTRY_MALFORMED'],
    [Buffer.alloc(MAX_ENTRY_BYTES + 1, 0x20), 'LEDGER_ENTRY_TOO_LARGE'],
  ];
  for (const [input, code, message] of cases) {
    refused(() => decodeEntry(typeof input === 'string' ? Buffer.from(input) : input), code, message);
  }
});

test('the encoder checks each type: reasons, digests, membership additions, closed member sets', () => {
  const base = { v: 1 as const, time: T };
  const bad: unknown[] = [
    { ...base, type: 'eid-cert-revoked', ...CERT, reason: 'certificateHold' },
    { ...base, type: 'eid-cert-revoked', ...CERT },
    {
      ...base,
      type: 'eid-cert-renewed',
      ...CERT,
      replaces: [
        { sha256: H1, serial: '11' },
        { sha256: H2, serial: '12' },
      ],
    },
    {
      ...base,
      type: 'eid-cert-issued',
      ...CERT,
      subject: 'CN=Maria Santos, serialNumber=PNOPH-492817365021',
    },
    { ...base, type: 'notarised-digest', alg: 'sha-384', digest: H1 },
    { ...base, type: 'notarised-digest', alg: 'md5', digest: H1 },
    { ...base, type: 'notarised-digest', alg: 'sha-256', digest: H1, party: 'has space' },
    { ...base, type: 'hub-member', country: 'PH', action: 'add', status: 'active' },
    { ...base, type: 'hub-member', country: 'PH', action: 'suspend', status: 'suspended', signers: [H1] },
    {
      ...base,
      type: 'hub-member',
      country: 'PH',
      action: 'add',
      status: 'active',
      trustListUrl: 'http://x/',
      signers: [H1, H1],
    },
    { ...base, type: 'login-key', action: 'add', kid: 'short', alg: 'ES256' },
    { ...base, type: 'trust-list', sha256: H1, territory: 'PH', sequence: 0, issued: T, nextUpdate: T },
    { ...base, type: 'ca-cert', ...CERT, subject: 'CN=Root\nC=PH' },
    { ...base, type: 'ca-cert', ...CERT, subject: 'CN=Root', profile: 'Root CA' },
  ];
  for (const e of bad) refused(() => encodeEntry(e as LedgerEntry), 'LEDGER_ENTRY_MALFORMED');
  refused(() => encodeEntry({ ...base, type: 'x' } as unknown as LedgerEntry), 'LEDGER_ENTRY_UNSUPPORTED');
});

test('entries stop under 64 KiB: 65,535 bytes encode, 65,536 are refused with LEDGER_ENTRY_TOO_LARGE', () => {
  const at = (n: number): LedgerEntry => ({
    v: 1,
    type: 'ca-cert',
    time: T,
    ...CERT,
    subject: 'C'.repeat(n),
  });
  const overhead = encodeEntry(at(1)).length - 1;
  const largest = encodeEntry(at(MAX_ENTRY_BYTES - overhead));
  assert.equal(largest.length, 65_535);
  assert.deepEqual(decodeEntry(largest), at(MAX_ENTRY_BYTES - overhead));
  refused(() => encodeEntry(at(MAX_ENTRY_BYTES - overhead + 1)), 'LEDGER_ENTRY_TOO_LARGE', /65536 bytes/);
});

test('certificate entries take every fact from the DER, and a citizen entry has no subject', async () => {
  const node = await makeTestNode();
  try {
    const ca = node.eidCa.certificate;
    const facts = certificateFacts(ca.der, 'eid-ca');
    assert.deepEqual(facts, {
      sha256: createHash('sha256').update(ca.der).digest('hex'),
      serial: ca.serial,
      issuer: node.root.certificate.subject,
      profile: 'eid-ca',
      notBefore: ca.notBefore.toISOString(),
      notAfter: ca.notAfter.toISOString(),
    });
    const service = serviceCertificateEntry(ca.der, 'eid-ca', FIXED_NOW)!;
    assert.equal(service.type, 'ca-cert');
    assert.equal(service.subject, ca.subject);
    assert.equal(serviceCertificateEntry(ca.der, 'signature', FIXED_NOW), undefined);
    assert.equal(serviceCertificateEntry(node.ocsp.certificate.der, 'ocsp', FIXED_NOW)!.type, 'ocsp-cert');
    const e = eidCertificateEntry(
      ca.der,
      'signature',
      { type: 'eid-cert-revoked', reason: 'superseded' },
      FIXED_NOW,
    );
    assert.deepEqual(Object.keys(e).sort(), [...Object.keys(CERT), 'reason', 'time', 'type', 'v'].sort());
    assert.equal(parseCertificate(ca.der).serial, e.serial);
  } finally {
    await node.close();
  }
});
