/**
 * {@link DocumentSource} over a buffer or a file. The file source reads with positional reads
 * in 1 MiB chunks into two reused buffers, so digesting a large document keeps memory flat.
 */
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';

/**
 * Random access to the document being validated, so that large files (a 100 MB PDF) are never
 * held in memory whole: extractors read the parts they parse and stream the ranges they digest.
 */
export interface DocumentSource {
  /** Length in bytes. */
  readonly size: number;
  /** Reads `length` bytes at `offset` (fewer at the end of the document). */
  read(offset: number, length: number): Promise<Buffer>;
  /**
   * Streams the bytes of [start, end) in chunks. A chunk is valid only until the next one is
   * asked for (file sources reuse their buffers): copy it to keep it.
   */
  stream(start: number, end: number): AsyncIterable<Buffer>;
}

/** A detached document given to the validator. */
export interface DetachedContent {
  /** File name, matched against reference URIs (XAdES, ASiC manifests). */
  name?: string;
  bytes: Buffer;
}

const CHUNK = 1 << 20;

/**
 * A document held in memory.
 *
 * @param bytes - the document
 * @example
 * ```ts
 * const src = bufferSource(Buffer.from('%PDF-1.7 ...'));
 * (await src.read(0, 4)).toString(); // '%PDF'
 * ```
 */
export function bufferSource(bytes: Buffer): DocumentSource {
  return {
    size: bytes.length,
    read: (offset, length) =>
      Promise.resolve(bytes.subarray(offset, Math.min(bytes.length, offset + length))),
    async *stream(start, end) {
      for (let p = start; p < Math.min(end, bytes.length); p += CHUNK) {
        yield bytes.subarray(p, Math.min(end, p + CHUNK, bytes.length));
      }
    },
  };
}

/** A document in a file, read on demand; `close()` releases the handle. */
export interface FileDocumentSource extends DocumentSource {
  close(): Promise<void>;
}

/**
 * Opens a file as a {@link DocumentSource}.
 *
 * @param path - the file
 * @example
 * ```ts
 * const src = await fileSource('contract.pdf');
 * try { console.log(src.size) } finally { await src.close() }
 * ```
 */
export async function fileSource(path: string): Promise<FileDocumentSource> {
  const fh: FileHandle = await open(path, 'r');
  const { size } = await fh.stat();
  const readInto = async (buf: Buffer, offset: number, length: number): Promise<Buffer> => {
    const n = Math.max(0, Math.min(length, size - offset, buf.length));
    let done = 0;
    while (done < n) {
      const { bytesRead } = await fh.read(buf, done, n - done, offset + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return buf.subarray(0, done);
  };
  return {
    size,
    read: (offset, length) =>
      readInto(Buffer.allocUnsafe(Math.max(0, Math.min(length, size - offset))), offset, length),
    async *stream(start, end) {
      // Two buffers, reused: the next chunk is read (in the thread pool) while the caller
      // digests the current one, and memory stays at 2 MiB whatever the file size.
      const buffers = [Buffer.allocUnsafe(CHUNK), Buffer.allocUnsafe(CHUNK)];
      const stop = Math.min(end, size);
      let p = start;
      let i = 0;
      let pending = p < stop ? readInto(buffers[0]!, p, Math.min(CHUNK, stop - p)) : undefined;
      while (pending) {
        const chunk = await pending;
        p += chunk.length;
        i ^= 1;
        pending =
          chunk.length > 0 && p < stop ? readInto(buffers[i]!, p, Math.min(CHUNK, stop - p)) : undefined;
        if (chunk.length > 0) yield chunk;
      }
    },
    close: () => fh.close(),
  };
}

/**
 * Reads a whole source into memory, refusing more than `limit` bytes.
 *
 * @param src - the source
 * @param limit - the most bytes accepted
 * @returns the bytes, or undefined when the source is larger than `limit`
 * @example `const bytes = await readAll(src, 64 << 20)`
 */
export async function readAll(src: DocumentSource, limit: number): Promise<Buffer | undefined> {
  if (src.size > limit) return undefined;
  return src.read(0, src.size);
}
