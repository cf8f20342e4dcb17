import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as path from "node:path"
import { SparkContext } from "../src/index.js"
import { makeContext, tempDir } from "./utils/spark.js"

describe("bad input fails with a typed error that says what to change", () => {
  it.effect("numSlices <= 0 or not an integer", () =>
    Effect.gen(function*() {
      const sc = yield* makeContext()
      for (const n of [0, -1, 1.5]) {
        const error = yield* Effect.flip(sc.parallelize([1, 2, 3], n).count())
        assert.strictEqual(error._tag, "InvalidArgumentError")
        assert.include(error.message, `numSlices must be a positive integer, got ${n}`)
        // Children of an invalid RDD fail the same way.
        const child = yield* Effect.flip(sc.parallelize([1], n).map((x) => x).collect())
        assert.strictEqual(child._tag, "InvalidArgumentError")
      }
      for (
        const [name, rdd] of [
          ["range", sc.range(0, 10, 0)],
          ["coalesce", sc.parallelize([1]).coalesce(0)],
          ["repartition", sc.parallelize([1]).repartition(-2)],
          ["reduceByKey", sc.parallelize([[1, 1] as const]).reduceByKey((a, b) => a + b, 0)],
          ["sample", sc.parallelize([1]).sample(false, 1.5)]
        ] as const
      ) {
        const error = yield* Effect.flip((rdd as { count: () => Effect.Effect<number, { _tag: string; message: string }> }).count())
        assert.strictEqual(error._tag, "InvalidArgumentError", name)
        assert.match(error.message, /must be/, name)
      }
      const sortError = yield* Effect.flip(sc.parallelize([[1, 1] as const]).sortByKey(true, -1)) // 0 is allowed, as Spark (one partition)
      assert.strictEqual(sortError._tag, "InvalidArgumentError")
      assert.include(sortError.message, "numPartitions")
    }).pipe(Effect.scoped))

  it.effect("actions on a stopped context", () =>
    Effect.gen(function*() {
      const sc = yield* makeContext()
      const rdd = sc.parallelize([1, 2, 3])
      assert.strictEqual(yield* rdd.count(), 3)
      yield* sc.stop()
      assert.isTrue(sc.isStopped)
      const error = yield* Effect.flip(rdd.count())
      assert.strictEqual(error._tag, "SparkContextStoppedError")
      assert.match(error.message, /stopped SparkContext: create a new one/)
      yield* sc.stop() // stopping twice is harmless
    }).pipe(Effect.scoped))

  it.effect("an unknown master string", () =>
    Effect.gen(function*() {
      for (const master of ["yarn", "local[0]", "local[x]", "spark://host:7077"]) {
        const error = yield* Effect.flip(SparkContext.make({ master }))
        assert.strictEqual(error._tag, "UnknownMasterError")
        assert.include(error.message, master)
        assert.include(error.message, "local[N]")
      }
      const sc = yield* SparkContext.make({ master: "local[3,2]" })
      assert.strictEqual(sc.defaultParallelism, 3)
      const bad = yield* Effect.flip(SparkContext.make({ master: "local", conf: { "spark.task.maxFailures": 0 } }))
      assert.strictEqual(bad._tag, "InvalidArgumentError")
      assert.include(bad.message, "spark.task.maxFailures")
    }).pipe(Effect.scoped))

  it.effect("zip of RDDs with different partition counts or element counts", () =>
    Effect.gen(function*() {
      const sc = yield* makeContext()
      const error = yield* Effect.flip(sc.parallelize([1, 2], 2).zip(sc.parallelize([1, 2], 1)).collect())
      assert.strictEqual(error._tag, "InvalidArgumentError")
      assert.include(error.message, "Can't zip RDDs with unequal numbers of partitions: 2 and 1")
      const counts = yield* Effect.flip(sc.parallelize([1, 2, 3], 2).zip(sc.parallelize([1, 2], 2)).collect())
      assert.strictEqual(counts._tag, "JobFailedError")
      assert.include(counts.message, "same number of elements in every partition")
    }).pipe(Effect.scoped))

  it.effect("textFile of a missing path", () =>
    Effect.gen(function*() {
      const sc = yield* makeContext()
      const dir = yield* tempDir
      const missing = path.join(dir, "nope.txt")
      const error = yield* Effect.flip(sc.textFile(missing).count())
      assert.strictEqual(error._tag, "InvalidArgumentError")
      assert.include(error.message, `Input path does not exist or cannot be read: ${missing}`)
    }).pipe(Effect.scoped))

  it.effect("take(-1), first() on empty, reduce on empty", () =>
    Effect.gen(function*() {
      const sc = yield* makeContext()
      const take = yield* Effect.flip(sc.parallelize([1]).take(-1))
      assert.strictEqual(take._tag, "InvalidArgumentError")
      assert.include(take.message, "n must be a non-negative integer, got -1")
      const takeOrdered = yield* Effect.flip(sc.parallelize([1]).takeOrdered(-1))
      assert.strictEqual(takeOrdered._tag, "InvalidArgumentError")
      for (const empty of [sc.emptyRDD<number>(), sc.parallelize<number>([], 3), sc.parallelize([1, 2], 2).filter(() => false)]) {
        const first = yield* Effect.flip(empty.first())
        assert.strictEqual(first._tag, "UnsupportedOperationError")
        assert.include(first.message, "empty collection: first() on an empty RDD; check isEmpty() first")
        const reduce = yield* Effect.flip(empty.reduce((a, b) => a + b))
        assert.strictEqual(reduce._tag, "UnsupportedOperationError")
        assert.include(reduce.message, "empty collection: reduce() on an empty RDD; use fold() with a zero value")
        assert.isTrue(yield* empty.isEmpty())
        assert.strictEqual(yield* empty.fold(0, (a, b) => a + b), 0)
      }
    }).pipe(Effect.scoped))

  it.effect("runJob on partitions that do not exist, or an RDD of another context", () =>
    Effect.gen(function*() {
      const sc = yield* makeContext()
      const other = yield* makeContext()
      const rdd = sc.parallelize([1, 2], 2)
      const error = yield* Effect.flip(rdd.runJob((it) => it.next(), [2]))
      assert.strictEqual(error._tag, "InvalidArgumentError")
      assert.include(error.message, "non-existent partition: 2")
      const foreign = yield* Effect.flip(other.runJob(rdd, (it) => it.next()))
      assert.strictEqual(foreign._tag, "InvalidArgumentError")
      assert.include(foreign.message, "another SparkContext")
    }).pipe(Effect.scoped))

  it("the Promise facade runs and stops a context", async () => {
    const sc = await SparkContext.create({ master: "local[2]" })
    assert.strictEqual(await sc.run(sc.parallelize([1, 2, 3]).map((x) => x * 2).reduce((a, b) => a + b)), 12)
    await SparkContext.close(sc)
    assert.isTrue(sc.isStopped)
  })
})
