import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import fc from "fast-check"
import * as fs from "node:fs"
import type { RDD } from "../../src/rdd/RDD.js"
import * as BlockId from "../../src/storage/BlockId.js"
import * as StorageLevel from "../../src/storage/StorageLevel.js"
import { withEnv } from "../../src/Closure.js"
import { pairs, slices } from "../arbitraries/data.js"
import { assertSameMultiset, checkProperty, makeContextIn, modes, recordEvents, tempDir } from "../utils/spark.js"

type Pair = readonly [unknown, number]

/** The shuffle ids an RDD's lineage depends on. */
const shuffleIds = (rdd: RDD<unknown>): Array<number> => {
  const ids = new Set<number>()
  const visit = (r: RDD<unknown>) => {
    for (const dep of r.dependencies) {
      if (dep._tag === "Shuffle") ids.add(dep.shuffleId)
      visit(dep.rdd as RDD<unknown>)
    }
  }
  visit(rdd)
  return [...ids]
}

const scenario = fc.record({
  data: pairs(40),
  slices,
  parts: fc.integer({ min: 1, max: 4 }),
  /** which blocks to lose, as fractions picked from the blocks present */
  lose: fc.array(fc.nat(), { minLength: 1, maxLength: 6 })
})

describe.each(modes)("lineage ($name)", (mode) => {
  it.effect("losing cached blocks recomputes them from lineage", () =>
    Effect.gen(function*() {
      const sc = yield* makeContextIn(mode)
      yield* checkProperty(scenario, ({ data, lose, parts, slices }) =>
        Effect.gen(function*() {
          const computed = sc.longAccumulator()
          const cached = sc.parallelize(data, slices).map(withEnv({ computed }, ({ computed }) => (kv: Pair) => {
            computed.add(1)
            return kv
          })).cache()
          const result = cached.reduceByKey((a, b) => a + b, parts)
          const first = yield* result.collect()
          assert.strictEqual(computed.value, data.length)
          const blocks = sc.blockManager.blockNames().filter((n) => n.startsWith(`rdd_${cached.id}_`)).sort()
          assert.strictEqual(blocks.length, slices)
          const lost = new Set(lose.map((i) => blocks[i % blocks.length]!))
          for (const name of lost) sc.blockManager.removeBlock(BlockId.parse(name)!)
          // A new shuffle over the cached RDD needs every partition again.
          const again = yield* cached.reduceByKey((a, b) => a + b, parts + 1).collect()
          assertSameMultiset(again, first)
          const lostRecords = [...lost].reduce((n, name) => n + (yield_size(name, data.length, slices)), 0)
          assert.strictEqual(computed.value, data.length + lostRecords, "only lost partitions recomputed")
          cached.unpersist()
        }), { numRuns: 40 })
    }).pipe(Effect.scoped))

  it.effect("losing shuffle blocks resubmits the map stage after a fetch failure", () =>
    Effect.gen(function*() {
      const sc = yield* makeContextIn(mode)
      const log = recordEvents(sc)
      yield* checkProperty(scenario, ({ data, lose, parts, slices }) =>
        Effect.gen(function*() {
          const result = sc.parallelize(data, slices).reduceByKey((a, b) => a + b, parts).mapValues((v) => v * 2)
          const first = yield* result.collect()
          const [shuffleId] = shuffleIds(result as RDD<unknown>)
          const blocks = sc.blockManager.blockNames().filter((n) => n.startsWith(`shuffle_${shuffleId}_`)).sort()
          yield* sc.waitForListeners()
          log.clear()
          for (const i of lose) {
            if (blocks.length > 0) sc.blockManager.removeBlock(BlockId.parse(blocks[i % blocks.length]!)!)
          }
          assertSameMultiset(yield* result.collect(), first)
          yield* sc.waitForListeners()
          if (blocks.length > 0) {
            const fetchFailed = log.of("TaskEnd").filter((e) => e.reason._tag === "FetchFailed")
            assert.isAbove(fetchFailed.length, 0, "a FetchFailed task end")
            const resubmitted = log.of("StageSubmitted").filter((e) => e.stageInfo.kind === "ShuffleMapStage")
            assert.isAbove(resubmitted.length, 0, "the map stage was resubmitted")
            // The map stage was submitted because of the fetch failure (the job first skipped it: outputs were registered).
            const firstFailure = log.events.indexOf(fetchFailed[0]!)
            assert.isTrue(log.events.indexOf(resubmitted[0]!) > firstFailure, "resubmitted after the fetch failure")
          }
        }), {
        numRuns: 40,
        examples: [
          // Four lost map outputs once took four stage attempts and aborted the job.
          [{
            data: [[{ q: "u", p: 0 }, 0], [[0, "x"], 0], [0, 0], [0, 0]],
            slices: 4,
            parts: 1,
            lose: [1127609882, 2136127273, 1676954263, 0]
          }]
        ]
      })
    }).pipe(Effect.scoped))

  it.effect("unregistered map outputs rerun only the missing map tasks", () =>
    Effect.gen(function*() {
      const sc = yield* makeContextIn(mode)
      const log = recordEvents(sc)
      const data = Array.from({ length: 60 }, (_, i) => [i % 9, i] as const)
      const result = sc.parallelize(data, 4).groupByKey(3).mapValues((vs) => vs.length)
      const first = yield* result.collect()
      const [shuffleId] = shuffleIds(result as RDD<unknown>)
      sc.mapOutputTracker.unregisterMapOutput(shuffleId!, 1)
      sc.mapOutputTracker.unregisterMapOutput(shuffleId!, 3)
      yield* sc.waitForListeners()
      log.clear()
      assertSameMultiset(yield* result.collect(), first)
      yield* sc.waitForListeners()
      const mapTasks = log.of("TaskEnd").filter((e) => e.taskType === "ShuffleMapTask")
      assert.deepStrictEqual(mapTasks.map((e) => e.taskInfo.index).sort(), [1, 3])
      assert.isTrue(log.of("TaskEnd").every((e) => e.reason._tag === "Success"))
    }).pipe(Effect.scoped))

  it.effect("checkpointed RDDs have no parents and give the same results", () =>
    Effect.gen(function*() {
      const sc = yield* makeContextIn(mode)
      const dir = yield* tempDir
      yield* sc.setCheckpointDir(dir)
      yield* checkProperty(
        fc.record({ data: pairs(40), slices, parts: fc.integer({ min: 1, max: 4 }), local: fc.boolean() }),
        ({ data, local, parts, slices }) =>
          Effect.gen(function*() {
            const reduced = sc.parallelize(data, slices).reduceByKey((a, b) => a + b, parts).mapValues((v) => v + 1)
            if (local) reduced.localCheckpoint()
            else reduced.checkpoint()
            assert.isFalse(reduced.isCheckpointed)
            const before = yield* reduced.collect()
            assert.isTrue(reduced.isCheckpointed)
            assert.strictEqual(reduced.dependencies.length, 1)
            const checkpointRdd = reduced.dependencies[0]!.rdd as RDD<unknown>
            assert.deepStrictEqual(checkpointRdd.dependencies, [])
            assert.strictEqual(checkpointRdd.op.kind, local ? "LocalCheckpointRDD" : "ReliableCheckpointRDD")
            assert.deepStrictEqual(shuffleIds(reduced as RDD<unknown>), [])
            assert.strictEqual(reduced.numPartitions, parts)
            assert.deepStrictEqual(yield* reduced.collect(), before)
            // Losing every shuffle output no longer matters: nothing reads them.
            for (const name of sc.blockManager.blockNames()) {
              if (name.startsWith("shuffle_")) sc.blockManager.removeBlock(BlockId.parse(name)!)
            }
            assertSameMultiset(yield* reduced.map((kv) => kv).collect(), before)
            if (!local) assert.isTrue(fs.readdirSync(sc.checkpointDir!).some((d) => d === `rdd-${reduced.id}`))
          }),
        { numRuns: 30 }
      )
    }).pipe(Effect.scoped))

  it.effect("a local checkpoint after a job that computed only some partitions still has every partition", () =>
    Effect.gen(function*() {
      // Regression: take(1) computed partition 0 only, the lineage was cut, and partition 1 was "lost".
      const sc = yield* makeContextIn(mode)
      const rdd = sc.parallelize([1, 2, 3, 4], 2).map((x) => x * 2).localCheckpoint()
      assert.deepStrictEqual(yield* rdd.take(1), [2])
      assert.isTrue(rdd.isCheckpointed)
      assert.deepStrictEqual(yield* rdd.collect(), [2, 4, 6, 8])
      const union = sc.parallelize([1, 2], 1).union(sc.parallelize([3], 1)).localCheckpoint()
      const zipped = yield* union.zipWithIndex() // counts partition 0 only
      assert.deepStrictEqual(yield* zipped.collect(), [[1, 0], [2, 1], [3, 2]])
    }).pipe(Effect.scoped))

  it.effect("checkpoint without a directory fails with a CheckpointError saying to set one", () =>
    Effect.gen(function*() {
      const sc = yield* makeContextIn(mode)
      const rdd = sc.parallelize([1, 2, 3]).checkpoint()
      const error = yield* Effect.flip(rdd.count())
      assert.strictEqual(error._tag, "CheckpointError")
      assert.match(error.message, /setCheckpointDir/)
    }).pipe(Effect.scoped))

  it.effect("a locally checkpointed block that is lost fails with a message pointing to checkpoint()", () =>
    Effect.gen(function*() {
      const sc = yield* makeContextIn(mode, { conf: { "spark.task.maxFailures": 1 } })
      const rdd = sc.parallelize([1, 2, 3, 4], 2).map((x) => x + 1).localCheckpoint()
      assert.deepStrictEqual(rdd.storageLevel, StorageLevel.MEMORY_AND_DISK)
      yield* rdd.count()
      sc.blockManager.removeBlock(BlockId.rdd(rdd.id, 0))
      const error = yield* Effect.flip(rdd.collect())
      assert.strictEqual(error._tag, "JobFailedError")
      assert.match(error.message, /checkpoint\(\)/)
    }).pipe(Effect.scoped))
})

/** How many records parallelize puts in the partition a block name refers to. */
function yield_size(blockName: string, total: number, slices: number): number {
  const split = Number(blockName.split("_")[2])
  return Math.floor(((split + 1) * total) / slices) - Math.floor((split * total) / slices)
}
