// The receiver's write-ahead-log block handler over real files: a stored
// block is in the block manager and durably in the log before the store
// completes, its handle reads back the same records (records and line
// blocks), old segments are cleaned, a failed log write fails the store
// with a typed error, and the supervisor stores through the log when
// spark.streaming.receiver.writeAheadLog.enable is on.
import { assert, describe, it } from "@effect/vitest"
import { Errors, FileSystem, FileWriteAheadLog, type WriteAheadLog } from "@tspark/checkpoint"
import { BlockId, BlockManager, StorageLevel } from "@tspark/core"
import { Deferred, Effect, Fiber } from "effect"
import { TestClock } from "effect/testing"
import * as fs from "node:fs"
import * as path from "node:path"
import * as ReceivedBlockHandler from "../../src/receiver/ReceivedBlockHandler.js"
import * as ReceiverSupervisor from "../../src/receiver/ReceiverSupervisor.js"
import { waitUntil } from "../utils/realTime.js"
import { tempDir } from "../utils/streaming.js"
import { makeBlockManager, makeTracker, settle, TestReceiver } from "./utils.js"

const readRecord = (handle: WriteAheadLog.RecordHandle) =>
  Effect.map(FileWriteAheadLog.readHandle(handle).pipe(Effect.provide(FileSystem.layerLocal)), (bytes) => [
    ...{ [Symbol.iterator]: () => BlockManager.deserializeValues<unknown>(bytes) }
  ])

const openHandler = (checkpointDir: string, conf: Record<string, string> = {}) =>
  Effect.gen(function*() {
    const blockManager = yield* makeBlockManager()
    const handler = yield* ReceivedBlockHandler.makeWriteAheadLogBased({
      store: blockManager,
      level: StorageLevel.MEMORY_AND_DISK_SER_2,
      checkpointDir,
      streamId: 3,
      conf
    })
    return { blockManager, handler }
  })

const segments = (dir: string) => fs.readdirSync(dir).filter((name) => name.startsWith("log-")).sort()

