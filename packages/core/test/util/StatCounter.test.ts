import { assert, describe, it } from "@effect/vitest"
import fc from "fast-check"
import * as StatCounter from "../../src/util/StatCounter.js"

/** Two-pass statistics on an array: the model. */
const model = (values: ReadonlyArray<number>) => {
  const n = values.length
  const mean = n === 0 ? 0 : values.reduce((a, b) => a + b, 0) / n
  const m2 = values.reduce((a, x) => a + (x - mean) ** 2, 0)
  return {
    n,
    mean,
    variance: n === 0 ? Number.NaN : m2 / n,
    sampleVariance: n <= 1 ? Number.NaN : m2 / (n - 1),
    max: n === 0 ? -Infinity : Math.max(...values),
    min: n === 0 ? Infinity : Math.min(...values)
  }
}

const close = (actual: number, expected: number, scale: number, label: string) => {
  if (Number.isNaN(expected)) return assert.isNaN(actual, label)
  assert.isAtMost(Math.abs(actual - expected), 1e-9 * Math.max(1, scale), `${label}: ${actual} vs ${expected}`)
}

const assertMatches = (s: StatCounter.StatCounter, values: ReadonlyArray<number>) => {
  const m = model(values)
  const scale = Math.max(1, ...values.map(Math.abs))
  assert.strictEqual(s.count, m.n)
  close(s.mean, m.mean, scale, "mean")
  close(s.sum, m.mean * m.n, scale * Math.max(1, m.n), "sum")
  close(s.variance, m.variance, scale * scale, "variance")
  close(s.popVariance, m.variance, scale * scale, "popVariance")
  close(s.sampleVariance, m.sampleVariance, scale * scale, "sampleVariance")
  close(s.stdev, Math.sqrt(m.variance), scale, "stdev")
  close(s.sampleStdev, Math.sqrt(m.sampleVariance), scale, "sampleStdev")
  assert.strictEqual(s.max, m.max)
  assert.strictEqual(s.min, m.min)
}

const values = fc.array(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), { maxLength: 40 })

describe("StatCounter", () => {
  it("Spark's statistics of a few values, and its printing", () => {
    const s = StatCounter.of(1, 1, 2, 3, 5, 8)
    assert.strictEqual(s.count, 6)
    assert.closeTo(s.mean, 20 / 6, 1e-12)
    assert.closeTo(s.variance, 6.222222222, 1e-9)
    assert.closeTo(s.sampleVariance, 7.466666666, 1e-9)
    assert.strictEqual(s.max, 8)
    assert.strictEqual(s.min, 1)
    assert.strictEqual(StatCounter.of(1, 2, 3, 4).toString(), "(count: 4, mean: 2.500000, stdev: 1.118034, max: 4.000000, min: 1.000000)")
    assert.strictEqual(
      StatCounter.make().toString(),
      "(count: 0, mean: 0.000000, stdev: NaN, max: -Infinity, min: Infinity)"
    )
  })

  it("no values: count 0, mean and sum 0, variances NaN, max -Infinity, min Infinity; one value: sample variance NaN", () => {
    const empty = StatCounter.make()
    assert.deepStrictEqual([empty.count, empty.mean, empty.sum, empty.max, empty.min], [0, 0, 0, -Infinity, Infinity])
    assert.isNaN(empty.variance)
    assert.isNaN(empty.sampleStdev)
    const one = StatCounter.of(3)
    assert.strictEqual(one.variance, 0)
    assert.isNaN(one.sampleVariance)
  })

  it("a NaN makes the mean, variances, max and min NaN, as Spark's (Java's Math.max/min)", () => {
    const s = StatCounter.of(1, Number.NaN, 3)
    assert.strictEqual(s.count, 3)
    for (const x of [s.mean, s.variance, s.max, s.min, s.sum]) assert.isNaN(x)
    const merged = StatCounter.of(1, 2).merge(StatCounter.of(Number.NaN))
    assert.isNaN(merged.max)
    assert.isNaN(merged.mean)
  })

  it("merge(self) doubles the values; merge returns the counter; copy is independent", () => {
    const s = StatCounter.of(1, 2, 3)
    assert.strictEqual(s.merge(s), s)
    assertMatches(s, [1, 2, 3, 1, 2, 3])
    const c = s.copy()
    c.merge(100)
    assert.strictEqual(s.count, 6)
    assert.strictEqual(c.count, 7)
    assert.strictEqual(StatCounter.make().merge(StatCounter.of(5, 7)).mean, 6)
    assert.strictEqual(StatCounter.of(5, 7).merge(StatCounter.make()).mean, 6)
    assertMatches(StatCounter.make().merge([4, 8, 15]), [4, 8, 15])
  })

  it("numerically stable: large offsets keep their small variance (a one-pass sum of squares would lose it)", () => {
    const base = 1e9
    const data = Array.from({ length: 1000 }, (_, i) => base + (i % 10))
    const s = StatCounter.make(data)
    assert.closeTo(s.variance, 8.25, 1e-6)
    const halves = StatCounter.make(data.slice(0, 17)).merge(StatCounter.make(data.slice(17)))
    assert.closeTo(halves.variance, 8.25, 1e-6)
    assert.closeTo(halves.mean, base + 4.5, 1e-5)
  })

  it("property: a counter of the values equals the two-pass model", () => {
    fc.assert(fc.property(values, (xs) => assertMatches(StatCounter.make(xs), xs)))
  })

  it("property: merging the counters of any split equals the counter of all values", () => {
    fc.assert(fc.property(
      fc.array(values, { maxLength: 6 }),
      (parts) => {
        const merged = parts.reduce((acc, part) => acc.merge(StatCounter.make(part)), StatCounter.make())
        assertMatches(merged, parts.flat())
      }
    ))
  })
})
