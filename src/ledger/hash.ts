/**
 * RFC 9162 §2.1.1 Merkle tree hashing with SHA-256: leaf hash `SHA-256(0x00 || entry)`, node
 * hash `SHA-256(0x01 || left || right)`, the empty tree `SHA-256("")`; and the strict base64
 * of hashes shared by every text format of the log.
 */
import { createHash, hash } from 'node:crypto';
import { LedgerError } from './errors.js';

/** Bytes in a SHA-256 hash. */
export const HASH_SIZE = 32;

// One scratch buffer for node hashes: the one-shot hash copies its input, so reuse is safe.
const NODE_INPUT = Buffer.alloc(1 + 2 * 32, 1);

/** The RFC 9162 root of the empty tree: SHA-256 of nothing. */
export const EMPTY_ROOT: Buffer = createHash('sha256').digest();

/**
 * The RFC 9162 leaf hash of a log entry.
 *
 * @param entry - the entry bytes
 * @example
 * ```ts
 * leafHash(Buffer.from('one')).length; // 32
 * ```
 */
export function leafHash(entry: Uint8Array): Buffer {
  const input = Buffer.allocUnsafe(1 + entry.length);
  input[0] = 0;
  input.set(entry, 1);
  return hash('sha256', input, 'buffer');
}

/**
 * The RFC 9162 interior node hash of two child hashes.
 *
 * @param left - the left child
 * @param right - the right child
 * @example
 * ```ts
 * nodeHash(leafHash(a), leafHash(b));
 * ```
 */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  if (left.length !== HASH_SIZE || right.length !== HASH_SIZE)
    return createHash('sha256').update(NODE_INPUT.subarray(0, 1)).update(left).update(right).digest();
  NODE_INPUT[0] = 1;
  NODE_INPUT.set(left, 1);
  NODE_INPUT.set(right, 33);
  return hash('sha256', NODE_INPUT, 'buffer');
}

/**
 * The Merkle tree hash of consecutive hashes `hashes[start … start+count)` (each 32 bytes,
 * concatenated in one buffer), `count` a power of two: the root of that perfect subtree.
 *
 * @param hashes - concatenated hashes
 * @param start - index of the first hash
 * @param count - how many (a power of two)
 */
export function perfectRoot(hashes: Uint8Array, start: number, count: number): Buffer {
  if (count === 1) return Buffer.from(hashes.subarray(start * HASH_SIZE, (start + 1) * HASH_SIZE));
  let level: Buffer[] = [];
  for (let i = 0; i < count; i += 2) {
    const a = hashes.subarray((start + i) * HASH_SIZE, (start + i + 1) * HASH_SIZE);
    const b = hashes.subarray((start + i + 1) * HASH_SIZE, (start + i + 2) * HASH_SIZE);
    level.push(nodeHash(a, b));
  }
  while (level.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(nodeHash(level[i]!, level[i + 1]!));
    level = next;
  }
  return level[0]!;
}

/**
 * The root of hashes given left to right as maximal perfect subtrees (sizes decreasing powers of
 * two): folded from the right, as RFC 9162 §2.1.1 builds an unbalanced tree.
 *
 * @param parts - the perfect subtree hashes, left to right (at least one)
 */
export function foldRight(parts: readonly Uint8Array[]): Buffer {
  let h: Buffer = Buffer.from(parts[parts.length - 1]!);
  for (let i = parts.length - 2; i >= 0; i--) h = nodeHash(parts[i]!, h);
  return h;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Standard base64 (RFC 4648 §4, padded) decoded, or undefined when the text is not base64. Like
 * Go's `encoding/base64` it accepts non-zero bits in the last character's unused low bits.
 *
 * @param text - the base64 text
 */
export function decodeBase64(text: string): Buffer | undefined {
  if (!BASE64.test(text)) return undefined;
  return Buffer.from(text, 'base64');
}

/**
 * A 32-byte hash from its base64 text.
 *
 * @param text - base64 of 32 bytes
 * @param what - what the hash is, for the error
 * @throws LedgerError LEDGER_HASH_MALFORMED
 */
export function parseHash(text: string, what = 'hash'): Buffer {
  const h = decodeBase64(text);
  if (h === undefined || h.length !== HASH_SIZE)
    throw new LedgerError('LEDGER_HASH_MALFORMED', `${what} ${JSON.stringify(text.slice(0, 64))}`);
  return h;
}

/**
 * A non-negative decimal with no leading zeroes (`0` alone allowed), at most 2^53 - 1, or
 * undefined.
 *
 * @param text - the decimal text
 */
export function parseDecimal(text: string): number | undefined {
  if (!/^(?:0|[1-9][0-9]{0,15})$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}
