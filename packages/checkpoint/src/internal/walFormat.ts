/**
 * On-disk format of the write-ahead log. Version 2 segments start with a
 * segment header (see `walSegment.ts`) and hold version 2 frames; version 1
 * files hold version 1 frames only and are still read (`walScan.ts`).
 *
 * Frame, version 1:
 *
 * ```
 * 0  u8[4] magic "TWAL"
 * 4  u8    format version (1)
 * 5  u8    flags (0)
 * 6  u16   reserved (0)
 * 8  u32   entry count
 * 12 u32   data length (sum over entries of 4 + record length)
 * 16 u32   CRC-32 of the length table
 * 20 u32   CRC-32 of bytes 0..20      (bytes 0..24 keep this layout in every version)
 * 24 u32[count] record lengths
 *    then per entry: record bytes, u32 CRC-32 of the record
 * ```
 * Frame, version 2: the same first 24 bytes (version 2), then
 * ```
 * 24 u32   link: the chain value after the previous frame of the segment
 *          (the segment header's CRC for the first frame)
 * 28 u32[count] record lengths
 *    then per entry: record bytes, u32 CRC-32 of the record
 * ```
 * and the CRC at 16 covers bytes 24..end of the length table (link and
 * lengths). The chain value after a frame is `mix(mix(link, table CRC),
 * header CRC)`: the links chain every frame to the one before it, so a frame
 * found by resynchronisation is only accepted where it continues the chain.
 * Apart from the chain, a segment's digest mixes the stored CRC of every
 * record (`mix(digest, record CRC)`, from 0), so the next segment's header
 * can record the data of the one before it, not only its frame layout.
 *
 * All integers little-endian. A record handle points at its entry
 * (bytes + checksum), so a record is verified on its own when read by handle.
 * The checksum is CRC-32 (zlib's polynomial), computed natively by `zlib.crc32`.
 */
import { crc32 } from "./crc32.js"

/** The newest format version this library writes and reads. */
export const VERSION = 2
/** Header bytes of a version 1 frame (and the layout shared by every version). */
export const HEADER_BYTES = 24
/** Header bytes of a version 2 frame (the shared 24 bytes and the link). */
export const HEADER_BYTES_V2 = 28
/** Header bytes of a frame of `version` (1 or 2). */
export const headerBytes = (version: number): number => version >= 2 ? HEADER_BYTES_V2 : HEADER_BYTES
export const ENTRY_OVERHEAD = 4
export const M0 = 0x54, M1 = 0x57, M2 = 0x41, M3 = 0x4c

/**
 * Records at least this long are written straight from the caller's buffer
 * (one more iovec in a `writev`), not copied into the frame: above a few KB a
 * copy costs more than the extra iovec.
 */
export const COPY_LIMIT = 8 * 1024

/** Mixes a 32-bit value into a running chain or digest value (integer ops only). */
export const mix = (h: number, x: number): number => {
  let m = Math.imul(h ^ x, 0x85ebca6b)
  m ^= m >>> 13
  m = Math.imul(m, 0xc2b2ae35)
  return (m ^ (m >>> 16)) >>> 0
}

/** Bytes a frame of `records` takes on disk. */
export const frameLength = (records: ReadonlyArray<Uint8Array>, version = 1): number => {
  let length = headerBytes(version) + 4 * records.length
  for (let i = 0; i < records.length; i++) length += records[i]!.length + ENTRY_OVERHEAD
  return length
}

/** Bytes of the frames that `encodeFrames` copies into its staging buffer. */
export const stagedLength = (
  frames: ReadonlyArray<ReadonlyArray<Uint8Array>>,
  copyLimit = COPY_LIMIT,
  version = 1
): number => {
  const head = headerBytes(version)
  let length = 0
  for (let f = 0; f < frames.length; f++) {
    const records = frames[f]!
    length += head + (4 + ENTRY_OVERHEAD) * records.length
    for (let i = 0; i < records.length; i++) {
      const n = records[i]!.length
      if (n < copyLimit) length += n
    }
  }
  return length
}

export interface EncodedFrames {
  /** The bytes to write, in order (one `writev`). */
  readonly chunks: Array<Uint8Array>
  /** Total bytes of `chunks`. */
  readonly length: number
  /** Per frame, the offset of each entry from the start of the write. */
  readonly entryOffsets: Array<Array<number>>
  /** Version 2: the chain value after the last frame (the link the next frame takes); version 1: 0. */
  readonly chain: number
  /** Version 2: the segment digest after the last record; version 1: 0. */
  readonly digest: number
}

