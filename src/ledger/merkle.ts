/**
 * RFC 9162 Merkle tree proofs: which subtree hashes make an inclusion proof (§2.1.3.1) or a
 * consistency proof (§2.1.4.1), computed from any {@link HashReader} (tiles, memory), and the
 * verification algorithms of §2.1.3.2 and §2.1.4.2. Sizes and indexes are JavaScript numbers
 * (exact up to 2^53 - 1); no 32-bit bit operations are used.
 */
import { LedgerError } from './errors.js';
import { EMPTY_ROOT, HASH_SIZE, foldRight, nodeHash } from './hash.js';

/** A perfect subtree: `2^height` leaves starting at leaf `index * 2^height`. */
export interface NodeId {
  readonly height: number;
  readonly index: number;
}

/**
 * Where a tree's stored hashes come from. `readHashes` answers the hash of each perfect subtree
 * asked for, in order; a tile-backed reader fetches the tiles it needs in parallel.
 */
export interface HashReader {
  readHashes(ids: readonly NodeId[]): Promise<Buffer[]>;
}

/** One proof element: the perfect subtrees (left to right) whose fold is the element's hash. */
export type ProofElement = readonly NodeId[];

/** The largest power of two strictly below `n` (n ≥ 2). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * The perfect subtrees that make up leaves `[lo, hi)`, left to right, when `lo` is a multiple of
 * a power of two at least `hi - lo` (always so inside RFC 9162's recursion, and for `lo = 0`).
 *
 * @param lo - first leaf
 * @param hi - one past the last leaf
 */
export function rangeNodes(lo: number, hi: number): NodeId[] {
  const out: NodeId[] = [];
  while (lo < hi) {
    let size = 1;
    let height = 0;
    while (size * 2 <= hi - lo && lo % (size * 2) === 0) {
      size *= 2;
      height++;
    }
    out.push({ height, index: lo / size });
    lo += size;
  }
  return out;
}

function checkSize(size: number, what: string): void {
  if (!Number.isSafeInteger(size) || size < 0)
    throw new LedgerError('LEDGER_SIZE_INVALID', `${what} ${size}`);
}

/**
 * The elements of the RFC 9162 inclusion proof of leaf `index` in a tree of `size`, leaf side
 * first.
 *
 * @param index - the leaf
 * @param size - the tree size (> index)
 * @throws LedgerError LEDGER_SIZE_INVALID
 */
export function inclusionProofNodes(index: number, size: number): ProofElement[] {
  checkSize(index, 'index');
  checkSize(size, 'size');
  if (index >= size) throw new LedgerError('LEDGER_SIZE_INVALID', `index ${index} is not below size ${size}`);
  const out: ProofElement[] = [];
  let lo = 0;
  let hi = size;
  const path: ProofElement[] = [];
  while (hi - lo > 1) {
    const k = splitPoint(hi - lo);
    if (index < lo + k) {
      path.push(rangeNodes(lo + k, hi));
      hi = lo + k;
    } else {
      path.push(rangeNodes(lo, lo + k));
      lo = lo + k;
    }
  }
  for (let i = path.length - 1; i >= 0; i--) out.push(path[i]!);
  return out;
}

/**
 * The elements of the RFC 9162 consistency proof from tree size `m` to `n` (0 < m ≤ n; empty
 * when m = n).
 *
 * @param m - the older size
 * @param n - the newer size
 * @throws LedgerError LEDGER_SIZE_INVALID
 */
export function consistencyProofNodes(m: number, n: number): ProofElement[] {
  checkSize(m, 'size');
  checkSize(n, 'size');
  if (m < 1 || m > n) throw new LedgerError('LEDGER_SIZE_INVALID', `no consistency proof from ${m} to ${n}`);
  const path: ProofElement[] = [];
  let lo = 0;
  let hi = n;
  let b = true;
  // SUBPROOF(m, D[lo:hi], b), iteratively; the elements are appended after the recursion.
  for (;;) {
    const span = hi - lo;
    if (m === span) {
      if (!b) path.push(rangeNodes(lo, hi));
      break;
    }
    const k = splitPoint(span);
    if (m <= k) {
      path.push(rangeNodes(lo + k, hi));
      hi = lo + k;
    } else {
      path.push(rangeNodes(lo, lo + k));
      m -= k;
      lo += k;
      b = false;
    }
  }
  return path.reverse();
}

/**
 * Resolves proof elements (or any lists of perfect subtrees) to hashes through a reader, in one
 * `readHashes` call.
 *
 * @param reader - the hash source
 * @param elements - the elements
 */
export async function resolveElements(
  reader: HashReader,
  elements: readonly ProofElement[],
): Promise<Buffer[]> {
  const ids = elements.flat();
  const hashes = ids.length === 0 ? [] : await reader.readHashes(ids);
  const out: Buffer[] = [];
  let at = 0;
  for (const e of elements) {
    out.push(foldRight(hashes.slice(at, at + e.length)));
    at += e.length;
  }
  return out;
}

