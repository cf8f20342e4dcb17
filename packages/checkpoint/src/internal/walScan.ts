/**
 * Reads a whole log file back: version 2 segments (segment header, chained
 * frames) and version 1 files (frames only). See `walFormat.ts` and
 * `walSegment.ts` for the layouts.
 */
import { crc32 } from "./crc32.js"
import { ENTRY_OVERHEAD, HEADER_BYTES, HEADER_BYTES_V2, M0, M1, M2, M3, mix, VERSION } from "./walFormat.js"
import { decodeSegmentHeader, isSegment, SEGMENT_HEADER_BYTES, type SegmentHeader } from "./walSegment.js"

export interface ScannedRecord {
  readonly offset: number
  readonly length: number
  readonly data: Uint8Array
}

export type ScanProblem =
  | { readonly _tag: "TornTail"; readonly offset: number; readonly bytes: number }
  | { readonly _tag: "CorruptRecord"; readonly offset: number; readonly length: number; readonly reason: string }
  | { readonly _tag: "BrokenChain"; readonly offset: number; readonly length: number; readonly reason: string }

export interface ScanResult {
  readonly records: Array<ScannedRecord>
  readonly problems: Array<ScanProblem>
  readonly unsupportedVersion?: { readonly offset: number; readonly version: number }
  /** A version 2 segment with a valid header: the header, and the chain value and digest after its last valid frame. */
  readonly segment?: { readonly header: SegmentHeader; readonly finalChain: number; readonly finalDigest: number }
}

type FrameAt =
  | { readonly kind: "ok"; readonly end: number; readonly crc: number; readonly table: number }
  | { readonly kind: "version"; readonly version: number }
  | { readonly kind: "truncated" }
  | { readonly kind: "invalid"; readonly reason: string }
  | { readonly kind: "badTable"; readonly end: number; readonly count: number; readonly crc: number; readonly table: number }

/** Checks the frame at `p` of a file of `fileVersion`; on "ok"/"badTable" returns where it ends and its header CRC. */
const frameAt = (bytes: Uint8Array, view: DataView, p: number, fileVersion: number): FrameAt => {
  const n = bytes.length
  const head = fileVersion >= 2 ? HEADER_BYTES_V2 : HEADER_BYTES
  if (n - p < head) return { kind: "invalid", reason: "incomplete frame header" }
  if (bytes[p] !== M0 || bytes[p + 1] !== M1 || bytes[p + 2] !== M2 || bytes[p + 3] !== M3) {
    return { kind: "invalid", reason: "bad frame magic" }
  }
  const crc = view.getUint32(p + 20, true)
  if (crc !== crc32(bytes, p, p + 20)) return { kind: "invalid", reason: "frame header checksum mismatch" }
  const version = bytes[p + 4]!
  if (version > VERSION) return { kind: "version", version }
  if (version !== fileVersion) return { kind: "invalid", reason: `a version ${version} frame in a version ${fileVersion} file` }
  const count = view.getUint32(p + 8, true)
  const dataLength = view.getUint32(p + 12, true)
  const tableEnd = p + head + 4 * count
  const end = tableEnd + dataLength
  if (end > n) return { kind: "truncated" }
  // version 2: this CRC covers the link as well as the lengths
  const table = view.getUint32(p + 16, true)
  if (table !== crc32(bytes, p + HEADER_BYTES, tableEnd)) return { kind: "badTable", end, count, crc, table }
  let sum = 0
  for (let i = 0; i < count; i++) sum += ENTRY_OVERHEAD + view.getUint32(p + head + 4 * i, true)
  if (sum !== dataLength) return { kind: "badTable", end, count, crc, table }
  return { kind: "ok", end, crc, table }
}

const hasMagic = (bytes: Uint8Array, q: number) => bytes[q] === M0 && bytes[q + 1] === M1 && bytes[q + 2] === M2 && bytes[q + 3] === M3

/**
 * Where the scan resumes after damaged bytes at `p`, or -1. Version 1: the
 * next position holding a frame header. Version 2: the next frame that
 * continues the chain (`chain` before the damaged frame) through the damaged
 * frame: its link must be the chain value after the damaged frame, computed
 * from the damaged header's stored CRCs, or from the CRCs its bytes have now
 * where a stored one is the damaged field. A frame nested inside a record's
 * payload does not link to the damaged frame, so the scan never
 * resynchronises inside a payload.
 */
const resync = (bytes: Uint8Array, view: DataView, p: number, fileVersion: number, chain: number): number => {
  const n = bytes.length
  const links: Array<number> = []
  if (fileVersion >= 2) {
    if (n - p < HEADER_BYTES_V2) return -1
    const table = view.getUint32(p + 16, true)
    const header = view.getUint32(p + 20, true)
    links.push(mix(mix(chain, table), header), mix(mix(chain, table), crc32(bytes, p, p + 20)))
    const tableEnd = p + HEADER_BYTES_V2 + 4 * view.getUint32(p + 8, true)
    if (tableEnd <= n) links.push(mix(mix(chain, crc32(bytes, p + HEADER_BYTES, tableEnd)), header))
  }
  for (let q = p + 1; q + HEADER_BYTES <= n; q++) {
    if (!hasMagic(bytes, q)) continue
    const g = frameAt(bytes, view, q, fileVersion)
    if (fileVersion < 2) {
      if (g.kind !== "invalid") return q
      continue
    }
    if (g.kind !== "ok" && g.kind !== "truncated") continue
    if (q + HEADER_BYTES_V2 <= n && links.includes(view.getUint32(q + HEADER_BYTES, true))) return q
  }
  return -1
}

