/**
 * A deliberately naive ZIP writer for tests (APPNOTE 4.3): it writes exactly what it is told,
 * including lies (wrong CRC, wrong sizes, other local names, shared offsets), so that the reader's
 * refusals can be tested on archives no real tool would produce.
 */
import { deflateRawSync } from 'node:zlib';
import { crc32 } from '../../../src/lib/zip/crc32.js';

/** One entry to write. */
export interface BuildEntry {
  name: string;
  data?: Buffer | string;
  /** 0 stored (default), 8 deflated, or any number to test refusals. */
  method?: number;
  flags?: number;
  /** Overrides of what the central directory says. */
  crc?: number;
  size?: number;
  compressedSize?: number;
  /** The name written in the local header (default: `name`). */
  localName?: string;
  /** Write no local header or data: the central record points at `offsetOf`'s local header. */
  offsetOf?: string;
}

/** Archive-level options. */
export interface BuildOptions {
  comment?: string;
  /** Write ZIP64 records (EOCD fields saturated, sizes and offsets in the ZIP64 extra field). */
  zip64?: boolean;
  /** Overrides the entry count of the end record. */
  entryCount?: number;
}

interface Written {
  entry: BuildEntry;
  nameBytes: Buffer;
  offset: number;
  crc: number;
  size: number;
  compressedSize: number;
  method: number;
}

function localHeader(w: Written, localName: Buffer, body: Buffer): Buffer {
  const h = Buffer.alloc(30);
  h.writeUInt32LE(0x04034b50, 0);
  h.writeUInt16LE(20, 4);
  h.writeUInt16LE(w.entry.flags ?? 0, 6);
  h.writeUInt16LE(w.method, 8);
  h.writeUInt32LE(w.crc, 14);
  h.writeUInt32LE(body.length, 18);
  h.writeUInt32LE(w.size, 22);
  h.writeUInt16LE(localName.length, 26);
  return Buffer.concat([h, localName, body]);
}

function centralHeader(w: Written, zip64: boolean): Buffer {
  const extra = zip64 ? Buffer.alloc(28) : Buffer.alloc(0);
  if (zip64) {
    extra.writeUInt16LE(0x0001, 0);
    extra.writeUInt16LE(24, 2);
    extra.writeBigUInt64LE(BigInt(w.size), 4);
    extra.writeBigUInt64LE(BigInt(w.compressedSize), 12);
    extra.writeBigUInt64LE(BigInt(w.offset), 20);
  }
  const h = Buffer.alloc(46);
  h.writeUInt32LE(0x02014b50, 0);
  h.writeUInt16LE(45, 4);
  h.writeUInt16LE(45, 6);
  h.writeUInt16LE(w.entry.flags ?? 0, 8);
  h.writeUInt16LE(w.method, 10);
  h.writeUInt32LE(w.crc, 16);
  h.writeUInt32LE(zip64 ? 0xffffffff : w.compressedSize, 20);
  h.writeUInt32LE(zip64 ? 0xffffffff : w.size, 24);
  h.writeUInt16LE(w.nameBytes.length, 28);
  h.writeUInt16LE(extra.length, 30);
  h.writeUInt32LE(zip64 ? 0xffffffff : w.offset, 42);
  return Buffer.concat([h, w.nameBytes, extra]);
}

function endRecords(count: number, cdOffset: number, cdSize: number, opts: BuildOptions): Buffer {
  const comment = Buffer.from(opts.comment ?? '', 'latin1');
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(opts.zip64 ? 0xffff : count, 8);
  eocd.writeUInt16LE(opts.zip64 ? 0xffff : count, 10);
  eocd.writeUInt32LE(opts.zip64 ? 0xffffffff : cdSize, 12);
  eocd.writeUInt32LE(opts.zip64 ? 0xffffffff : cdOffset, 16);
  eocd.writeUInt16LE(comment.length, 20);
  if (!opts.zip64) return Buffer.concat([eocd, comment]);
  const rec = Buffer.alloc(56);
  rec.writeUInt32LE(0x06064b50, 0);
  rec.writeBigUInt64LE(44n, 4);
  rec.writeUInt16LE(45, 12);
  rec.writeUInt16LE(45, 14);
  rec.writeBigUInt64LE(BigInt(count), 24);
  rec.writeBigUInt64LE(BigInt(count), 32);
  rec.writeBigUInt64LE(BigInt(cdSize), 40);
  rec.writeBigUInt64LE(BigInt(cdOffset), 48);
  const locator = Buffer.alloc(20);
  locator.writeUInt32LE(0x07064b50, 0);
  locator.writeBigUInt64LE(BigInt(cdOffset + cdSize), 8);
  locator.writeUInt32LE(1, 16);
  return Buffer.concat([rec, locator, eocd, comment]);
}

/**
 * Writes a ZIP archive.
 *
 * @param entries - the entries, in archive order
 * @param opts - archive options
 * @returns the archive
 * @example `buildZip([{ name: 'mimetype', data: 'application/vnd.etsi.asic-e+zip' }])`
 */
export function buildZip(entries: BuildEntry[], opts: BuildOptions = {}): Buffer {
  const parts: Buffer[] = [];
  const written: Written[] = [];
  let offset = 0;
  for (const entry of entries) {
    const data = Buffer.from(entry.data ?? '');
    const method = entry.method ?? 0;
    const body = method === 8 ? deflateRawSync(data) : data;
    const shared = entry.offsetOf ? written.find((w) => w.entry.name === entry.offsetOf) : undefined;
    const w: Written = {
      entry,
      nameBytes: Buffer.from(entry.name, 'utf8'),
      offset: shared?.offset ?? offset,
      crc: entry.crc ?? crc32(data),
      size: entry.size ?? data.length,
      compressedSize: entry.compressedSize ?? body.length,
      method,
    };
    written.push(w);
    if (shared) continue;
    const local = localHeader(w, Buffer.from(entry.localName ?? entry.name, 'utf8'), body);
    parts.push(local);
    offset += local.length;
  }
  const central = Buffer.concat(written.map((w) => centralHeader(w, opts.zip64 ?? false)));
  const count = opts.entryCount ?? written.length;
  return Buffer.concat([...parts, central, endRecords(count, offset, central.length, opts)]);
}
