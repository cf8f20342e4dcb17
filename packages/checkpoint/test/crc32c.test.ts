import { assert, describe, it } from "@effect/vitest"
import fc from "fast-check"
import { crc32c, update } from "../src/internal/crc32c.js"

const T = new Uint32Array(256)
for (let n = 0; n < 256; n++) {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1
  T[n] = c >>> 0
}
/** Byte-at-a-time reference. */
const reference = (b: Uint8Array): number => {
  let c = 0xffffffff
  for (let i = 0; i < b.length; i++) c = T[(c ^ b[i]!) & 0xff]! ^ (c >>> 8)
  return ~c >>> 0
}

describe("crc32c", () => {
  it("matches the standard check values", () => {
    assert.strictEqual(crc32c(new TextEncoder().encode("123456789")), 0xe3069283)
    assert.strictEqual(crc32c(new Uint8Array(32)), 0x8a9136aa)
    assert.strictEqual(crc32c(new Uint8Array(32).fill(0xff)), 0x62a8ab43)
    assert.strictEqual(crc32c(new Uint8Array(0)), 0)
  })

  it("equals the byte-at-a-time reference at any alignment and split (property)", () =>
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.nat(7), fc.nat(), (data, shift, cut) => {
        // copy at an offset so the fast path sees every alignment
        const buf = new Uint8Array(data.length + shift)
        buf.set(data, shift)
        const view = buf.subarray(shift)
        assert.strictEqual(crc32c(view), reference(data))
        const k = data.length === 0 ? 0 : cut % data.length
        assert.strictEqual(update(update(0, view, 0, k), view, k), reference(data))
      }),
      { numRuns: 500 }
    ))
})
