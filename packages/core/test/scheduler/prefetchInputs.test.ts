/**
 * An RDD op's `prefetch` (input only an asynchronous client can read) is
 * awaited by the in-process task runner before the task starts, also for a
 * shuffle map task below a narrow chain; a rejected prefetch fails the task
 * and the job with the error.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import type { RDDOp } from "../../src/internal/rdd/op.js"
import { RDD } from "../../src/rdd/RDD.js"
import * as SparkContext from "../../src/SparkContext.js"

/** An RDD of `parts` partitions whose records arrive asynchronously; `compute` only reads what prefetch stored. */
const asyncInput = (sc: SparkContext.SparkContext, parts: ReadonlyArray<ReadonlyArray<string>>, fail?: Error) => {
  const fetched = new Map<number, ReadonlyArray<string>>()
  const op: RDDOp = {
    factory: "test-async",
    args: [],
    kind: "AsyncInputRDD",
    params: {},
    getPartitions: () => parts.map((_, index) => ({ index })),
    prefetch: (_rdd, split) =>
      new Promise<void>((resolve, reject) =>
        setImmediate(() => {
          if (fail !== undefined) return reject(fail)
          fetched.set(split.index, parts[split.index]!)
          resolve()
        })
      ),
    compute: (_rdd, split) => {
      const records = fetched.get(split.index)
      if (records === undefined) throw new Error(`partition ${split.index} was not prefetched`)
      return records[Symbol.iterator]()
    }
  }
  return new RDD<string>(sc, op, [])
}

describe("prefetched task inputs (local backend)", () => {
  it.live("a narrow chain and a shuffle map stage read what prefetch fetched before the task", () =>
    Effect.scoped(Effect.gen(function*() {
      const sc = yield* SparkContext.make({ master: "local[2]" })
      const input = asyncInput(sc, [["a b", "b"], ["c a"], []])
      assert.deepStrictEqual(yield* input.map((line) => line.toUpperCase()).collect(), ["A B", "B", "C A"])
      const counts = yield* input.flatMap((line) => line.split(" ")).map((w) => [w, 1] as const).reduceByKey((x, y) => x + y).collect()
      assert.deepStrictEqual(counts.sort(), [["a", 2], ["b", 2], ["c", 1]])
    })))

  it.live("a rejected prefetch fails the job with its error", () =>
    Effect.scoped(Effect.gen(function*() {
      const sc = yield* SparkContext.make({ master: "local[1]" })
      const result = yield* Effect.result(asyncInput(sc, [["x"]], new Error("the source is down")).collect())
      assert.strictEqual(result._tag, "Failure")
      assert.include(result._tag === "Failure" ? result.failure.message : "", "the source is down")
    })))
})
