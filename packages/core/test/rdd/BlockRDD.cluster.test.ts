import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { withEnv } from "../../src/Closure.js"
import * as BlockRDD from "../../src/rdd/BlockRDD.js"
import type { TaskContext } from "../../src/scheduler/TaskContext.js"
import * as SparkContext from "../../src/SparkContext.js"
import * as BlockId from "../../src/storage/BlockId.js"
import * as StorageLevel from "../../src/storage/StorageLevel.js"
import { eventually } from "../utils/spark.js"

// Real worker threads and processes on the real clock; each wait is bounded.

const hostOf = (sc: SparkContext.SparkContext, executorId: string): string =>
  sc.blockManagerMaster.blockManagers.find((id) => id.executorId === executorId)?.host ?? "localhost"

const holders = (sc: SparkContext.SparkContext, blockId: BlockId.BlockId): Array<string> =>
  sc.blockManagerMaster.getLocations(blockId).map((id) => id.executorId).sort()

/** Stores `records` as `blockId` at `level` from a task pinned to `executorId`; returns where that task ran. */
const storeOn = (
  sc: SparkContext.SparkContext,
  executorId: string,
  blockId: BlockId.BlockId,
  records: ReadonlyArray<unknown>,
  level: StorageLevel.StorageLevel
) =>
  Effect.map(
    sc.makeRDD([[0, [`executor_${hostOf(sc, executorId)}_${executorId}`]]]).runJob(
      withEnv({ blockId, records, level }, ({ blockId, level, records }) => (_it: Iterator<number>, ctx: TaskContext) => {
        if (!ctx.env.blockManager.putValues(blockId, records, level)) throw new Error(`could not store ${blockId.name}`)
        return ctx.env.executorId
      })
    ),
    ([ranOn]) => ranOn
  )

/** Each partition's records and the executor that read them. */
const readWhere = <T>(
  rdd: { runJob: (f: (it: Iterator<T>, ctx: TaskContext) => [string, Array<T>]) => Effect.Effect<Array<[string, Array<T>]>, unknown> }
) =>
  rdd.runJob((it, ctx) => {
    const out: Array<T> = []
    for (let next = it.next(); !next.done; next = it.next()) out.push(next.value)
    return [ctx.env.executorId, out]
  })

describe("received blocks on local-cluster[2,1,512]", () => {
  it.live(
    "a block stored by a task on executor A is known to the master and read by a task on A",
    () =>
      Effect.scoped(Effect.gen(function*() {
        const sc = yield* SparkContext.make({ master: "local-cluster[2,1,512]" })
        const ids = [BlockId.stream(0, 0), BlockId.stream(0, 1), BlockId.stream(0, 2), BlockId.stream(0, 3)]
        const owners = ["exec-0", "exec-1", "exec-1", "exec-0"]
        for (let i = 0; i < ids.length; i++) {
          assert.strictEqual(yield* storeOn(sc, owners[i]!, ids[i]!, [`r${i}a`, `r${i}b`], StorageLevel.MEMORY_ONLY_SER), owners[i])
          assert.deepStrictEqual(holders(sc, ids[i]!), [owners[i]!], "the block update reached the master")
        }
        const rdd = BlockRDD.make<string>(sc, ids)
        assert.deepStrictEqual(
          rdd.preferredLocations(rdd.partitions[1]!),
          [`executor_${hostOf(sc, "exec-1")}_exec-1`]
        )
        assert.deepStrictEqual(yield* readWhere<string>(rdd), owners.map((owner, i) => [owner, [`r${i}a`, `r${i}b`]]))
        // A task on the other executor reads the block remotely (zip prefers its first parent's location).
        const pinned = sc.makeRDD([[7, [`executor_${hostOf(sc, "exec-1")}_exec-1`]]])
        const zipped = pinned.zip(BlockRDD.make<string>(sc, [ids[0]!]).filter((s) => s.endsWith("a")))
        assert.deepStrictEqual(yield* readWhere<[number, string]>(zipped), [["exec-1", [[7, "r0a"]]]])
      })),
    { timeout: 90_000 }
  )

  it.live(
    "MEMORY_AND_DISK_SER_2 puts a replica on the other executor; after the holder is killed the BlockRDD reads the replica",
    () =>
      Effect.scoped(Effect.gen(function*() {
        const sc = yield* SparkContext.make({ master: "local-cluster[2,1,512]" })
        const blockId = BlockId.stream(3, 1)
        yield* storeOn(sc, "exec-0", blockId, ["x", "y", "z"], StorageLevel.MEMORY_AND_DISK_SER_2)
        yield* eventually("the replica's block update", () => holders(sc, blockId).length === 2)
        assert.deepStrictEqual(holders(sc, blockId), ["exec-0", "exec-1"])
        const rdd = BlockRDD.make<string>(sc, [blockId])
        assert.sameMembers([...rdd.preferredLocations(rdd.partitions[0]!)], [
          `executor_${hostOf(sc, "exec-0")}_exec-0`,
          `executor_${hostOf(sc, "exec-1")}_exec-1`
        ])
        yield* sc.killExecutor("exec-0")
        // The loss reaches the master through the scheduler's event loop.
        yield* eventually("the master forgetting exec-0", () => !holders(sc, blockId).includes("exec-0"))
        assert.deepStrictEqual(holders(sc, blockId), ["exec-1"])
        assert.deepStrictEqual(yield* readWhere<string>(rdd), [["exec-1", ["x", "y", "z"]]])
        rdd.removeBlocks()
        yield* eventually("the replica's removal", () => holders(sc, blockId).length === 0)
      })),
    { timeout: 90_000 }
  )
})

describe("received blocks on local-process[2,1,512]", () => {
  it.live("a replicated block survives the SIGKILL of the process that stored it", () =>
    Effect.scoped(Effect.gen(function*() {
      const sc = yield* SparkContext.make({ master: "local-process[2,1,512]" })
      const blockId = BlockId.stream(4, 2)
      yield* storeOn(sc, "exec-1", blockId, [1, 2, 3], StorageLevel.MEMORY_AND_DISK_SER_2)
      yield* eventually("the replica's block update", () => holders(sc, blockId).length === 2)
      yield* sc.killExecutor("exec-1")
      yield* eventually("the master forgetting exec-1", () => !holders(sc, blockId).includes("exec-1"))
      const rdd = BlockRDD.make<number>(sc, [blockId])
      assert.deepStrictEqual(yield* readWhere<number>(rdd), [["exec-0", [1, 2, 3]]])
    })), { timeout: 90_000 })
})
