/**
 * The context cleaner's explicit path (`cleanupForgotten`): what only the
 * forgotten RDDs reach is removed at once; what a live RDD reaches is kept.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as v8 from "node:v8"
import * as vm from "node:vm"
import * as Broadcast from "../src/Broadcast.js"
import * as BlockId from "../src/storage/BlockId.js"
import { makeContext, tempDir } from "./utils/spark.js"

const shuffleBlocks = (names: ReadonlyArray<string>, shuffleId: number) => names.filter((n) => n.startsWith(`shuffle_${shuffleId}_`))

describe("ContextCleaner.cleanupForgotten", () => {
  it.effect("unregisters a shuffle only the forgotten RDDs use, and keeps one a live RDD still reads", () =>
    Effect.gen(function*() {
      const sc = yield* makeContext()
      const pairs = sc.parallelize([1, 2, 3, 4, 5, 6], 2).map((x) => [x % 3, x] as [number, number])
      const shared = pairs.reduceByKey((a, b) => a + b, 2)
      const liveChild = shared.map(([k, v]) => [k, v * 2] as [number, number])
      const forgottenOnly = pairs.groupByKey(2)
      const forgottenChild = shared.mapValues((v) => v + 1)
      yield* liveChild.count()
      yield* forgottenOnly.count()
      yield* forgottenChild.count()
      const sharedShuffle = shared.dependencies[0]!
      const onlyShuffle = forgottenOnly.dependencies[0]!
      assert.strictEqual(sharedShuffle._tag, "Shuffle")
      assert.strictEqual(onlyShuffle._tag, "Shuffle")
      const sharedId = sharedShuffle._tag === "Shuffle" ? sharedShuffle.shuffleId : -1
      const onlyId = onlyShuffle._tag === "Shuffle" ? onlyShuffle.shuffleId : -1
      assert.isAbove(shuffleBlocks(sc.blockManager.blockNames(), onlyId).length, 0)

      const summary = yield* sc.cleaner.cleanupForgotten([forgottenOnly, forgottenChild], [liveChild])
      assert.deepStrictEqual(summary, { rdds: 0, shuffles: 1, checkpoints: 0 })
      // The cleanup runs on the scheduler's loop, in order with jobs: after a job, it is done.
      assert.deepStrictEqual(yield* liveChild.collect().pipe(Effect.map((kvs) => kvs.length)), 3)
      assert.isFalse(sc.mapOutputTracker.containsShuffle(onlyId))
      assert.deepStrictEqual(shuffleBlocks(sc.blockManager.blockNames(), onlyId), [])
      assert.isTrue(sc.mapOutputTracker.containsShuffle(sharedId), "a live RDD still reads it")
      assert.isAbove(shuffleBlocks(sc.blockManager.blockNames(), sharedId).length, 0)
    }).pipe(Effect.scoped))

  it.effect("removes a forgotten persisted RDD's blocks, but not those of a cached RDD it was built from", () =>
    Effect.gen(function*() {
      const sc = yield* makeContext()
      const table = sc.parallelize([1, 2, 3, 4], 2).cache()
      const batch = table.map((x) => x + 1).cache()
      yield* batch.count()
      const summary = yield* sc.cleaner.cleanupForgotten([batch], [])
      assert.strictEqual(summary.rdds, 1)
      yield* sc.parallelize([0], 1).count()
      assert.deepStrictEqual(sc.blockManagerMaster.getLocations(BlockId.rdd(batch.id, 0)), [])
      assert.lengthOf(sc.blockManagerMaster.getLocations(BlockId.rdd(table.id, 0)), 1, "the application's cached RDD is its own")
    }).pipe(Effect.scoped))

  it.effect("deletes a checkpoint directory once no live RDD reads it, and a written checkpoint drops the old lineage", () =>
    Effect.gen(function*() {
      const sc = yield* makeContext()
      yield* sc.setCheckpointDir(yield* tempDir)
      const first = sc.parallelize([1, 2, 3], 2).map((x) => [x, 1] as [number, number]).reduceByKey((a, b) => a + b)
      first.checkpoint()
      yield* first.count()
      const firstDir = first.checkpointDirectory
      assert.isDefined(firstDir)
      assert.isTrue(fs.existsSync(firstDir!))
      // The parents are gone: the lineage ends at the checkpoint, so the old shuffle is not reachable.
      assert.strictEqual(first.dependencies[0]!.rdd.op.kind, "ReliableCheckpointRDD")
      const second = first.mapValues((v) => v + 1)
      second.checkpoint()
      yield* second.count()

      // A newer checkpoint (second's) is complete and truncates the live lineage: first's directory is unreachable.
      const removed = yield* sc.cleaner.cleanupForgotten([first], [second.mapValues((v) => v)])
      assert.strictEqual(removed.checkpoints, 1)
      assert.isFalse(fs.existsSync(firstDir!))
      assert.isTrue(fs.existsSync(second.checkpointDirectory!))

      const third = sc.parallelize([1], 1).map((x) => x)
      third.checkpoint()
      yield* third.count()
      const thirdDir = third.checkpointDirectory!
      const live = yield* sc.cleaner.cleanupForgotten([third], [third.map((x) => x + 1)])
      assert.strictEqual(live.checkpoints, 0)
      assert.isTrue(fs.existsSync(thirdDir), "a live RDD reads it")
    }).pipe(Effect.scoped))
})

describe("broadcast cleanup", () => {
  it.effect("a broadcast whose object is collected is dropped from the driver", () =>
    Effect.gen(function*() {
      v8.setFlagsFromString("--expose-gc")
      const gc = vm.runInNewContext("gc") as () => void
      const manager = yield* Broadcast.BroadcastManager
      const kept = manager.newBroadcast([1, 2, 3])
      // Made and dropped in a function, so nothing on this stack holds them.
      const makeAndDrop = () => void manager.newBroadcast(new Array(1000).fill(7))
      for (let i = 0; i < 10; i++) makeAndDrop()
      assert.strictEqual(manager.size(), 11)
      for (let attempt = 0; attempt < 50 && manager.size() > 1; attempt++) {
        gc()
        yield* Effect.promise(() => new Promise((resolve) => setImmediate(resolve)))
      }
      assert.strictEqual(manager.size(), 1, "the dropped broadcasts are gone")
      assert.deepStrictEqual(manager.getValue(kept.id), [1, 2, 3])
    }).pipe(Effect.provide(Broadcast.layer)))
})