/**
 * Encodes one frame per element of `frames`, back to back, as a list of
 * chunks for a single `writev`. Headers, length tables, checksums and records
 * shorter than `copyLimit` are copied into `staging` (which must have
 * `stagedLength(frames, copyLimit)` bytes); longer records are referenced, not
 * copied, so they must not change until the write has completed. Adjacent
 * staged bytes form one chunk. With a `link` (the chain value the first frame
 * continues) the frames are version 2, else version 1 (kept for tests that
 * need version 1 files). Per frame, the chain costs the 4 link bytes: the
 * header CRC is computed either way.
 */
export const encodeFrames = (
  frames: ReadonlyArray<ReadonlyArray<Uint8Array>>,
  staging: Uint8Array,
  copyLimit = COPY_LIMIT,
  link?: number,
  digestBefore = 0
): EncodedFrames => {
  const v2 = link !== undefined
  const head = v2 ? HEADER_BYTES_V2 : HEADER_BYTES
  let chain = link ?? 0
  let digest = v2 ? digestBefore : 0
  const view = new DataView(staging.buffer, staging.byteOffset, staging.byteLength)
  const chunks: Array<Uint8Array> = []
  const entryOffsets: Array<Array<number>> = new Array(frames.length)
  /** Write position (all chunks so far), staging position, start of the staged run not yet in `chunks`. */
  let pos = 0
  let at = 0
  let run = 0
  for (let f = 0; f < frames.length; f++) {
    const records = frames[f]!
    const count = records.length
    const headLength = head + 4 * count
    let dataLength = 0
    for (let i = 0; i < count; i++) dataLength += ENTRY_OVERHEAD + records[i]!.length
    staging[at] = M0
    staging[at + 1] = M1
    staging[at + 2] = M2
    staging[at + 3] = M3
    staging[at + 4] = v2 ? 2 : 1
    staging[at + 5] = 0
    staging[at + 6] = 0
    staging[at + 7] = 0
    view.setUint32(at + 8, count, true)
    view.setUint32(at + 12, dataLength, true)
    if (v2) view.setUint32(at + HEADER_BYTES, chain, true)
    for (let i = 0; i < count; i++) view.setUint32(at + head + 4 * i, records[i]!.length, true)
    const tableCrc = crc32(staging, at + HEADER_BYTES, at + headLength)
    view.setUint32(at + 16, tableCrc, true)
    const headerCrc = crc32(staging, at, at + 20)
    view.setUint32(at + 20, headerCrc, true)
    if (v2) chain = mix(mix(chain, tableCrc), headerCrc)
    at += headLength
    pos += headLength
    const offsets: Array<number> = new Array(count)
    for (let i = 0; i < count; i++) {
      const r = records[i]!
      offsets[i] = pos
      if (r.length < copyLimit) {
        staging.set(r, at)
        at += r.length
      } else {
        if (at > run) chunks.push(staging.subarray(run, at))
        chunks.push(r)
        run = at
      }
      const recordCrc = crc32(r)
      view.setUint32(at, recordCrc, true)
      if (v2) digest = mix(digest, recordCrc)
      at += ENTRY_OVERHEAD
      pos += r.length + ENTRY_OVERHEAD
    }
    entryOffsets[f] = offsets
  }
  if (at > run) chunks.push(staging.subarray(run, at))
  return { chunks, length: pos, entryOffsets, chain, digest }
}

/** Encodes a frame of `records` as one contiguous array (tests and tools); version 2 with a `link`. */
export const encodeFrame = (records: ReadonlyArray<Uint8Array>, link?: number): Uint8Array => {
  // with no copy limit everything is staged: one chunk
  const staging = new Uint8Array(stagedLength([records], Infinity, link === undefined ? 1 : 2))
  return encodeFrames([records], staging, Infinity, link).chunks[0]!
}

/** Verifies one entry (as addressed by a handle); returns the record or a reason. */
export const decodeEntry = (entry: Uint8Array): Uint8Array | string => {
  if (entry.length < ENTRY_OVERHEAD) return "entry shorter than its checksum"
  const view = new DataView(entry.buffer, entry.byteOffset, entry.byteLength)
  const len = entry.length - ENTRY_OVERHEAD
  const data = entry.subarray(0, len)
  return view.getUint32(len, true) === crc32(data) ? data : "record checksum mismatch"
}

const LOG_NAME = /^log-(\d+)-(\d+)(?:\.(\d+))?$/

export interface LogFileName {
  readonly name: string
  readonly start: number
  readonly end: number
  readonly seq: number
}

export const parseLogName = (name: string): LogFileName | undefined => {
  const m = LOG_NAME.exec(name)
  if (m === null) return undefined
  return { name, start: Number(m[1]), end: Number(m[2]), seq: m[3] === undefined ? 0 : Number(m[3]) }
}

export const logName = (start: number, end: number, seq: number): string => seq === 0 ? `log-${start}-${end}` : `log-${start}-${end}.${seq}`

export const compareLogNames = (a: LogFileName, b: LogFileName): number => a.start - b.start || a.seq - b.seq || a.end - b.end
