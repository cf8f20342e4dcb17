import { assert, describe, it } from "@effect/vitest"
import fc from "fast-check"
import { crc32, update } from "../src/internal/crc32.js"

const T = new Uint32Array(256)
for (let n = 0; n < 256; n++) {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1
  T[n] = c >>> 0
}
/** Byte-at-a-time reference. */
const reference = (b: Uint8Array): number => {
  let c = 0xffffffff
  for (let i = 0; i < b.length; i++) c = T[(c ^ b[i]!) & 0xff]! ^ (c >>> 8)
  return ~c >>> 0
}

describe("crc32", () => {
  it("matches the standard check values", () => {
    // CRC-32/ISO-HDLC check value
    assert.strictEqual(crc32(new TextEncoder().encode("123456789")), 0xcbf43926)
    assert.strictEqual(crc32(new Uint8Array(32)), 0x190a55ad)
    assert.strictEqual(crc32(new Uint8Array(32).fill(0xff)), 0xff6cab0b)
    assert.strictEqual(crc32(new TextEncoder().encode("The quick brown fox jumps over the lazy dog")), 0x414fa339)
    assert.strictEqual(crc32(new Uint8Array(0)), 0)
  })

  it("is unsigned for every input", () => {
    assert.strictEqual(crc32(new TextEncoder().encode("a")), 0xe8b7be43)
  })

  it("equals the byte-at-a-time reference for any subrange and split (property)", () =>
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.nat(7), fc.nat(), (data, shift, cut) => {
        const buf = new Uint8Array(data.length + shift + 3)
        buf.set(data, shift)
        assert.strictEqual(crc32(buf, shift, shift + data.length), reference(data))
        const k = data.length === 0 ? 0 : cut % data.length
        const view = buf.subarray(shift, shift + data.length)
        assert.strictEqual(update(update(0, view, 0, k), view, k), reference(data))
      }),
      { numRuns: 500 }
    ))
})
