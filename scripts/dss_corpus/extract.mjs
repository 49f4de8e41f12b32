#!/usr/bin/env node
/**
 * Builds test/conformance/dss-corpus/ from a checkout of the public esig/dss repository: every
 * concrete Java test class extending one of DSS's validation test bases (CAdES, PAdES, XAdES,
 * JAdES, ASiC with CAdES or XAdES) whose `getSignedDocument()` names one resource file gives one
 * manifest row: the file, the outcome the test asserts (number of signatures, signatures intact /
 * valid, signature level, simple-report indication), and the detached contents it supplies.
 * Defaults come from DSS's AbstractPkiFactoryTestValidation (every signature intact and valid, at
 * least one signature) unless the class or one of its parents overrides the check.
 *
 *   node scripts/dss_corpus/extract.mjs DSS_CHECKOUT [OUT_DIR]
 *
 * DSS_CHECKOUT is a work tree or a bare clone of github.com/esig/dss (read at HEAD). OUT_DIR
 * defaults to test/conformance/dss-corpus. Files over MAX_BYTES are left out.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAX_BYTES = 1024 * 1024;
const BASES = {
  AbstractCAdESTestValidation: 'cades',
  AbstractPAdESTestValidation: 'pades',
  AbstractXAdESTestValidation: 'xades',
  AbstractJAdESTestValidation: 'jades',
  AbstractASiCWithCAdESTestValidation: 'asic',
  AbstractASiCWithXAdESTestValidation: 'asic',
  AbstractOpenDocumentTestValidation: 'asic',
};

const [dss, outArg] = process.argv.slice(2);
if (!dss) {
  console.error('usage: extract.mjs DSS_CHECKOUT [OUT_DIR]');
  process.exit(2);
}
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const out = outArg ?? join(repoRoot, 'test', 'conformance', 'dss-corpus');
const git = (...args) =>
  execFileSync('git', ['-C', dss, ...args], { maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'ignore'] });
const bare = git('rev-parse', '--is-bare-repository').toString().trim() === 'true';
const commit = git('rev-parse', 'HEAD').toString().trim();

function listFiles() {
  if (bare) return git('ls-tree', '-r', '--name-only', 'HEAD').toString().split('\n').filter(Boolean);
  const files = [];
  const walk = (d) => {
    for (const e of readdirSync(join(dss, d), { withFileTypes: true })) {
      if (e.name === '.git') continue;
      const p = d ? `${d}/${e.name}` : e.name;
      if (e.isDirectory()) walk(p);
      else files.push(p);
    }
  };
  walk('');
  return files;
}

/** The bytes of a file at HEAD, or undefined when the snapshot lacks it. */
function read(path) {
  try {
    return bare ? git('show', `HEAD:${path}`) : readFileSync(join(dss, path));
  } catch {
    return undefined;
  }
}
function size(path) {
  try {
    return bare ? Number(git('cat-file', '-s', `HEAD:${path}`).toString()) : statSync(join(dss, path)).size;
  } catch {
    return undefined;
  }
}

/** The body of method `name` (from its opening brace to the matching one), with its line. */
function method(src, name) {
  const re = new RegExp(
    `\\b(?:protected|public)\\s+[\\w<>\\[\\], ?]+\\s+${name}\\s*\\(([^)]*)\\)[^{;]*\\{`,
    'g',
  );
  const m = re.exec(src);
  if (!m) return undefined;
  let depth = 1;
  let i = m.index + m[0].length;
  for (; i < src.length && depth > 0; i++) {
    if (src[i] === '{') depth++;
    else if (src[i] === '}') depth--;
  }
  return { body: src.slice(m.index + m[0].length, i - 1), line: src.slice(0, m.index).split('\n').length };
}

const files = listFiles();
const fileSet = new Set(files);
const classes = new Map();
for (const path of files.filter((f) => /^dss-[^/]+\/src\/test\/java\/.*\.java$/.test(f))) {
  const src = read(path)?.toString('utf8');
  if (!src) continue;
  const decl = /\b(abstract\s+)?class\s+(\w+)(?:<[^>]*>)?\s+extends\s+(\w+)/.exec(src);
  if (!decl) continue;
  classes.set(decl[2], { path, src, abstract: Boolean(decl[1]), parent: decl[3], name: decl[2] });
}

