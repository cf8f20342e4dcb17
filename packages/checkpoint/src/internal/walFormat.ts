/**
 * On-disk frame of the write-ahead log (format version 1).
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
 * All integers little-endian. A record handle points at its entry
 * (bytes + checksum), so a record is verified on its own when read by handle.
 * The checksum is CRC-32 (zlib's polynomial), computed natively by `zlib.crc32`.
 */
import { crc32 } from "./crc32.js"

export const VERSION = 1
export const HEADER_BYTES = 24
export const ENTRY_OVERHEAD = 4
const M0 = 0x54, M1 = 0x57, M2 = 0x41, M3 = 0x4c

/**
 * Records at least this long are written straight from the caller's buffer
 * (one more iovec in a `writev`), not copied into the frame: above a few KB a
 * copy costs more than the extra iovec.
 */
export const COPY_LIMIT = 8 * 1024

/** Bytes a frame of `records` takes on disk. */
export const frameLength = (records: ReadonlyArray<Uint8Array>): number => {
  let length = HEADER_BYTES + 4 * records.length
  for (let i = 0; i < records.length; i++) length += records[i]!.length + ENTRY_OVERHEAD
  return length
}

/** Bytes of the frames that `encodeFrames` copies into its staging buffer. */
export const stagedLength = (frames: ReadonlyArray<ReadonlyArray<Uint8Array>>, copyLimit = COPY_LIMIT): number => {
  let length = 0
  for (let f = 0; f < frames.length; f++) {
    const records = frames[f]!
    length += HEADER_BYTES + (4 + ENTRY_OVERHEAD) * records.length
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
}

/**
 * Encodes one frame per element of `frames`, back to back, as a list of
 * chunks for a single `writev`. Headers, length tables, checksums and records
 * shorter than `copyLimit` are copied into `staging` (which must have
 * `stagedLength(frames, copyLimit)` bytes); longer records are referenced, not
 * copied, so they must not change until the write has completed. Adjacent
 * staged bytes form one chunk.
 */
export const encodeFrames = (
  frames: ReadonlyArray<ReadonlyArray<Uint8Array>>,
  staging: Uint8Array,
  copyLimit = COPY_LIMIT
): EncodedFrames => {
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
    const headLength = HEADER_BYTES + 4 * count
    let dataLength = 0
    for (let i = 0; i < count; i++) dataLength += ENTRY_OVERHEAD + records[i]!.length
    staging[at] = M0
    staging[at + 1] = M1
    staging[at + 2] = M2
    staging[at + 3] = M3
    staging[at + 4] = VERSION
    staging[at + 5] = 0
    staging[at + 6] = 0
    staging[at + 7] = 0
    view.setUint32(at + 8, count, true)
    view.setUint32(at + 12, dataLength, true)
    for (let i = 0; i < count; i++) view.setUint32(at + HEADER_BYTES + 4 * i, records[i]!.length, true)
    view.setUint32(at + 16, crc32(staging, at + HEADER_BYTES, at + headLength), true)
    view.setUint32(at + 20, crc32(staging, at, at + 20), true)
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
      view.setUint32(at, crc32(r), true)
      at += ENTRY_OVERHEAD
      pos += r.length + ENTRY_OVERHEAD
    }
    entryOffsets[f] = offsets
  }
  if (at > run) chunks.push(staging.subarray(run, at))
  return { chunks, length: pos, entryOffsets }
}

/** Encodes a frame of `records` as one contiguous array (tests and tools). */
export const encodeFrame = (records: ReadonlyArray<Uint8Array>): Uint8Array => {
  // with no copy limit everything is staged: one chunk
  return encodeFrames([records], new Uint8Array(stagedLength([records], Infinity)), Infinity).chunks[0]!
}

/** Verifies one entry (as addressed by a handle); returns the record or a reason. */
export const decodeEntry = (entry: Uint8Array): Uint8Array | string => {
  if (entry.length < ENTRY_OVERHEAD) return "entry shorter than its checksum"
  const view = new DataView(entry.buffer, entry.byteOffset, entry.byteLength)
  const len = entry.length - ENTRY_OVERHEAD
  const data = entry.subarray(0, len)
  return view.getUint32(len, true) === crc32(data) ? data : "record checksum mismatch"
}

export interface ScannedRecord {
  readonly offset: number
  readonly length: number
  readonly data: Uint8Array
}

export type ScanProblem =
  | { readonly _tag: "TornTail"; readonly offset: number; readonly bytes: number }
  | { readonly _tag: "CorruptRecord"; readonly offset: number; readonly length: number; readonly reason: string }

