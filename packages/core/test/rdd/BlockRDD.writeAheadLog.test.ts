// A BlockRDD given write-ahead log record handles (the plan behind
// streaming's WriteAheadLogBackedBlockRDD), in process and with shipped
// tasks (the op is rebuilt from its plan by name): a block in a block
// manager is read from there, a block no executor holds from its record
// (records and line blocks), and one in neither fails the job, naming both.
import { assert, describe, it } from "@effect/vitest"
import { FileSystem, FileWriteAheadLog } from "@tspark/checkpoint"
import { Effect } from "effect"
import * as fs from "node:fs"
import { BlockRDD } from "../../src/rdd/BlockRDD.js"
import * as BlockId from "../../src/storage/BlockId.js"
import * as BlockManager from "../../src/storage/BlockManager.js"
import * as StorageLevel from "../../src/storage/StorageLevel.js"
import { makeContextIn, modes, tempDir } from "../utils/spark.js"

for (const mode of modes) {
  describe(`BlockRDD with write-ahead log records (${mode.name})`, () => {
    it.effect("reads from the block manager when the block is there, else from its record", () =>
      Effect.gen(function*() {
        const sc = yield* makeContextIn(mode)
        const dir = yield* tempDir
        const log = yield* FileWriteAheadLog.make({ directory: dir }).pipe(Effect.provide(FileSystem.layerLocal))
        const ids = [BlockId.stream(0, 1), BlockId.stream(0, 2), BlockId.stream(0, 3)]
        // The first block's record says something else: reading it from the block manager proves where it came from.
        const handles = [
          yield* log.write(BlockManager.serializeValues(["from the log"]), 0),
          yield* log.write(BlockManager.serializeValues(["b", "c"]), 0),
          yield* log.write(Buffer.from("\nline 1\nline 2\n"), 0)
        ]
        sc.blockManager.putValues(ids[0]!, ["from the block manager"], StorageLevel.MEMORY_ONLY)
        const rdd = new BlockRDD<string>(sc, ids, { removed: false }, handles)
        assert.deepStrictEqual(yield* rdd.glom().collect(), [["from the block manager"], ["b", "c"], ["line 1", "line 2"]])
        assert.strictEqual(rdd.op.kind, "WriteAheadLogBackedBlockRDD")
      }).pipe(Effect.scoped))

    it.effect("a block in no block manager whose record is gone fails the job with BlockRDDRecordReadError", () =>
      Effect.gen(function*() {
        const sc = yield* makeContextIn(mode)
        const dir = yield* tempDir
        const log = yield* FileWriteAheadLog.make({ directory: dir }).pipe(Effect.provide(FileSystem.layerLocal))
        const handle = yield* log.write(BlockManager.serializeValues([1]), 0)
        yield* log.close
        fs.rmSync(handle.path)
        const rdd = new BlockRDD<number>(sc, [BlockId.stream(0, 7)], { removed: false }, [handle])
        const error = yield* Effect.flip(rdd.collect())
        assert.include(error.message, "block input-0-7")
        assert.include(error.message, `write-ahead log record (${handle.path} at offset ${handle.offset})`)
      }).pipe(Effect.scoped))
  })
}
