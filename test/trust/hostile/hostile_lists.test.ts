/**
 * Hostile and broken lists (issue 4 part 6): each is refused with a stable code, the previous
 * good version stays in use, and nothing throws out of the store. Generated lists on fixed keys,
 * plus the broken lists of the DSS corpus.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { httpTrustListFetcher } from '../../../src/trust/store/http_fetcher.js';
import { TrustStore } from '../../../src/trust/store/trust_store.js';
import { readTrustedList } from '../../../src/trust/store/verify_list.js';
import { REPO_ROOT } from '../../fixtures/cli.js';
import { trustPki } from '../store/fixtures.js';
import type { TrustPki } from '../store/fixtures.js';
import { LOTL_URL, PH_URL, phSpec, serveFederation } from '../store/fixtures.js';
import { signedList, trustListXml } from '../store/fixtures.js';

const NOW = new Date('2026-03-01T00:00:00Z');
const DSS = join(REPO_ROOT, '..', 'shared', 'corpus', 'dss');
let pki: TrustPki;
let good: Buffer;

before(async () => {
  pki = await trustPki();
  good = await signedList(phSpec(pki, 1), pki.phSigner);
});

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    return (e as { code?: string }).code;
  }
}

const read = (xml: Buffer | string): string | undefined =>
  codeOf(() => readTrustedList(Buffer.from(xml), [pki.phSigner.der]));

/** The signed text with `from` replaced by `to` (first occurrence). */
function edit(xml: Buffer, from: string, to: string): Buffer {
  const s = xml.toString('utf8');
  assert.ok(s.includes(from), `the list contains ${from}`);
  return Buffer.from(s.replace(from, to), 'utf8');
}

const HOSTILE: [string, () => Buffer | string, string][] = [
  [
    'a signed value changed (granted → withdrawn)',
    () => edit(good, '/Svcstatus/granted', '/Svcstatus/withdrawn'),
    'TRUST_LIST_SIGNATURE_INVALID',
  ],
  [
    'the signature value changed',
    () =>
      edit(good, '<ds:SignatureValue Id="value-sig-PH-1">', '<ds:SignatureValue Id="value-sig-PH-1">AAAA'),
    'TRUST_LIST_SIGNATURE_INVALID',
  ],
  ['no signature', () => trustListXml(phSpec(pki, 1)), 'TRUST_LIST_SIGNATURE_INVALID'],
  [
    'a second Signature element',
    () => {
      const s = good.toString('utf8');
      const sig = s.slice(s.indexOf('<ds:Signature '), s.indexOf('</ds:Signature>') + 15);
      return s.replace(
        '</TrustServiceStatusList>',
        `${sig.replace(/Id="/g, 'Id="copy-')}</TrustServiceStatusList>`,
      );
    },
    'TRUST_LIST_SIGNATURE_INVALID',
  ],
  [
    'a duplicated Id (a forged SignedProperties target)',
    () => edit(good, '<SchemeInformation>', '<SchemeInformation><SchemeExtensions Id="xades-sig-PH-1"/>'),
    'TRUST_LIST_SIGNATURE_INVALID',
  ],
  [
    'the signed list moved inside a forged one (wrapping)',
    () => {
      const inner = good.toString('utf8').replace(/^<\?xml[^>]*\?>/, '');
      const forged = trustListXml(phSpec(pki, 9)).replace(
        '</SchemeInformation>',
        `<SchemeExtensions><Extension Critical="false">${inner}</Extension></SchemeExtensions></SchemeInformation>`,
      );
      return forged;
    },
    'TRUST_LIST_SIGNATURE_INVALID',
  ],
  [
    'the signature moved out of the root (wrapping)',
    () => {
      const s = good.toString('utf8');
      const sig = s.slice(s.indexOf('<ds:Signature '), s.indexOf('</ds:Signature>') + 15);
      return s.replace(sig, '').replace('<SchemeInformation>', `<SchemeInformation>${sig}`);
    },
    'TRUST_LIST_SIGNATURE_INVALID',
  ],
  [
    'an external entity (XXE)',
    () =>
      `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>${good
        .toString('utf8')
        .replace(/^<\?xml[^>]*\?>/, '')
        .replace('PH scheme operator', '&e;')}`,
    'TRUST_LIST_MALFORMED',
  ],
  [
    'entity expansion (billion laughs)',
    () =>
      `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><x>&c;</x>`,
    'TRUST_LIST_MALFORMED',
  ],
  ['a truncated download', () => good.subarray(0, Math.floor(good.length / 2)), 'TRUST_LIST_MALFORMED'],
  ['an empty body', () => Buffer.alloc(0), 'TRUST_LIST_MALFORMED'],
  ['not XML at all', () => Buffer.from('%PDF-1.7\n'), 'TRUST_LIST_MALFORMED'],
];

