// WriteAheadLogBackedBlockRDD over real files, as Spark's
// WriteAheadLogBackedBlockRDDSuite: every block in the block manager, some
// of them, or none (all read from the log), records and line blocks; a
// block in neither fails the job naming both; blocks' preferred locations.
import { assert, describe, it } from "@effect/vitest"
import { FileSystem, FileWriteAheadLog, type WriteAheadLog } from "@tspark/checkpoint"
import { BlockId, BlockManager, StorageLevel } from "@tspark/core"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as WriteAheadLogBackedBlockRDD from "../../src/rdd/WriteAheadLogBackedBlockRDD.js"
import type { ReceivedBlockInfo } from "../../src/scheduler/ReceivedBlockInfo.js"
import { makeSparkContext, tempDir } from "../utils/streaming.js"

const blockData = (i: number): Array<string> => Array.from({ length: 3 }, (_, j) => `block ${i} record ${j}`)

/** `count` blocks, each written to the log; the first `inBlockManager` also put in the driver's block manager. */
const setup = (count: number, inBlockManager: number) =>
  Effect.gen(function*() {
    const sc = yield* makeSparkContext()
    const dir = yield* tempDir()
    const log = yield* FileWriteAheadLog.make({ directory: dir }).pipe(Effect.provide(FileSystem.layerLocal))
    const ids = Array.from({ length: count }, (_, i) => BlockId.stream(0, i))
    const handles: Array<WriteAheadLog.RecordHandle> = []
    for (let i = 0; i < count; i++) {
      // Odd blocks are line blocks, as socketTextStream stores them.
      const bytes = i % 2 === 1 ? Buffer.from(`\n${blockData(i).join("\n")}\n`) : BlockManager.serializeValues(blockData(i))
      handles.push(yield* log.write(bytes, i))
      if (i < inBlockManager) sc.blockManager.putBytes(ids[i]!, bytes, StorageLevel.MEMORY_ONLY_SER)
    }
    return { sc, ids, handles }
  })

describe("WriteAheadLogBackedBlockRDD", () => {
  for (const [name, inBlockManager] of [["all", 4], ["some", 2], ["none", 0]] as const) {
    it.effect(`reads every block, with ${name} of them in the block manager and the rest from the log`, () =>
      Effect.gen(function*() {
        const { handles, ids, sc } = yield* setup(4, inBlockManager)
        const rdd = new WriteAheadLogBackedBlockRDD.WriteAheadLogBackedBlockRDD<string>(sc, ids, handles)
        assert.strictEqual(rdd.numPartitions, 4)
        assert.deepStrictEqual(yield* rdd.glom().collect(), [0, 1, 2, 3].map(blockData))
        const { executorId, host } = sc.blockManager.id
        // A block's executors when it is in one; none once it is gone (the log is read where the task runs).
        assert.deepStrictEqual(rdd.preferredLocations(rdd.partitions[0]!), inBlockManager > 0 ? [`executor_${host}_${executorId}`] : [])
        assert.deepStrictEqual(rdd.preferredLocations(rdd.partitions[3]!), inBlockManager === 4 ? [`executor_${host}_${executorId}`] : [])
      }).pipe(Effect.scoped))
  }

  it.effect("a block in no block manager whose log record is gone fails the job with a clear error", () =>
    Effect.gen(function*() {
      const { handles, ids, sc } = yield* setup(2, 0)
      fs.rmSync(handles[1]!.path)
      const rdd = new WriteAheadLogBackedBlockRDD.WriteAheadLogBackedBlockRDD<string>(sc, ids, handles)
      const error = yield* Effect.flip(rdd.collect())
      assert.match(
        error.message,
        new RegExp(`block input-0-\\d of RDD ${rdd.id} is in no block manager, and reading it from its write-ahead log record`)
      )
      assert.include(error.message, "was deleted by clean()")
    }).pipe(Effect.scoped))

  it.effect("fromBlockInfos builds one over blocks that all have a handle, and nothing otherwise", () =>
    Effect.gen(function*() {
      const { handles, ids, sc } = yield* setup(2, 0)
      const infos: Array<ReceivedBlockInfo> = ids.map((id, i) => ({
        streamId: 0,
        numRecords: 3,
        blockId: id.name,
        executorId: "driver",
        host: "localhost",
        walRecordHandle: handles[i]!
      }))
      const rdd = WriteAheadLogBackedBlockRDD.fromBlockInfos<string>(sc, infos)!
      assert.isTrue(WriteAheadLogBackedBlockRDD.isWriteAheadLogBackedBlockRDD(rdd))
      assert.deepStrictEqual(yield* rdd.collect(), [...blockData(0), ...blockData(1)])
      const { walRecordHandle: _, ...withoutHandle } = infos[1]!
      assert.isUndefined(WriteAheadLogBackedBlockRDD.fromBlockInfos(sc, [infos[0]!, withoutHandle]))
    }).pipe(Effect.scoped))
})
