import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as BlockId from "../../src/storage/BlockId.js"
import * as StorageLevel from "../../src/storage/StorageLevel.js"
import { withEnv } from "../../src/Closure.js"
import { makeContext, makeContextIn, modes } from "../utils/spark.js"

describe.each(modes)("persisted RDDs ($name)", (mode) => {
  for (const level of [StorageLevel.MEMORY_ONLY, StorageLevel.MEMORY_ONLY_SER, StorageLevel.MEMORY_AND_DISK, StorageLevel.DISK_ONLY]) {
    it.effect(`a persisted RDD (${level.name}) is computed once`, () =>
      Effect.gen(function*() {
        const sc = yield* makeContextIn(mode)
        const computed = sc.longAccumulator()
        const rdd = sc.parallelize([1, 2, 3, 4, 5], 3).map(withEnv({ computed }, ({ computed }) => (x: number) => {
          computed.add(1)
          return [x, { square: x * x }] as const
        })).persist(level)
        assert.strictEqual(rdd.storageLevel, level)
        const first = yield* rdd.collect()
        assert.strictEqual(computed.value, 5)
        assert.deepStrictEqual(yield* rdd.collect(), first)
        assert.strictEqual(yield* rdd.count(), 5)
        assert.strictEqual(computed.value, 5, "served from the cache")
        for (let p = 0; p < 3; p++) {
          assert.deepStrictEqual(sc.blockManagerMaster.getLocations(BlockId.rdd(rdd.id, p)).map((l) => l.executorId), ["driver"])
        }
        assert.include(sc.getPersistentRDDs().map((r) => r.id), rdd.id)
        rdd.unpersist()
        assert.strictEqual(rdd.storageLevel, StorageLevel.NONE)
        assert.deepStrictEqual(sc.blockManager.blockNames().filter((n) => n.startsWith(`rdd_${rdd.id}_`)), [])
        assert.notInclude(sc.getPersistentRDDs().map((r) => r.id), rdd.id)
        assert.deepStrictEqual(yield* rdd.collect(), first)
        assert.strictEqual(computed.value, 10, "recomputed after unpersist")
      }).pipe(Effect.scoped))
  }
})

describe("persist, cache, unpersist", () => {
  it.effect("changing the storage level of a persisted RDD fails the next action", () =>
    Effect.gen(function*() {
      const sc = yield* makeContext()
      const rdd = sc.parallelize([1, 2, 3]).cache()
      rdd.persist(StorageLevel.MEMORY_ONLY) // the same level again is fine
      assert.strictEqual(yield* rdd.count(), 3)
      rdd.persist(StorageLevel.DISK_ONLY)
      const error = yield* Effect.flip(rdd.count())
      assert.strictEqual(error._tag, "StorageLevelChangeError")
      assert.match(error.message, /MEMORY_ONLY to DISK_ONLY/)
      assert.match(error.message, /unpersist\(\)/)
      // Children inherit nothing from it at build time, but unpersist clears it.
      rdd.unpersist().persist(StorageLevel.DISK_ONLY)
      assert.strictEqual(yield* rdd.count(), 3)
      assert.strictEqual(rdd.storageLevel, StorageLevel.DISK_ONLY)
    }).pipe(Effect.scoped))

  it.effect("cached partitions evicted under a small memory limit are recomputed", () =>
    Effect.gen(function*() {
      // 0.6 of 20 KB for blocks: far less than the RDD.
      const sc = yield* makeContext({ conf: { "spark.executor.memory": "20k" } })
      const rdd = sc.range(0, 20_000, 1, 8).map((x) => [x, `v${x}`] as const).cache()
      assert.strictEqual(yield* rdd.count(), 20_000)
      assert.isAtMost(sc.blockManager.memoryUsed, 0.6 * 20 * 1024)
      assert.strictEqual(yield* rdd.filter(([x]) => x % 2 === 0).count(), 10_000)
    }).pipe(Effect.scoped))
})