describe('hostile lists are refused with a stable code', () => {
  it('the good list reads', () => {
    assert.equal(read(good), undefined);
  });

  for (const [name, make, code] of HOSTILE) {
    it(`${name} → ${code}`, () => {
      assert.equal(read(make()), code);
    });
  }

  it('a list signed by an unpinned key → TRUST_LIST_SIGNER_UNTRUSTED', async () => {
    assert.equal(read(await signedList(phSpec(pki, 1), pki.rogue)), 'TRUST_LIST_SIGNER_UNTRUSTED');
  });

  it('a comment inside signed text is not digested (exc-c14n) and does not change what is read', () => {
    const commented = edit(good, 'Svcstatus/granted', 'Svcstatus/gran<!-- withdrawn -->ted');
    const { list } = readTrustedList(commented, [pki.phSigner.der]);
    assert.match(list.providers[0]!.services[0]!.current.status, /\/Svcstatus\/granted$/);
    const seq = edit(good, '<TSLSequenceNumber>1', '<TSLSequenceNumber><!--9-->1');
    assert.equal(readTrustedList(seq, [pki.phSigner.der]).list.sequenceNumber, 1);
  });
});

describe('the store keeps the last good version through every hostile download', () => {
  it('serves each hostile version in turn after a good one: refused, sequence 2 kept, no throw', async () => {
    const served = await serveFederation(pki);
    served.lists.set(PH_URL, await signedList(phSpec(pki, 2), pki.phSigner));
    const store = new TrustStore([{ url: LOTL_URL, signers: [pki.lotlSigner.der] }], {
      fetcher: served.fetcher,
      clock: () => NOW,
    });
    await store.refresh();
    const cases: [Buffer | string, string][] = [
      ...HOSTILE.map(([, make, code]) => [make(), code] as [Buffer | string, string]),
      [await signedList(phSpec(pki, 3), pki.rogue), 'TRUST_LIST_SIGNER_UNTRUSTED'],
      [good, 'TRUST_LIST_ROLLBACK'],
    ];
    for (const [bytes, code] of cases) {
      served.lists.set(PH_URL, Buffer.from(bytes));
      const ph = (await store.refresh()).find((l) => l.url === PH_URL)!;
      assert.equal(ph.problem?.code, code);
      assert.equal(ph.sequenceNumber, 2);
      assert.ok(ph.used);
    }
  });

  it('over HTTP: a body shorter than its Content-Length is TRUST_LIST_UNAVAILABLE, an oversize one too', async () => {
    const server = createServer((req, res) => {
      if (req.url === '/short') {
        res.writeHead(200, { 'content-length': String(good.length) });
        res.write(good.subarray(0, 100));
        setTimeout(() => res.socket?.destroy(), 20);
      } else if (req.url === '/etag') {
        if (req.headers['if-none-match'] === '"v1"') res.writeHead(304, { etag: '"v1"' }).end();
        else res.writeHead(200, { etag: '"v1"' }).end(good);
      } else res.writeHead(200).end(Buffer.alloc(4096, 0x20));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const fetcher = httpTrustListFetcher({ timeoutMs: 2000, maxBytes: 1024 });
      const roots = (path: string): TrustStore =>
        new TrustStore([{ url: `${base}${path}`, signers: [pki.phSigner.der] }], {
          fetcher,
          clock: () => NOW,
        });
      const short = roots('/short');
      assert.equal((await short.refresh())[0]!.problem?.code, 'TRUST_LIST_UNAVAILABLE');
      const big = roots('/big');
      assert.equal((await big.refresh())[0]!.problem?.code, 'TRUST_LIST_UNAVAILABLE');
      const etag = new TrustStore([{ url: `${base}/etag`, signers: [pki.phSigner.der] }], {
        fetcher: httpTrustListFetcher(),
        clock: () => NOW,
      });
      const first = (await etag.refresh())[0]!;
      const second = (await etag.refresh())[0]!;
      assert.deepEqual(
        [first.sequenceNumber, first.problem, second.sequenceNumber, second.problem],
        [1, undefined, 1, undefined],
      );
    } finally {
      server.close();
    }
  });
});

describe('the broken lists of the DSS corpus', () => {
  const corpus = (f: string): Buffer => readFileSync(join(DSS, f));
  const cases: [string, string, string][] = [
    ['tl/eu-lotl_broken-sig.xml', 'anchors/lotl-signer_Patrick-Kremer.cer', 'TRUST_LIST_SIGNATURE_INVALID'],
    ['tl/CZ_broken-sig.xml', 'anchors/cz-tl-signer.cer', 'TRUST_LIST_SIGNATURE_INVALID'],
    ['tl/CZ_not-compliant.xml', 'anchors/cz-tl-signer.cer', 'TRUST_LIST_SIGNATURE_INVALID'],
    ['tl/CZ_no-sig.xml', 'anchors/cz-tl-signer.cer', 'TRUST_LIST_SIGNATURE_INVALID'],
    ['tl/CZ_two-sigs.xml', 'anchors/cz-tl-signer.cer', 'TRUST_LIST_SIGNATURE_INVALID'],
    ['tl/CZ.xml', 'anchors/lotl-signer_Patrick-Kremer.cer', 'TRUST_LIST_SIGNER_UNTRUSTED'],
    ['tl/dk_tl-sn21.xml', 'anchors/cz-tl-signer.cer', 'TRUST_LIST_SIGNER_UNTRUSTED'],
  ];
  for (const [file, anchor, code] of cases) {
    it(`${file} with ${anchor} → ${code}`, () => {
      assert.equal(
        codeOf(() => readTrustedList(corpus(file), [corpus(anchor)])),
        code,
      );
    });
  }
});