describe("WriteAheadLogBasedBlockHandler", () => {
  it.effect("stores records and line blocks in the block manager and the log; the handle reads the same records back", () =>
    Effect.gen(function*() {
      const checkpointDir = yield* tempDir()
      const { blockManager, handler } = yield* openHandler(checkpointDir)
      const records = yield* handler.storeBlock(BlockId.stream(3, 1), { _tag: "ArrayBufferBlock", records: [1, "two", { three: 3 }] })
      const lines = yield* handler.storeBlock(BlockId.stream(3, 2), {
        _tag: "ByteBufferBlock",
        bytes: Buffer.from("\nfirst line\nsecond line\n"),
        numRecords: 2
      })
      assert.strictEqual(records.numRecords, 3)
      assert.strictEqual(lines.numRecords, 2)
      assert.deepStrictEqual(blockManager.getValues(BlockId.stream(3, 1)), [1, "two", { three: 3 }])
      assert.deepStrictEqual(blockManager.getValues(BlockId.stream(3, 2)), ["first line", "second line"])
      assert.deepStrictEqual(yield* readRecord(records.walRecordHandle!), [1, "two", { three: 3 }])
      assert.deepStrictEqual(yield* readRecord(lines.walRecordHandle!), ["first line", "second line"])
      assert.strictEqual(path.dirname(records.walRecordHandle!.path), path.join(checkpointDir, "receivedData", "3"))
    }).pipe(Effect.scoped))

  it.effect("the store completes only after the log's write does", () =>
    Effect.gen(function*() {
      const blockManager = yield* makeBlockManager()
      const dir = yield* tempDir()
      const file = yield* FileWriteAheadLog.make({ directory: dir }).pipe(Effect.provide(FileSystem.layerLocal))
      const release = yield* Deferred.make<void>()
      const gated: WriteAheadLog.WriteAheadLog["Service"] = {
        ...file,
        write: (record, time) => Effect.andThen(Deferred.await(release), file.write(record, time))
      }
      const handler = ReceivedBlockHandler.writeAheadLogBased(blockManager, StorageLevel.MEMORY_ONLY, gated, {
        streamId: 0,
        directory: dir
      })
      const store = yield* Effect.forkChild(handler.storeBlock(BlockId.stream(0, 1), { _tag: "ArrayBufferBlock", records: ["a"] }))
      yield* settle()
      // In the block manager already (the two writes run side by side), but not stored until the log has it.
      assert.deepStrictEqual(blockManager.getValues(BlockId.stream(0, 1)), ["a"])
      assert.isUndefined(store.pollUnsafe())
      yield* Deferred.succeed(release, undefined)
      const result = yield* Fiber.join(store)
      assert.deepStrictEqual(yield* readRecord(result.walRecordHandle!), ["a"])
    }).pipe(Effect.scoped))

  it.effect("a failed log write fails the store with ReceiverWriteAheadLogError saying what to check", () =>
    Effect.gen(function*() {
      const blockManager = yield* makeBlockManager()
      const dir = yield* tempDir()
      const file = yield* FileWriteAheadLog.make({ directory: dir }).pipe(Effect.provide(FileSystem.layerLocal))
      const failing: WriteAheadLog.WriteAheadLog["Service"] = {
        ...file,
        write: () => Effect.fail(new Errors.FileSystemError({ operation: "append", path: dir, code: "ENOSPC", detail: "no space left" }))
      }
      const handler = ReceivedBlockHandler.writeAheadLogBased(blockManager, StorageLevel.MEMORY_ONLY, failing, {
        streamId: 4,
        directory: dir
      })
      const error = yield* Effect.flip(handler.storeBlock(BlockId.stream(4, 1), { _tag: "ArrayBufferBlock", records: [1] }))
      assert.strictEqual(error._tag, "ReceiverWriteAheadLogError")
      assert.include(error.message, "Could not write block input-4-1 of stream 4")
      assert.include(error.message, "ENOSPC")
      assert.include(error.message, "writable and has free space")
    }).pipe(Effect.scoped))

  it.effect("cleanupOldBlocks deletes the segments that end before the threshold", () =>
    Effect.gen(function*() {
      const checkpointDir = yield* tempDir()
      const { handler } = yield* openHandler(checkpointDir, { "spark.streaming.receiver.writeAheadLog.rollingIntervalSecs": "1" })
      const dir = path.join(checkpointDir, "receivedData", "3")
      const old = yield* handler.storeBlock(BlockId.stream(3, 1), { _tag: "ArrayBufferBlock", records: ["old"] })
      yield* TestClock.adjust("5 seconds")
      const recent = yield* handler.storeBlock(BlockId.stream(3, 2), { _tag: "ArrayBufferBlock", records: ["recent"] })
      assert.strictEqual(segments(dir).length, 2)
      yield* handler.cleanupOldBlocks(3000)
      assert.deepStrictEqual(segments(dir), [path.basename(recent.walRecordHandle!.path)])
      const cleaned = yield* Effect.flip(readRecord(old.walRecordHandle!))
      assert.strictEqual(cleaned._tag, "RecordCleanedError")
      assert.deepStrictEqual(yield* readRecord(recent.walRecordHandle!), ["recent"])
    }).pipe(Effect.scoped))

  it.effect("the supervisor stores through the log when it is on: store(records) resolves with the block durable and reported with its handle", () =>
    Effect.gen(function*() {
      const checkpointDir = yield* tempDir()
      const tracker = makeTracker()
      const receiver = new TestReceiver()
      const blockManager = yield* makeBlockManager()
      yield* Effect.forkChild(ReceiverSupervisor.run(receiver, {
        link: tracker.link,
        blockManager,
        conf: { "spark.streaming.receiver.writeAheadLog.enable": "true" },
        executorId: "exec-0",
        host: "localhost",
        streamId: 0,
        checkpointDir
      }))
      // Opening the log is real file work: wait (bounded) for the receiver to start.
      yield* waitUntil(() => receiver.isStarted(), "the receiver started")
      yield* Effect.promise(() => receiver.store([7, 8, 9]))
      const [info] = tracker.blocks
      assert.isDefined(info?.walRecordHandle)
      assert.deepStrictEqual(yield* readRecord(info!.walRecordHandle!), [7, 8, 9])
      receiver.stop("done")
    }).pipe(Effect.scoped))

  it.effect("the supervisor refuses the log on without a checkpoint directory, and an invalid rolling interval, by key", () =>
    Effect.gen(function*() {
      const run = (conf: Record<string, string>) =>
        Effect.flip(Effect.gen(function*() {
          const blockManager = yield* makeBlockManager()
          return yield* ReceiverSupervisor.run(new TestReceiver(), {
            link: makeTracker().link,
            blockManager,
            conf,
            executorId: "exec-0",
            host: "localhost",
            streamId: 0
          })
        }))
      const noDir = yield* run({ "spark.streaming.receiver.writeAheadLog.enable": "true" })
      assert.strictEqual(noDir._tag, "ReceiverConfigError")
      assert.include(noDir.message, "call ssc.checkpoint(dir)")
      const badRolling = yield* run({ "spark.streaming.receiver.writeAheadLog.rollingIntervalSecs": "0.5" })
      assert.include(badRolling.message, "spark.streaming.receiver.writeAheadLog.rollingIntervalSecs must be a whole number of seconds")
      const badSync = yield* run({ "spark.streaming.receiver.writeAheadLog.sync": "sometimes" })
      assert.include(badSync.message, "spark.streaming.receiver.writeAheadLog.sync must be true or false")
    }).pipe(Effect.scoped))
})
