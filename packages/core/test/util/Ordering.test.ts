import { assert, describe, it } from "@effect/vitest"
import fc from "fast-check"
import { compareKeys, reverse } from "../../src/util/Ordering.js"
import { anyKey, reorder } from "../arbitraries/keys.js"
import { canonical } from "../utils/spark.js"

const sign = (n: number) => (n > 0 ? 1 : n < 0 ? -1 : 0)

describe("Ordering.compareKeys", () => {
  it("is a total order consistent with structural equality", () =>
    fc.assert(
      fc.property(anyKey, anyKey, anyKey, (a, b, c) => {
        assert.strictEqual(compareKeys(a, a), 0)
        assert.strictEqual(compareKeys(a, reorder(a)), 0)
        assert.strictEqual(sign(compareKeys(a, b)), -sign(compareKeys(b, a)), "antisymmetric")
        if (compareKeys(a, b) <= 0 && compareKeys(b, c) <= 0) assert.isAtMost(compareKeys(a, c), 0, "transitive")
        // Equal under the ordering means structurally equal.
        if (compareKeys(a, b) === 0) assert.strictEqual(canonical(a), canonical(b))
      }),
      { numRuns: 500 }
    ))

  it("sorts numbers numerically, strings by code unit, tuples lexicographically", () => {
    assert.deepStrictEqual([10, 9, -1, 2.5].sort(compareKeys), [-1, 2.5, 9, 10])
    assert.deepStrictEqual(["b", "a", "ab", "B"].sort(compareKeys), ["B", "a", "ab", "b"])
    assert.deepStrictEqual(
      [[1, "b"], [1, "a"], [0, "z"], [1]].sort(compareKeys),
      [[0, "z"], [1], [1, "a"], [1, "b"]]
    )
    assert.deepStrictEqual([3n, 1, 2n].sort(compareKeys), [1, 2n, 3n])
    assert.deepStrictEqual([2, 1, 3].sort(reverse(compareKeys)), [3, 2, 1])
  })
})