/** Scans the frames of a file from `start`; version 2 frames must continue the chain from `link`. */
const scanFrames = (
  bytes: Uint8Array,
  start: number,
  fileVersion: number,
  link: number
): ScanResult & { finalChain: number; finalDigest: number } => {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const records: Array<ScannedRecord> = []
  const problems: Array<ScanProblem> = []
  const n = bytes.length
  const head = fileVersion >= 2 ? HEADER_BYTES_V2 : HEADER_BYTES
  let chain = link
  /** After a frame whose stored table CRC is wrong: the chain value computed with the CRC its table has now. */
  let chainAlt: number | undefined
  let digest = 0
  let p = start
  while (p < n) {
    const f = frameAt(bytes, view, p, fileVersion)
    if (f.kind === "version") {
      return { records, problems, unsupportedVersion: { offset: p, version: f.version }, finalChain: chain, finalDigest: digest }
    }
    if (f.kind === "truncated") {
      problems.push({ _tag: "TornTail", offset: p, bytes: n - p })
      break
    }
    if (f.kind === "badTable") {
      problems.push({ _tag: "CorruptRecord", offset: p, length: f.end - p, reason: `length table of a ${f.count}-record frame is damaged` })
      const tableEnd = p + head + 4 * f.count
      chainAlt = mix(mix(chain, crc32(bytes, p + HEADER_BYTES, tableEnd)), f.crc)
      chain = mix(mix(chain, f.table), f.crc)
      p = f.end
      continue
    }
    if (f.kind === "invalid") {
      const found = resync(bytes, view, p, fileVersion, chain)
      if (found < 0) {
        problems.push({ _tag: "TornTail", offset: p, bytes: n - p })
        break
      }
      problems.push({ _tag: "CorruptRecord", offset: p, length: found - p, reason: f.reason })
      if (fileVersion >= 2) chain = view.getUint32(found + HEADER_BYTES, true)
      chainAlt = undefined
      p = found
      continue
    }
    const linked = view.getUint32(p + HEADER_BYTES, true)
    if (linked === chainAlt) chain = linked
    chainAlt = undefined
    if (fileVersion >= 2 && linked !== chain) {
      problems.push({
        _tag: "BrokenChain",
        offset: p,
        length: n - p,
        reason:
          "this frame does not continue the frames before it (bytes spliced in, moved or replaced); the rest of the segment is not read"
      })
      break
    }
    const count = view.getUint32(p + 8, true)
    let at = p + head + 4 * count
    for (let i = 0; i < count; i++) {
      const len = view.getUint32(p + head + 4 * i, true)
      const data = bytes.subarray(at, at + len)
      const stored = view.getUint32(at + len, true)
      digest = mix(digest, stored)
      if (stored === crc32(data)) {
        records.push({ offset: at, length: ENTRY_OVERHEAD + len, data })
      } else {
        problems.push({ _tag: "CorruptRecord", offset: at, length: ENTRY_OVERHEAD + len, reason: "record checksum mismatch" })
      }
      at += ENTRY_OVERHEAD + len
    }
    chain = mix(mix(chain, f.table), f.crc)
    p = f.end
  }
  return { records, problems, finalChain: chain, finalDigest: digest }
}

/**
 * Scans a whole log file. Complete, valid records are returned in order; a
 * frame cut off by the end of the file is a torn tail; damaged bytes followed
 * by a valid frame are a corrupt record (the scan resynchronises on the next
 * frame, in a version 2 segment only on the frame that continues the chain);
 * damaged bytes with no such frame after them up to the end of the file are
 * reported as a torn tail. A version 2 segment whose header is damaged is
 * still scanned from the frame after it, and reported.
 */
export const scan = (bytes: Uint8Array): ScanResult => {
  // a version 1 file starts with a frame; a segment whose magic is damaged still has its first frame at 32
  const damagedMagic = !hasMagic(bytes, 0) && bytes.length >= SEGMENT_HEADER_BYTES + HEADER_BYTES &&
    hasMagic(bytes, SEGMENT_HEADER_BYTES) && bytes[SEGMENT_HEADER_BYTES + 4] === 2
  if (!isSegment(bytes) && !damagedMagic) return scanFrames(bytes, 0, 1, 0)
  const decoded = decodeSegmentHeader(bytes)
  switch (decoded.kind) {
    case "torn":
      return { records: [], problems: [{ _tag: "TornTail", offset: 0, bytes: bytes.length }] }
    case "version":
      return { records: [], problems: [], unsupportedVersion: { offset: 0, version: decoded.version } }
    case "invalid": {
      // the first frame links to the header's CRC: the stored one, or the one its bytes have now
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
      const start = SEGMENT_HEADER_BYTES
      const firstLink = bytes.length >= start + HEADER_BYTES_V2 ? view.getUint32(start + HEADER_BYTES, true) : 0
      const link = firstLink === crc32(bytes, 0, 28) ? firstLink : view.getUint32(28, true)
      const rest = scanFrames(bytes, start, 2, link)
      const problem: ScanProblem = { _tag: "CorruptRecord", offset: 0, length: start, reason: decoded.reason }
      return { records: rest.records, problems: [problem, ...rest.problems], ...unsupported(rest) }
    }
    case "ok": {
      const rest = scanFrames(bytes, SEGMENT_HEADER_BYTES, 2, decoded.header.crc)
      return {
        records: rest.records,
        problems: rest.problems,
        ...unsupported(rest),
        segment: { header: decoded.header, finalChain: rest.finalChain, finalDigest: rest.finalDigest }
      }
    }
  }
}

const unsupported = (r: ScanResult): Pick<ScanResult, "unsupportedVersion"> =>
  r.unsupportedVersion === undefined ? {} : { unsupportedVersion: r.unsupportedVersion }
