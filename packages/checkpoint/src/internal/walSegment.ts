/**
 * Segment header of a version 2 log file (32 bytes at offset 0):
 *
 * ```
 * 0  u8[4] magic "TWSG"
 * 4  u8    format version (2)
 * 5  u8    flags: bit 0 set when the segment continues a previous one
 * 6  u16   reserved (0)
 * 8  u32   segment sequence number, low 32 bits
 * 12 u32   segment sequence number, high bits
 * 16 u32   the previous segment's final chain value (0 without one)
 * 20 u32   the previous segment's final digest of its records' CRCs (0 without one)
 * 24 u32   reserved (0)
 * 28 u32   CRC-32 of bytes 0..28: the chain value the first frame links to
 * ```
 *
 * Sequence numbers count the segments of one log (0, 1, 2, ...), so a
 * missing or reordered segment shows as a gap or a step back; the previous
 * segment's final chain value and digest (see `walFormat.ts`) show a
 * segment truncated at a frame boundary, or replaced.
 */
import { crc32 } from "./crc32.js"

export const SEGMENT_HEADER_BYTES = 32
export const SEGMENT_VERSION = 2
const S0 = 0x54, S1 = 0x57, S2 = 0x53, S3 = 0x47

export interface SegmentHeader {
  readonly seq: number
  /** Whether this segment continues a previous one (then `previous` is that one's final chain value). */
  readonly continues: boolean
  readonly previous: number
  /** The previous segment's final digest. */
  readonly previousDigest: number
  /** The header's CRC: the chain value the segment's first frame links to. */
  readonly crc: number
}

/** Encodes a segment header; returns the bytes and the chain value its first frame links to. */
export const encodeSegmentHeader = (
  seq: number,
  previous: { readonly chain: number; readonly digest: number } | undefined
): { bytes: Uint8Array; crc: number } => {
  const bytes = new Uint8Array(SEGMENT_HEADER_BYTES)
  const view = new DataView(bytes.buffer)
  bytes[0] = S0
  bytes[1] = S1
  bytes[2] = S2
  bytes[3] = S3
  bytes[4] = SEGMENT_VERSION
  bytes[5] = previous === undefined ? 0 : 1
  view.setUint32(8, seq >>> 0, true)
  view.setUint32(12, Math.floor(seq / 2 ** 32), true)
  view.setUint32(16, previous?.chain ?? 0, true)
  view.setUint32(20, previous?.digest ?? 0, true)
  const crc = crc32(bytes, 0, 28)
  view.setUint32(28, crc, true)
  return { bytes, crc }
}

/** Does the file start with a segment header's magic? */
export const isSegment = (bytes: Uint8Array): boolean =>
  bytes.length >= 4 && bytes[0] === S0 && bytes[1] === S1 && bytes[2] === S2 && bytes[3] === S3

export type DecodedSegmentHeader =
  | { readonly kind: "ok"; readonly header: SegmentHeader }
  | { readonly kind: "torn" }
  | { readonly kind: "version"; readonly version: number }
  | { readonly kind: "invalid"; readonly reason: string }

/** Decodes the segment header of a file that starts with the segment magic. */
export const decodeSegmentHeader = (bytes: Uint8Array): DecodedSegmentHeader => {
  if (bytes.length < SEGMENT_HEADER_BYTES) return { kind: "torn" }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const crc = view.getUint32(28, true)
  if (crc !== crc32(bytes, 0, 28)) return { kind: "invalid", reason: "segment header checksum mismatch" }
  const version = bytes[4]!
  if (version > SEGMENT_VERSION) return { kind: "version", version }
  if (version !== SEGMENT_VERSION) return { kind: "invalid", reason: `segment header version ${version}` }
  return {
    kind: "ok",
    header: {
      seq: view.getUint32(8, true) + view.getUint32(12, true) * 2 ** 32,
      continues: (bytes[5]! & 1) === 1,
      previous: view.getUint32(16, true),
      previousDigest: view.getUint32(20, true),
      crc
    }
  }
}