/**
 * The inclusion proof of leaf `index` in the tree of `size` read through `reader`.
 *
 * @param reader - the hash source
 * @param index - the leaf
 * @param size - the tree size
 */
export async function proveInclusion(reader: HashReader, index: number, size: number): Promise<Buffer[]> {
  return resolveElements(reader, inclusionProofNodes(index, size));
}

/**
 * The consistency proof from size `m` to size `n` read through `reader`.
 *
 * @param reader - the hash source
 * @param m - the older size
 * @param n - the newer size
 */
export async function proveConsistency(reader: HashReader, m: number, n: number): Promise<Buffer[]> {
  return resolveElements(reader, consistencyProofNodes(m, n));
}

/**
 * The root of the tree of `size` read through `reader` (the empty root for size 0).
 *
 * @param reader - the hash source
 * @param size - the tree size
 */
export async function treeRoot(reader: HashReader, size: number): Promise<Buffer> {
  if (size === 0) return Buffer.from(EMPTY_ROOT);
  const [root] = await resolveElements(reader, [rangeNodes(0, size)]);
  return root!;
}

function isHash(h: Uint8Array): boolean {
  return h.length === HASH_SIZE;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.length).equals(b);
}

/** `x` halved, rounding down (no 32-bit truncation). */
function half(x: number): number {
  return Math.floor(x / 2);
}

/**
 * The root an RFC 9162 §2.1.3.2 inclusion proof leads to, or undefined when the proof has the
 * wrong shape (length, hash sizes, index beyond size).
 */
function inclusionRoot(
  index: number,
  size: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
): Buffer | undefined {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size)
    return undefined;
  if (!isHash(leaf) || !proof.every(isHash)) return undefined;
  let fn = index;
  let sn = size - 1;
  let r: Buffer = Buffer.from(leaf);
  for (const p of proof) {
    if (sn === 0) return undefined;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0)
        while (fn % 2 === 0 && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 ? r : undefined;
}

/**
 * Verifies an RFC 9162 §2.1.3.2 inclusion proof.
 *
 * @param index - the leaf index
 * @param size - the tree size
 * @param leaf - the leaf hash (32 bytes)
 * @param proof - the proof, leaf side first
 * @param root - the root of the tree of `size`
 * @throws LedgerError LEDGER_PROOF_INVALID
 * @example
 * ```ts
 * verifyInclusion(3, 8, leafHash(entry), proof, root);
 * ```
 */
export function verifyInclusion(
  index: number,
  size: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): void {
  const r = inclusionRoot(index, size, leaf, proof);
  if (r === undefined || !equal(r, root))
    throw new LedgerError('LEDGER_PROOF_INVALID', `inclusion of leaf ${index} in tree of size ${size}`);
}

/**
 * Verifies an RFC 9162 §2.1.4.2 consistency proof. Equal sizes need an empty proof and equal
 * roots; a proof from the empty tree (size 0) is refused as meaningless (any tree extends it),
 * as transparency-dev/merkle does; callers such as the witness treat size 0 themselves.
 *
 * @param m - the older size
 * @param n - the newer size
 * @param proof - the proof
 * @param oldRoot - the root at `m`
 * @param newRoot - the root at `n`
 * @throws LedgerError LEDGER_PROOF_INVALID
 */
export function verifyConsistency(
  m: number,
  n: number,
  proof: readonly Uint8Array[],
  oldRoot: Uint8Array,
  newRoot: Uint8Array,
): void {
  const fail = (why: string): LedgerError =>
    new LedgerError('LEDGER_PROOF_INVALID', `consistency from ${m} to ${n}: ${why}`);
  if (!Number.isSafeInteger(m) || !Number.isSafeInteger(n) || m < 0 || n < m)
    throw fail('sizes out of order');
  if (m === 0) throw fail('a proof from the empty tree is meaningless');
  if (m === n) {
    if (proof.length > 0) throw fail('equal sizes need an empty proof');
    if (!equal(oldRoot, newRoot)) throw fail('equal sizes with different roots');
    return;
  }
  if (proof.length === 0) throw fail('empty proof');
  if (!isHash(oldRoot) || !isHash(newRoot) || !proof.every(isHash)) throw fail('a hash is not 32 bytes');
  const path = [...proof];
  // m an exact power of two: the old root is the first node of the path.
  let p2 = 1;
  while (p2 < m) p2 *= 2;
  if (p2 === m) path.unshift(oldRoot);
  let fn = m - 1;
  let sn = n - 1;
  while (fn % 2 === 1) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr: Buffer = Buffer.from(path[0]!);
  let sr: Buffer = fr;
  for (const c of path.slice(1)) {
    if (sn === 0) throw fail('the proof is too long');
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0)
        while (fn % 2 === 0 && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) throw fail('the proof is too short');
  if (!fr.equals(oldRoot)) throw fail('the old root does not match');
  if (!sr.equals(newRoot)) throw fail('the new root does not match');
}
