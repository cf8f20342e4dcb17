import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as BlockRDD from "../../src/rdd/BlockRDD.js"
import type * as RDD from "../../src/rdd/RDD.js"
import * as BlockId from "../../src/storage/BlockId.js"
import * as StorageLevel from "../../src/storage/StorageLevel.js"
import { makeContextIn, modes } from "../utils/spark.js"

const drain = <T>(it: Iterator<T>): Array<T> => {
  const out: Array<T> = []
  for (let next = it.next(); !next.done; next = it.next()) out.push(next.value)
  return out
}

const causeOf = (error: unknown): { readonly _tag?: string } => (error as { cause?: never }).cause ?? {}

for (const mode of modes) {
  describe(`BlockRDD on local[2] (${mode.name})`, () => {
    it.effect("reads each block as one partition, in block order, preferring the driver's executor", () =>
      Effect.gen(function*() {
        const sc = yield* makeContextIn(mode)
        const ids = [BlockId.stream(0, 1), BlockId.stream(0, 2), BlockId.stream(1, 1)]
        sc.blockManager.putValues(ids[0]!, ["a", "b"], StorageLevel.MEMORY_ONLY)
        sc.blockManager.putValues(ids[1]!, ["c"], StorageLevel.MEMORY_AND_DISK_SER)
        sc.blockManager.putValues(ids[2]!, ["d", "e", "f"], StorageLevel.DISK_ONLY)
        const rdd = BlockRDD.make<string>(sc, ids)
        assert.strictEqual(rdd.numPartitions, 3)
        assert.deepStrictEqual(rdd.blockIds.map((id) => id.name), ["input-0-1", "input-0-2", "input-1-1"])
        assert.isTrue(rdd.isValid)
        assert.deepStrictEqual(yield* rdd.collect(), ["a", "b", "c", "d", "e", "f"])
        assert.deepStrictEqual(yield* rdd.glom().collect(), [["a", "b"], ["c"], ["d", "e", "f"]])
        assert.deepStrictEqual(yield* rdd.map((s) => s.toUpperCase()).collect(), ["A", "B", "C", "D", "E", "F"])
        const { host, executorId } = sc.blockManager.id
        assert.deepStrictEqual(rdd.preferredLocations(rdd.partitions[0]!), [`executor_${host}_${executorId}`])
        assert.strictEqual(rdd.toDebugString(), `(3) BlockRDD[${rdd.id}]`)
      }).pipe(Effect.scoped))

    it.effect("an RDD of zero blocks has zero partitions and no records", () =>
      Effect.gen(function*() {
        const sc = yield* makeContextIn(mode)
        const rdd = BlockRDD.make<number>(sc, [])
        assert.strictEqual(rdd.numPartitions, 0)
        assert.deepStrictEqual(yield* rdd.collect(), [])
        assert.strictEqual(yield* rdd.count(), 0)
      }).pipe(Effect.scoped))

    it.effect("a block stored nowhere fails the job with Spark's message, as BlockRDDBlockNotFoundError", () =>
      Effect.gen(function*() {
        const sc = yield* makeContextIn(mode)
        sc.blockManager.putValues(BlockId.stream(0, 1), [1], StorageLevel.MEMORY_ONLY)
        const rdd = BlockRDD.make<number>(sc, [BlockId.stream(0, 1), BlockId.stream(0, 3)])
        const error = yield* Effect.flip(rdd.collect())
        assert.strictEqual(error._tag, "JobFailedError")
        assert.include(error.message, `Could not compute split, block input-0-3 of RDD ${rdd.id} not found`)
        if (mode.name === "in-process closures") assert.strictEqual(causeOf(error)._tag, "BlockRDDBlockNotFoundError")
        // The block that exists still reads.
        assert.deepStrictEqual(yield* rdd.runJob(drain, [0]), [[1]])
      }).pipe(Effect.scoped))

    it.effect("removeBlocks removes the blocks everywhere; a job on the RDD afterwards fails with BlockRDDRemovedError", () =>
      Effect.gen(function*() {
        const sc = yield* makeContextIn(mode)
        const ids = [BlockId.stream(2, 1), BlockId.stream(2, 2)]
        for (const id of ids) sc.blockManager.putValues(id, [id.name], StorageLevel.MEMORY_AND_DISK_SER_2)
        const rdd = BlockRDD.make<string>(sc, ids)
        const child = rdd.map((s) => s.length)
        assert.deepStrictEqual(yield* child.collect(), [9, 9])
        rdd.removeBlocks()
        assert.isFalse(rdd.isValid)
        for (const id of ids) {
          assert.isFalse(sc.blockManager.contains(id))
          assert.deepStrictEqual(sc.blockManagerMaster.getLocations(id), [])
        }
        for (const target of [rdd as RDD.RDD<unknown>, child as RDD.RDD<unknown>]) {
          const error = yield* Effect.flip(target.collect())
          assert.include(error.message, `Attempted to use BlockRDD[${rdd.id}] after its blocks have been removed!`)
          if (mode.name === "in-process closures") assert.strictEqual(causeOf(error)._tag, "BlockRDDRemovedError")
        }
      }).pipe(Effect.scoped))
  })
}

describe("BlockRDD errors", () => {
  it("say what happened in Spark's words and what to change", () => {
    const missing = new BlockRDD.BlockRDDBlockNotFoundError({ blockId: "input-0-3", rddId: 12 })
    assert.match(missing.message, /^Could not compute split, block input-0-3 of RDD 12 not found; .*_2/)
    const removed = new BlockRDD.BlockRDDRemovedError({ rddId: 12 })
    assert.match(removed.message, /^Attempted to use BlockRDD\[12\] after its blocks have been removed! Build a new BlockRDD/)
    assert.isTrue(BlockRDD.isBlockRDD(undefined) === false)
  })
})
