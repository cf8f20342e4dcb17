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
 * 16 u32   CRC-32C of the length table
 * 20 u32   CRC-32C of bytes 0..20      (bytes 0..24 keep this layout in every version)
 * 24 u32[count] record lengths
 *    then per entry: u32 CRC-32C of the record, record bytes
 * ```
 * All integers little-endian. A record handle points at its entry
 * (checksum + bytes), so a record is verified on its own when read by handle.
 */
import { crc32c } from "./crc32c.js"

export const VERSION = 1
export const HEADER_BYTES = 24
export const ENTRY_OVERHEAD = 4
const M0 = 0x54, M1 = 0x57, M2 = 0x41, M3 = 0x4c

export interface EncodedFrame {
  readonly chunks: ReadonlyArray<Uint8Array>
  readonly length: number
  /** Offset of each entry (relative to the frame start) and its length (4 + record). */
  readonly entryOffsets: ReadonlyArray<number>
}

/** Frames up to this size are copied into one buffer; larger ones are written as chunks (no copy). */
const COALESCE_LIMIT = 64 * 1024

export const encodeFrame = (records: ReadonlyArray<Uint8Array>): EncodedFrame => {
  const count = records.length
  let dataLength = 0
  for (let i = 0; i < count; i++) dataLength += ENTRY_OVERHEAD + records[i]!.length
  const headLength = HEADER_BYTES + 4 * count
  const length = headLength + dataLength
  const coalesce = length <= COALESCE_LIMIT
  const head = new Uint8Array(coalesce ? length : headLength + ENTRY_OVERHEAD)
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength)
  head[0] = M0
  head[1] = M1
  head[2] = M2
  head[3] = M3
  head[4] = VERSION
  view.setUint32(8, count, true)
  view.setUint32(12, dataLength, true)
  for (let i = 0; i < count; i++) view.setUint32(HEADER_BYTES + 4 * i, records[i]!.length, true)
  view.setUint32(16, crc32c(head, HEADER_BYTES, headLength), true)
  view.setUint32(20, crc32c(head, 0, 20), true)
  const entryOffsets: Array<number> = new Array(count)
  let at = headLength
  if (coalesce) {
    for (let i = 0; i < count; i++) {
      const r = records[i]!
      entryOffsets[i] = at
      view.setUint32(at, crc32c(r), true)
      head.set(r, at + ENTRY_OVERHEAD)
      at += ENTRY_OVERHEAD + r.length
    }
    return { chunks: [head], length, entryOffsets }
  }
  const chunks: Array<Uint8Array> = [head]
  for (let i = 0; i < count; i++) {
    const r = records[i]!
    entryOffsets[i] = at
    if (i === 0) {
      view.setUint32(headLength, crc32c(r), true)
    } else {
      const c = new Uint8Array(ENTRY_OVERHEAD)
      new DataView(c.buffer).setUint32(0, crc32c(r), true)
      chunks.push(c)
    }
    chunks.push(r)
    at += ENTRY_OVERHEAD + r.length
  }
  return { chunks, length, entryOffsets }
}

/** Verifies one entry (as addressed by a handle); returns the record or a reason. */
export const decodeEntry = (entry: Uint8Array): Uint8Array | string => {
  if (entry.length < ENTRY_OVERHEAD) return "entry shorter than its checksum"
  const view = new DataView(entry.buffer, entry.byteOffset, entry.byteLength)
  const data = entry.subarray(ENTRY_OVERHEAD)
  return view.getUint32(0, true) === crc32c(data) ? data : "record checksum mismatch"
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
  if (view.getUint32(p + 20, true) !== crc32c(bytes, p, p + 20)) {
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
  if (view.getUint32(p + 16, true) !== crc32c(bytes, p + HEADER_BYTES, tableEnd)) {
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
      const data = bytes.subarray(at + ENTRY_OVERHEAD, at + ENTRY_OVERHEAD + len)
      if (view.getUint32(at, true) === crc32c(data)) {
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

export const logName = (start: number, end: number, seq: number): string =>
  seq === 0 ? `log-${start}-${end}` : `log-${start}-${end}.${seq}`

export const compareLogNames = (a: LogFileName, b: LogFileName): number =>
  a.start - b.start || a.seq - b.seq || a.end - b.end
