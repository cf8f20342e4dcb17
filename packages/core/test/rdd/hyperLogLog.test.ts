import { assert, describe, it } from "@effect/vitest"
import fc from "fast-check"
import * as HyperLogLog from "../../src/internal/rdd/hyperLogLog.js"

const sketchOf = (p: number, values: Iterable<unknown>) => {
  let sketch = HyperLogLog.empty(p)
  for (const v of values) sketch = HyperLogLog.offer(sketch, v)
  return sketch
}

/** The registers of a sketch, dense. */
const registers = (sketch: HyperLogLog.Sketch): Array<number> => {
  if ("dense" in sketch) return [...sketch.dense]
  const out = new Array<number>(2 ** sketch.p).fill(0)
  for (const [i, r] of sketch.sparse) out[i] = r
  return out
}

describe("HyperLogLog sketch", () => {
  it("precision from relativeSD as Spark: ceil(2 log2(1.054 / relativeSD)), at least 4", () => {
    assert.strictEqual(HyperLogLog.precisionFor(0.05), 9)
    assert.strictEqual(HyperLogLog.precisionFor(0.01), 14)
    assert.strictEqual(HyperLogLog.precisionFor(0.5), 4)
    assert.strictEqual(HyperLogLog.precisionFor(0.000018), 32)
  })

  it("an empty sketch estimates 0; one value 1; duplicates and structurally equal values count once", () => {
    assert.strictEqual(HyperLogLog.cardinality(HyperLogLog.empty(12)), 0)
    assert.strictEqual(HyperLogLog.cardinality(sketchOf(12, ["x"])), 1)
    assert.strictEqual(HyperLogLog.cardinality(sketchOf(12, [1, 1, [1, "a"], [1, "a"], { a: 1, b: 2 }, { b: 2, a: 1 }, 0, -0])), 4)
  })

  // Fixed data, so deterministic: each estimate within four standard errors (1.04 / sqrt(2^p)).
  it("estimates fixed sets of 10 to 200,000 distinct values within 4 standard errors, at p = 4, 8, 12, 16", () => {
    for (const p of [4, 8, 12, 16]) {
      const bound = 4 * 1.04 / Math.sqrt(2 ** p)
      for (const n of [10, 100, 1000, 20_000, 200_000]) {
        if (p === 4 && n < 100) continue // 16 registers: too coarse for the bound at tiny counts
        const ints = HyperLogLog.cardinality(sketchOf(p, Array.from({ length: n }, (_, i) => i)))
        const strings = HyperLogLog.cardinality(sketchOf(p, Array.from({ length: n }, (_, i) => `key-${i}`)))
        for (const estimate of [ints, strings]) assert.isBelow(Math.abs(estimate - n) / n, bound, `p=${p} n=${n}: ${estimate}`)
      }
    }
  })

  it("property: merging the sketches of two parts gives the sketch of their union (sparse or dense)", () => {
    fc.assert(fc.property(
      fc.integer({ min: 4, max: 10 }),
      fc.array(fc.oneof(fc.integer(), fc.string()), { maxLength: 300 }),
      fc.array(fc.oneof(fc.integer(), fc.string()), { maxLength: 300 }),
      (p, a, b) => {
        const merged = HyperLogLog.merge(sketchOf(p, a), sketchOf(p, b))
        assert.deepStrictEqual(registers(merged), registers(sketchOf(p, [...a, ...b])))
        assert.strictEqual(HyperLogLog.cardinality(merged), HyperLogLog.cardinality(sketchOf(p, [...b, ...a])))
      }
    ))
  })
})