export interface ScanResult {
  readonly records: Array<ScannedRecord>
  readonly problems: Array<ScanProblem>
  readonly unsupportedVersion?: { readonly offset: number; readonly version: number }
}

type FrameAt =
  | { readonly kind: "ok"; readonly end: number }
  | { readonly kind: "version"; readonly version: number }
  | { readonly kind: "truncated" }
  | { readonly kind: "invalid"; readonly reason: string }
  | { readonly kind: "badTable"; readonly end: number; readonly count: number }

/** Checks the fixed header at `p`; on "ok"/"badTable" returns where the frame ends. */
const frameAt = (bytes: Uint8Array, view: DataView, p: number): FrameAt => {
  const n = bytes.length
  if (n - p < HEADER_BYTES) return { kind: "invalid", reason: "incomplete frame header" }
  if (bytes[p] !== M0 || bytes[p + 1] !== M1 || bytes[p + 2] !== M2 || bytes[p + 3] !== M3) {
    return { kind: "invalid", reason: "bad frame magic" }
  }
  if (view.getUint32(p + 20, true) !== crc32(bytes, p, p + 20)) {
    return { kind: "invalid", reason: "frame header checksum mismatch" }
  }
  const version = bytes[p + 4]!
  if (version > VERSION) return { kind: "version", version }
  if (version === 0) return { kind: "invalid", reason: "frame version 0" }
  const count = view.getUint32(p + 8, true)
  const dataLength = view.getUint32(p + 12, true)
  const tableEnd = p + HEADER_BYTES + 4 * count
  const end = tableEnd + dataLength
  if (end > n) return { kind: "truncated" }
  if (view.getUint32(p + 16, true) !== crc32(bytes, p + HEADER_BYTES, tableEnd)) {
    return { kind: "badTable", end, count }
  }
  let sum = 0
  for (let i = 0; i < count; i++) sum += ENTRY_OVERHEAD + view.getUint32(p + HEADER_BYTES + 4 * i, true)
  if (sum !== dataLength) return { kind: "badTable", end, count }
  return { kind: "ok", end }
}

/**
 * Scans a whole log file. Complete, valid records are returned in order; a
 * frame cut off by the end of the file is a torn tail; damaged bytes followed
 * by a valid frame are a corrupt record (the scan resynchronises on the next
 * valid frame header); damaged bytes with no valid frame after them up to the
 * end of the file are reported as a torn tail.
 */
export const scan = (bytes: Uint8Array): ScanResult => {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const records: Array<ScannedRecord> = []
  const problems: Array<ScanProblem> = []
  const n = bytes.length
  let p = 0
  while (p < n) {
    const f = frameAt(bytes, view, p)
    if (f.kind === "version") return { records, problems, unsupportedVersion: { offset: p, version: f.version } }
    if (f.kind === "truncated") {
      problems.push({ _tag: "TornTail", offset: p, bytes: n - p })
      break
    }
    if (f.kind === "badTable") {
      problems.push({
        _tag: "CorruptRecord",
        offset: p,
        length: f.end - p,
        reason: `length table of a ${f.count}-record frame is damaged`
      })
      p = f.end
      continue
    }
    if (f.kind === "invalid") {
      let q = p + 1
      let found = -1
      for (; q + HEADER_BYTES <= n; q++) {
        if (bytes[q] !== M0 || bytes[q + 1] !== M1 || bytes[q + 2] !== M2 || bytes[q + 3] !== M3) continue
        const g = frameAt(bytes, view, q)
        if (g.kind !== "invalid") {
          found = q
          break
        }
      }
      if (found < 0) {
        problems.push({ _tag: "TornTail", offset: p, bytes: n - p })
        break
      }
      problems.push({ _tag: "CorruptRecord", offset: p, length: found - p, reason: f.reason })
      p = found
      continue
    }
    const count = view.getUint32(p + 8, true)
    let at = p + HEADER_BYTES + 4 * count
    for (let i = 0; i < count; i++) {
      const len = view.getUint32(p + HEADER_BYTES + 4 * i, true)
      const data = bytes.subarray(at, at + len)
      if (view.getUint32(at + len, true) === crc32(data)) {
        records.push({ offset: at, length: ENTRY_OVERHEAD + len, data })
      } else {
        problems.push({ _tag: "CorruptRecord", offset: at, length: ENTRY_OVERHEAD + len, reason: "record checksum mismatch" })
      }
      at += ENTRY_OVERHEAD + len
    }
    p = f.end
  }
  return { records, problems }
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