/** The chain of classes from `c` up to the DSS base, or undefined when it is not a validation test. */
function chain(c) {
  const list = [];
  for (let k = c; k; k = classes.get(k.parent)) {
    list.push(k);
    if (BASES[k.parent]) return { list, format: BASES[k.parent] };
    if (list.length > 8) break;
  }
  return undefined;
}
/** The nearest override of a method in the chain. */
function nearest(list, name) {
  for (const k of list) {
    const m = method(k.src, name);
    if (m) return { ...m, cls: k };
  }
  return undefined;
}

function resourcePath(module, literal) {
  const rel = literal.startsWith('src/test/resources/')
    ? `${module}/${literal}`
    : literal.startsWith('/')
      ? `${module}/src/test/resources${literal}`
      : `${module}/${literal}`;
  return rel.replace(/\/\.\//g, '/');
}

/** The documents a method body creates: only literal files and literal strings are understood. */
function documents(module, body) {
  const docs = [];
  const exprs = [];
  for (const m of body.matchAll(/new (?:FileDocument|InMemoryDocument|DigestDocument)\(/g)) {
    let depth = 1;
    let i = m.index + m[0].length;
    for (; i < body.length && depth > 0; i++) depth += body[i] === '(' ? 1 : body[i] === ')' ? -1 : 0;
    exprs.push(body.slice(m.index, i));
  }
  for (const e of exprs) {
    const file =
      /new FileDocument\((?:new File\()?"([^"]+)"/.exec(e) ?? /getResourceAsStream\("([^"]+)"\)/.exec(e);
    const text = /new InMemoryDocument\("([^"]*)"\.getBytes\(\)(?:,\s*"([^"]+)")?/.exec(e);
    if (file) docs.push({ origin: resourcePath(module, file[1]) });
    else if (text) docs.push({ text: text[1], name: text[2] });
    else return undefined;
  }
  return docs;
}

const uniq = (xs) => [...new Set(xs)];
function oneOf(values) {
  const u = uniq(values);
  return u.length === 1 ? u[0] : u.length === 0 ? undefined : null;
}

/** What a concrete class asserts. */
function mine(c) {
  const ch = chain(c);
  if (!ch || c.abstract) return { skip: 'not a concrete validation test' };
  const { list, format } = ch;
  const all = list.map((k) => k.src).join('\n');
  if (/@ParameterizedTest|@MethodSource/.test(all)) return { skip: 'parameterised test' };
  const module = c.path.split('/')[0];
  const signed = nearest(list, 'getSignedDocument');
  if (!signed) return { skip: 'no getSignedDocument' };
  const stmt = signed.body.trim();
  if (!/^return new (FileDocument|InMemoryDocument)\([^;]*\);$/s.test(stmt))
    return { skip: 'signed document is built, not a single resource file' };
  const docs = documents(module, stmt);
  if (!docs || docs.length !== 1 || !docs[0].origin) return { skip: 'signed document is not a literal file' };
  const origin = docs[0].origin;
  if (!fileSet.has(origin)) return { skip: 'resource not found' };
  let detached = [];
  const det = nearest(list, 'getDetachedContents');
  if (det) {
    const d = documents(module, det.body);
    if (!d || (d.length === 0 && !/return\s+(null|Collections\.emptyList\(\))/.test(det.body)))
      return { skip: 'detached contents not literal' };
    if (/\b[A-Z_]{3,}\b/.test(det.body.replace(/new \w+|Collections|Arrays|DigestAlgorithm/g, '')))
      return { skip: 'detached contents not literal' };
    detached = d;
  }
  const where = (m) => `${m.cls.path}:${m.line}`;
  const sources = [`${c.path}:${signed.line}`];

  // Number of signatures.
  let count = '>=1';
  const numM = nearest(list, 'checkNumberOfSignatures');
  const counts = [];
  for (const m of all.matchAll(
    /assertEquals\((\d+),\s*(?:diagnosticData\.getSignatures\(\)\.size\(\)|Utils\.collectionSize\(diagnosticData\.getSignatures\(\)\)|diagnosticData\.getSignatureIdList\(\)\.size\(\))\)/g,
  ))
    counts.push(m[1]);
  if (
    numM &&
    /isCollectionEmpty\(diagnosticData\.getSignatures\(\)\)|assertFalse\(Utils\.isCollectionNotEmpty\(diagnosticData\.getSignatures/.test(
      numM.body,
    )
  )
    counts.push('0');
  const n = oneOf(counts);
  if (n === null) count = '-';
  else if (n !== undefined) count = n;
  else if (numM) count = '-';
  if (numM) sources.push(where(numM));
  // A test whose validate() asserts that DSS throws: DSS refuses the document (no report at all).
  const vd = nearest(list, 'validate');
  const refused = vd !== undefined && /assertThrows\([^;]*validate/.test(vd.body);
  if (refused) {
    count = 'refused';
    sources.push(where(vd));
  }

  // Intact / valid.
  let intact = 'yes';
  let valid = 'yes';
  let scope = 'all';
  const bl = nearest(list, 'checkBLevelValid');
  if (bl) {
    sources.push(where(bl));
    // `super.checkBLevelValid(...)` runs the parent's override when one is in the chain (e.g. an
    // abstract test asserting that the first signature is not valid), else DSS's default.
    const bodies = [bl.body];
    let sup = false;
    for (let cur = bl; /super\.checkBLevelValid/.test(cur.body);) {
      const next = nearest(list.slice(list.indexOf(cur.cls) + 1), 'checkBLevelValid');
      if (!next) {
        sup = true;
        break;
      }
      sources.push(where(next));
      bodies.push(next.body);
      cur = next;
    }
    const body = bodies.join('\n');
    const flags = (re) => [...body.matchAll(re)].map((m) => (m[1] === 'True' ? 'yes' : 'no'));
    const i = flags(/assert(True|False)\(\s*\w+\.isSignatureIntact\(\)\s*\)/g);
    const v = [
      ...flags(/assert(True|False)\(\s*\w+\.isSignatureValid\(\)\s*\)/g),
      ...flags(
        /assert(True|False)\(\s*(?:diagnosticData\.isBLevelTechnicallyValid\([^)]*\)|\w+\.isBLevelTechnicallyValid\(\))\s*\)/g,
      ),
      ...flags(/assert(False)\(\s*\w+\.isDataIntact\(\)\s*\)/g),
      ...flags(/assert(False)\(\s*\w+\.isDataFound\(\)\s*\)/g),
    ];
    if (sup) {
      i.push('yes');
      v.push('yes');
    }
    const fi = oneOf(i);
    const fv = oneOf(v);
    intact = fi ?? '-';
    valid = fv ?? '-';
    if (intact === 'no' && valid === '-') valid = 'no';
    if (valid === 'yes' && intact === '-') intact = 'yes';
    if (!sup && !/for\s*\(\s*SignatureWrapper/.test(body)) scope = 'first';
    // A loop that checks only the counter-signatures (signatureWrapper.isCounterSignature()).
    if (!sup && /if\s*\(\s*\w+\.isCounterSignature\(\)\s*\)/.test(body)) scope = 'counter';
  }
  if (count === '0' || refused) {
    intact = '-';
    valid = '-';
  }

  // Level, where the test names it for the first signature.
  const lv = [
    ...all.matchAll(
      /assertEquals\(\s*SignatureLevel\.(\w+),\s*(?:diagnosticData\.getSignatureFormat\(diagnosticData\.getFirstSignatureId\(\)\)|diagnosticData\.getFirstSignatureFormat\(\)|simpleReport\.getSignatureFormat\(simpleReport\.getFirstSignatureId\(\)\))\s*\)/g,
    ),
  ].map((m) => m[1]);
  const level = refused ? '-' : (oneOf(lv) ?? '-');

  // Simple-report indication, only where the test keeps DSS's default set-up (no trust, now).
  let indication = '-';
  let sub = '-';
  const custom = [
    'getValidator',
    'getOfflineCertificateVerifier',
    'getCompleteCertificateVerifier',
    'validateDocument',
    'getTrustedCertificateSource',
  ].some((name) => nearest(list, name));
  // A validate() override that validates another document it builds (a new validator): its
  // assertions are not about this file.
  const ownText =
    vd && /SignedDocumentValidator\.fromDocument\(/.test(vd.body) ? all.replace(vd.body, '') : all;
  const ind = oneOf(
    [
      ...ownText.matchAll(
        /assertEquals\(\s*Indication\.(\w+),\s*simpleReport\.getIndication\(simpleReport\.getFirstSignatureId\(\)\)\)/g,
      ),
    ].map((m) => m[1]),
  );
  const subs = oneOf(
    [
      ...ownText.matchAll(
        /assertEquals\(\s*SubIndication\.(\w+),\s*simpleReport\.getSubIndication\(simpleReport\.getFirstSignatureId\(\)\)\)/g,
      ),
    ].map((m) => m[1]),
  );
  if (!custom && !refused && ind) {
    indication = ind;
    if (subs) sub = subs;
    const vr = nearest(list, 'verifySimpleReport');
    if (vr) sources.push(where(vr));
  }
  const notes = [];
  if (refused) notes.push('the test asserts that DSS refuses the document (validate() throws)');
  if (custom) notes.push('test customises the validator (trust/time/policy): indication not compared');
  if (all.includes('setValidationTime')) notes.push('validation time pinned in the test');
  return {
    format,
    origin,
    detached,
    count,
    intact,
    valid,
    scope,
    level,
    indication,
    sub,
    sources: uniq(sources),
    notes,
  };
}

const rows = [];
const skipped = new Map();
for (const c of [...classes.values()].sort((a, b) => a.path.localeCompare(b.path))) {
  if (c.abstract || !chain(c)) continue;
  const r = mine(c);
  if (r.skip) {
    skipped.set(r.skip, (skipped.get(r.skip) ?? 0) + 1);
    continue;
  }
  const bytes = size(r.origin);
  const detSizes = r.detached.map((d) => (d.origin ? size(d.origin) : d.text.length));
  if (bytes === undefined || detSizes.some((s) => s === undefined)) {
    skipped.set('file missing from the snapshot', (skipped.get('file missing from the snapshot') ?? 0) + 1);
    continue;
  }
  if (bytes + detSizes.reduce((a, b) => a + b, 0) > MAX_BYTES) {
    skipped.set('file over 1 MB', (skipped.get('file over 1 MB') ?? 0) + 1);
    continue;
  }
  rows.push({ ...r, cls: c.path });
}

// One row per signed file: the class that asserts most (then the first by path).
const weight = (r) =>
  [
    r.count !== '>=1' && r.count !== '-',
    r.intact !== '-',
    r.valid !== '-',
    r.level !== '-',
    r.indication !== '-',
  ].filter(Boolean).length;
const byFile = new Map();
for (const r of rows) {
  const key = r.origin;
  const cur = byFile.get(key);
  if (!cur) byFile.set(key, r);
  else {
    skipped.set(
      'same file already taken from another test',
      (skipped.get('same file already taken from another test') ?? 0) + 1,
    );
    if (weight(r) > weight(cur)) byFile.set(key, r);
  }
}

if (existsSync(out))
  for (const f of ['cades', 'pades', 'xades', 'jades', 'asic'])
    rmSync(join(out, f), { recursive: true, force: true });
const used = new Set();
function place(format, origin, sub = '') {
  const parts = origin.split('/');
  let name = parts.at(-1);
  for (let k = parts.length - 2; used.has(`${format}/${sub}${name}`) && k > 0; k--)
    name = `${parts[k]}_${name}`;
  const path = `${format}/${sub}${name}`;
  used.add(path);
  mkdirSync(join(out, format, sub), { recursive: true });
  writeFileSync(join(out, path), read(origin));
  return path;
}
const header = [
  'file',
  'format',
  'origin',
  'source_test',
  'signatures',
  'intact',
  'valid',
  'scope',
  'level',
  'indication',
  'subindication',
  'detached',
  'validation_time',
  'note',
];
const lines = [header.join('\t')];
const chosen = [...byFile.values()].sort(
  (a, b) => a.format.localeCompare(b.format) || a.origin.localeCompare(b.origin),
);
for (const r of chosen) {
  const file = place(r.format, r.origin);
  const det = r.detached.map((d) => {
    if (d.origin) return `${place(r.format, d.origin, 'detached/')}${`=${basename(d.origin)}`}`;
    return `text:${JSON.stringify(d.text)}${d.name ? `=${d.name}` : ''}`;
  });
  lines.push(
    [
      file,
      r.format,
      r.origin,
      r.sources.join(' '),
      r.count,
      r.intact,
      r.valid,
      r.scope,
      r.level,
      r.indication,
      r.sub,
      det.length ? det.join(' ') : '-',
      '-',
      r.notes.join('; ') || '-',
    ].join('\t'),
  );
}
// Certificates the harness supplies where a test configures a signing-certificate source
// (SIGNING_CERTIFICATE_SOURCES in test/conformance/dss-corpus.test.ts).
const SUPPORT = [['dss-cades/src/test/resources/validation/signCert.cer', 'cades/certs/signCert.cer']];
for (const [origin, path] of SUPPORT) {
  mkdirSync(dirname(join(out, path)), { recursive: true });
  writeFileSync(join(out, path), read(origin));
}
writeFileSync(join(out, 'MANIFEST.tsv'), `${lines.join('\n')}\n`);
const perFormat = {};
for (const r of chosen) perFormat[r.format] = (perFormat[r.format] ?? 0) + 1;
console.log(
  JSON.stringify(
    {
      commit,
      rows: chosen.length,
      perFormat,
      skipped: Object.fromEntries(skipped),
      out: relative(process.cwd(), out),
    },
    null,
    2,
  ),
);
