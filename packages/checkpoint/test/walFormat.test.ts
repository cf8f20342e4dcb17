import { assert, describe, it } from "@effect/vitest"
import fc from "fast-check"
import * as format from "../src/internal/walFormat.js"
import { scan } from "../src/internal/walScan.js"
import { encodeSegmentHeader } from "../src/internal/walSegment.js"

const concat = (chunks: ReadonlyArray<Uint8Array>): Uint8Array => {
  let n = 0
  for (const c of chunks) n += c.length
  const out = new Uint8Array(n)
  let at = 0
  for (const c of chunks) {
    out.set(c, at)
    at += c.length
  }
  return out
}

const frames = fc.array(fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: 6 }), {
  minLength: 1,
  maxLength: 5
})

describe("walFormat.encodeFrames", () => {
  it("writes the same bytes whether records are copied or referenced (property)", () =>
    fc.assert(
      fc.property(frames, fc.oneof(fc.integer({ min: 0, max: 320 }), fc.constant(Infinity)), (fs, copyLimit) => {
        const staging = new Uint8Array(format.stagedLength(fs, copyLimit))
        const { chunks, entryOffsets, length } = format.encodeFrames(fs, staging, copyLimit)
        const bytes = concat(chunks)
        assert.strictEqual(bytes.length, length)
        // the same bytes as one contiguous frame per element, back to back
        assert.deepStrictEqual(bytes, concat(fs.map((records) => format.encodeFrame(records))))
        let expectedLength = 0
        for (const records of fs) expectedLength += format.frameLength(records)
        assert.strictEqual(length, expectedLength)
        // no two staged chunks are adjacent in the staging buffer (they would be one chunk)
        for (let i = 1; i < chunks.length; i++) {
          const a = chunks[i - 1]!, b = chunks[i]!
          assert.isFalse(
            a.buffer === staging.buffer && b.buffer === staging.buffer && a.byteOffset + a.length === b.byteOffset
          )
        }
        // every entry offset addresses its record, and the scan returns every record in order
        const scanned = scan(bytes)
        assert.deepStrictEqual(scanned.problems, [])
        const all = fs.flat()
        assert.strictEqual(scanned.records.length, all.length)
        let k = 0
        fs.forEach((records, f) =>
          records.forEach((r, i) => {
            const offset = entryOffsets[f]![i]!
            assert.strictEqual(scanned.records[k]!.offset, offset)
            assert.deepStrictEqual(format.decodeEntry(bytes.subarray(offset, offset + r.length + 4)), r)
            assert.deepStrictEqual(scanned.records[k++]!.data, r)
          })
        )
      }),
      { numRuns: 300 }
    ))

  it("references records at or above the copy limit instead of copying them", () => {
    const big = new Uint8Array(format.COPY_LIMIT).fill(7)
    const small = new Uint8Array(10).fill(1)
    const fs = [[small, big, small]]
    const { chunks } = format.encodeFrames(fs, new Uint8Array(format.stagedLength(fs)))
    // header + table + small + checksum | big | checksum + small + checksum
    assert.strictEqual(chunks.length, 3)
    assert.strictEqual(chunks[1], big)
  })
})

describe("walFormat version 2 frames", () => {
  it("copied or referenced, chained frames after a segment header scan back in order with no problem (property)", () =>
    fc.assert(
      fc.property(frames, fc.oneof(fc.integer({ min: 0, max: 320 }), fc.constant(Infinity)), fc.nat(), (fs, copyLimit, seq) => {
        const header = encodeSegmentHeader(seq, undefined)
        const staging = new Uint8Array(format.stagedLength(fs, copyLimit, 2))
        const encoded = format.encodeFrames(fs, staging, copyLimit, header.crc)
        // the same bytes as one frame at a time, each linking to the chain value after the one before
        let link = header.crc
        const oneByOne: Array<Uint8Array> = []
        for (const records of fs) {
          const one = format.encodeFrames([records], new Uint8Array(format.stagedLength([records], Infinity, 2)), Infinity, link)
          oneByOne.push(one.chunks[0]!)
          link = one.chain
        }
        assert.deepStrictEqual(concat(encoded.chunks), concat(oneByOne))
        assert.strictEqual(encoded.chain, link)
        const result = scan(concat([header.bytes, ...encoded.chunks]))
        assert.deepStrictEqual(result.problems, [])
        assert.deepStrictEqual(result.records.map((r) => r.data), fs.flat())
        assert.strictEqual(result.segment?.header.seq, seq)
        assert.strictEqual(result.segment?.finalChain, encoded.chain)
        assert.strictEqual(result.segment?.finalDigest, encoded.digest)
      }),
      { numRuns: 200 }
    ))
})
