import { assert, describe, it } from "@effect/vitest"
import fc from "fast-check"
import * as Distribution from "../../src/util/Distribution.js"

describe("Distribution", () => {
  it("quantiles at min(floor(q * n), n - 1) of the sorted values, as Spark's; none of no values", () => {
    assert.isUndefined(Distribution.of([]))
    assert.deepStrictEqual(Distribution.of([4, 1, 3, 2]), { count: 4, min: 1, p25: 2, median: 3, p75: 4, max: 4 })
    assert.deepStrictEqual(Distribution.of([10, -2]), { count: 2, min: -2, p25: -2, median: 10, p75: 10, max: 10 })
    fc.assert(fc.property(fc.array(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), { minLength: 1, maxLength: 50 }), (values) => {
      const sorted = [...values].sort((a, b) => a - b)
      const d = Distribution.of(values)!
      const at = (q: number) => sorted[Math.min(Math.floor(q * sorted.length), sorted.length - 1)]
      assert.deepStrictEqual([d.min, d.p25, d.median, d.p75, d.max], [sorted[0], at(0.25), at(0.5), at(0.75), sorted.at(-1)])
      assert.strictEqual(d.count, values.length)
    }))
  })
})
