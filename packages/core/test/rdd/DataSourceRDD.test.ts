/**
 * DataSourceRDD: inputs read by a shippable reader in the task that computes
 * each partition. On the in-process backend and on worker-thread executors
 * alike: an asynchronous module reader (`Closure.fromModule`) and a
 * synchronous `withEnv` reader give every input's records once, under a
 * narrow chain and a shuffle map stage; a failing read fails the job with its
 * error; preferred locations are the placement's.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { fromModule, withEnv } from "../../src/Closure.js"
import * as DataSourceRDD from "../../src/rdd/DataSourceRDD.js"
import { RDD } from "../../src/rdd/RDD.js"
import * as SparkContext from "../../src/SparkContext.js"

const fixture = new URL("../fixtures/moduleFunctions.mjs", import.meta.url).href

interface Range {
  readonly from: number
  readonly until: number
}

const ranges: ReadonlyArray<Range> = [{ from: 0, until: 3 }, { from: 3, until: 4 }, { from: 10, until: 12 }]
const expected = ["r0", "r1", "r2", "r3", "r10", "r11"]

const moduleReader = (env: { prefix: string; failAt?: number }) =>
  fromModule<[Range], Iterable<string>>(fixture, "rangeReader", env) as DataSourceRDD.PartitionReader<Range, string>

for (const master of ["local[2]", "local-cluster[2,1,128]"]) {
  describe(`DataSourceRDD on ${master}`, () => {
    it.live(
      "a module reader's asynchronous reads feed a narrow chain and a shuffle map stage, each input once",
      () =>
        Effect.scoped(Effect.gen(function*() {
          const sc = yield* SparkContext.make({ master })
          const rdd = new RDD<string>(sc, DataSourceRDD.dataSource(moduleReader({ prefix: "r" }), ranges), [])
          assert.strictEqual(rdd.partitions.length, 3)
          assert.deepStrictEqual(yield* rdd.map((s) => s.toUpperCase()).collect(), expected.map((s) => s.toUpperCase()))
          const byLength = yield* rdd.map((s) => [s.length, 1] as const).reduceByKey((a, b) => a + b).collect()
          assert.deepStrictEqual([...byLength].sort(), [[2, 4], [3, 2]])
        })),
      { timeout: 60_000 }
    )

    it.live(
      "a synchronous withEnv reader ships with its environment",
      () =>
        Effect.scoped(Effect.gen(function*() {
          const sc = yield* SparkContext.make({ master })
          const read = withEnv({ prefix: "s" }, ({ prefix }) => ({ from, until }: Range) =>
            Array.from({ length: until - from }, (_, i) => `${prefix}${from + i}`))
          const rdd = new RDD<string>(sc, DataSourceRDD.dataSource(read, ranges), [])
          assert.deepStrictEqual(
            yield* rdd.collect(),
            expected.map((s) =>
              s.replace("r", "s")
            )
          )
        })),
      { timeout: 60_000 }
    )

    it.live(
      "a read that fails fails the job with its error",
      () =>
        Effect.scoped(Effect.gen(function*() {
          const sc = yield* SparkContext.make({ master, conf: { "spark.task.maxFailures": 1 } })
          const rdd = new RDD<string>(sc, DataSourceRDD.dataSource(moduleReader({ prefix: "r", failAt: 11 }), ranges), [])
          const error = yield* Effect.flip(rdd.count())
          assert.strictEqual(error._tag, "JobFailedError")
          assert.include(error.message, "record 11 is gone")
        })),
      { timeout: 60_000 }
    )
  })
}

describe("DataSourceRDD placement", () => {
  it.live("preferred locations, kind and params are the placement's; none without one", () =>
    Effect.scoped(Effect.gen(function*() {
      const sc = yield* SparkContext.make({ master: "local[1]" })
      const read = ({ from, until }: Range) => Array.from({ length: until - from }, (_, i) => from + i)
      const placed = new RDD<number>(
        sc,
        DataSourceRDD.dataSource(read, ranges.slice(0, 2), {
          kind: "OffsetRangeRDD",
          params: { topic: "t" },
          locations: [["executor_localhost_1"], []]
        }),
        []
      )
      assert.deepStrictEqual(placed.preferredLocations(placed.partitions[0]!), ["executor_localhost_1"])
      assert.deepStrictEqual(placed.preferredLocations(placed.partitions[1]!), [])
      assert.include(placed.toDebugString(), "OffsetRangeRDD")
      const plain = new RDD<number>(sc, DataSourceRDD.dataSource(read, ranges), [])
      assert.deepStrictEqual(plain.preferredLocations(plain.partitions[2]!), [])
      assert.deepStrictEqual(yield* plain.collect(), [0, 1, 2, 3, 10, 11])
    })))
})
