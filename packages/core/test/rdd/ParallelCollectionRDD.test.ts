import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as ParallelCollectionRDD from "../../src/rdd/ParallelCollectionRDD.js"
import { makeContext } from "../utils/spark.js"

describe("ParallelCollectionRDD slice counts", () => {
  it.effect("more slices than elements gives empty partitions, as in Spark", () =>
    Effect.gen(function*() {
      const sc = yield* makeContext()
      const rdd = sc.parallelize([1, 2, 3], 5)
      assert.strictEqual(rdd.partitions.length, 5)
      assert.deepStrictEqual(yield* rdd.glom().collect(), [[], [1], [], [2], [3]])
    }))

  it.effect("the cap itself is accepted (the RDD is built, without running it)", () =>
    Effect.gen(function*() {
      const sc = yield* makeContext()
      assert.strictEqual(sc.parallelize([1], ParallelCollectionRDD.MAX_SLICES).partitions.length, 1_000_000)
    }))

  it.effect("a count beyond the cap fails with a typed error naming the cap, without allocating the slices", () =>
    Effect.gen(function*() {
      const sc = yield* makeContext()
      for (const n of [ParallelCollectionRDD.MAX_SLICES + 1, 1e9, Number.MAX_SAFE_INTEGER]) {
        const rdd = sc.parallelize([1, 2, 3], n)
        assert.strictEqual(rdd.partitions.length, 1)
        const error = yield* Effect.flip(rdd.count())
        assert.strictEqual(error._tag, "InvalidArgumentError")
        assert.include(error.message, `numSlices must be at most 1000000 (ParallelCollectionRDD.MAX_SLICES), got ${n}`)
      }
    }))
})
