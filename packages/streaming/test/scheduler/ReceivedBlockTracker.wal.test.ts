/**
 * The driver's ReceivedBlockTracker with its write-ahead log, over real
 * files: for random sequences of block additions, allocations and cleanups
 * (some concurrent), a tracker rebuilt from the log after a "crash" answers
 * every query as the one before it; a torn tail is skipped; a change whose
 * event cannot be written is not applied; a fresh start discards an earlier
 * run's events, so a fresh context's tracker takes no block before a
 * checkpoint of it is on disk; the log stays bounded over many batches.
 */
import { assert, describe, it } from "@effect/vitest"
import { Errors, FileSystem, FileWriteAheadLog, type WriteAheadLog } from "@tspark/checkpoint"
import { Deferred, Effect, Fiber } from "effect"
import { TestClock } from "effect/testing"
import fc from "fast-check"
import * as fs from "node:fs"
import * as path from "node:path"
import { LoggedBlockTracker, openLoggedTracker, openTrackerLog, recoverTracker } from "../../src/internal/receivedBlockTrackerLog.js"
import { readWriteAheadLogSettings, type WriteAheadLogSettings } from "../../src/internal/writeAheadLogConf.js"
import type { ReceivedBlockInfo } from "../../src/scheduler/ReceivedBlockInfo.js"
import { ReceivedBlockTracker } from "../../src/scheduler/ReceivedBlockTracker.js"
import { checkProperty, tempDir } from "../utils/streaming.js"

const STREAMS = [0, 1, 2]
const settings = readWriteAheadLogSettings({
  "spark.streaming.receiver.writeAheadLog.enable": "true",
  "spark.streaming.driver.writeAheadLog.rollingIntervalSecs": "1"
}) as WriteAheadLogSettings

const block = (streamId: number, n: number): ReceivedBlockInfo => ({
  streamId,
  numRecords: n % 7,
  blockId: `input-${streamId}-${n}`,
  executorId: "exec-1",
  host: "localhost",
  walRecordHandle: { path: `/ckpt/receivedData/${streamId}/log-0-60000`, offset: n * 100, length: 100 }
})

/** Everything a caller can ask the tracker, as plain data. */
const snapshot = (tracker: ReceivedBlockTracker, times: ReadonlyArray<number>) => ({
  unallocated: STREAMS.map((id) => tracker.getUnallocatedBlocks(id)),
  hasUnallocated: tracker.hasUnallocatedReceivedBlocks,
  lastAllocated: tracker.lastAllocatedBatchTime,
  batches: tracker.allocatedBatchCount,
  allocations: times.map((t) => STREAMS.map((id) => tracker.getBlocksOfBatchAndStream(t, id)))
})

type Command =
  | { readonly _tag: "Add"; readonly streams: ReadonlyArray<number> }
  | { readonly _tag: "Allocate"; readonly addAlongside: ReadonlyArray<number> }
  | { readonly _tag: "Cleanup"; readonly keep: number }

const command: fc.Arbitrary<Command> = fc.oneof(
  {
    arbitrary: fc.record({
      _tag: fc.constant("Add" as const),
      streams: fc.array(fc.constantFrom(...STREAMS), { minLength: 1, maxLength: 4 })
    }),
    weight: 4
  },
  {
    arbitrary: fc.record({ _tag: fc.constant("Allocate" as const), addAlongside: fc.array(fc.constantFrom(...STREAMS), { maxLength: 3 }) }),
    weight: 3
  },
  { arbitrary: fc.record({ _tag: fc.constant("Cleanup" as const), keep: fc.integer({ min: 0, max: 3 }) }), weight: 1 }
)

/** A tracker rebuilt from the log in `dir`, as a restarted driver does. */
const recovered = (dir: string) =>
  Effect.scoped(Effect.gen(function*() {
    const tracker = new ReceivedBlockTracker(STREAMS)
    const log = yield* openTrackerLog(dir, settings)
    yield* recoverTracker(tracker, log, dir)
    return tracker
  }))

describe("ReceivedBlockTracker with its write-ahead log", () => {
  it.effect("a tracker rebuilt from the log equals the tracker before the crash, for random adds, allocations and cleanups", () =>
    checkProperty(fc.array(command, { minLength: 1, maxLength: 25 }), (commands) =>
      Effect.gen(function*() {
        const dir = yield* tempDir("tspark-tracker-wal-")
        const tracker = new ReceivedBlockTracker(STREAMS)
        let n = 0
        let time = 0
        const times: Array<number> = []
        yield* Effect.scoped(Effect.gen(function*() {
          const logged = new LoggedBlockTracker(tracker, yield* openTrackerLog(dir, settings), dir)
          const add = (streamId: number) => logged.addBlock(block(streamId, n++))
          for (const c of commands) {
            yield* TestClock.adjust(400)
            if (c._tag === "Add") {
              // Block reports of several receivers arrive together: their writes share a frame and a sync.
              yield* Effect.forEach(c.streams, add, { concurrency: "unbounded" })
            } else if (c._tag === "Allocate") {
              time += 1000
              times.push(time)
              // Reports whose writes are under way while the allocation is built and written: an addition
              // written before the allocation but not applied when it was built stays queued after recovery.
              yield* Effect.all([Effect.forEach(c.addAlongside, add, { concurrency: "unbounded" }), logged.allocateBlocksToBatch(time)], {
                concurrency: "unbounded"
              })
            } else {
              yield* logged.cleanupOldBatches(time - c.keep * 1000)
            }
          }
        }))
        const rebuilt = yield* recovered(dir)
        assert.deepStrictEqual(snapshot(rebuilt, times), snapshot(tracker, times))
        // Every block added is queued or in exactly one remembered batch, or was cleaned with its batch.
        const seen = [
          ...STREAMS.flatMap((id) => rebuilt.getUnallocatedBlocks(id)),
          ...times.flatMap((t) => STREAMS.flatMap((id) => rebuilt.getBlocksOfBatchAndStream(t, id)))
        ].map((b) => b.blockId)
        assert.strictEqual(new Set(seen).size, seen.length)
      }), { numRuns: 40 }))

  it.effect("a torn tail (the driver died mid-write) is skipped: the events before it are recovered", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir("tspark-tracker-wal-")
      const tracker = new ReceivedBlockTracker(STREAMS)
      yield* Effect.scoped(Effect.gen(function*() {
        const logged = new LoggedBlockTracker(tracker, yield* openTrackerLog(dir, settings), dir)
        yield* logged.addBlock(block(0, 1))
        yield* logged.allocateBlocksToBatch(1000)
        yield* logged.addBlock(block(1, 2))
      }))
      const newest = fs.readdirSync(dir).filter((f) => f.startsWith("log-")).sort().at(-1)!
      // Half a frame's header: what a crash in the middle of the next write leaves.
      fs.appendFileSync(path.join(dir, newest), Buffer.from([0x54, 0x53, 0x57, 0x41, 2, 0, 0]))
      const rebuilt = yield* recovered(dir)
      assert.deepStrictEqual(snapshot(rebuilt, [1000]), snapshot(tracker, [1000]))
      assert.deepStrictEqual(rebuilt.getUnallocatedBlocks(1).map((b) => b.blockId), ["input-1-2"])
    }).pipe(Effect.scoped))

  it.effect("a change whose event cannot be written is not applied (and the blocks stay for the next batch)", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir("tspark-tracker-wal-")
      const file = yield* FileWriteAheadLog.make({ directory: dir }).pipe(Effect.provide(FileSystem.layerLocal))
      let fail = false
      const flaky: WriteAheadLog.WriteAheadLog["Service"] = {
        ...file,
        write: (record, time) =>
          fail
            ? Effect.fail(new Errors.FileSystemError({ operation: "append", path: dir, code: "EIO", detail: "disk gone" }))
            : file.write(record, time)
      }
      const tracker = new ReceivedBlockTracker(STREAMS)
      const logged = new LoggedBlockTracker(tracker, flaky, dir)
      assert.isTrue(yield* logged.addBlock(block(0, 1)))
      fail = true
      assert.isFalse(yield* logged.addBlock(block(0, 2)))
      assert.isFalse(yield* logged.allocateBlocksToBatch(1000))
      assert.strictEqual(tracker.lastAllocatedBatchTime, undefined)
      assert.deepStrictEqual(tracker.getUnallocatedBlocks(0).map((b) => b.blockId), ["input-0-1"])
      fail = false
      assert.isTrue(yield* logged.allocateBlocksToBatch(2000))
      assert.deepStrictEqual(tracker.getBlocksOfBatchAndStream(2000, 0).map((b) => b.blockId), ["input-0-1"])
    }).pipe(Effect.scoped))

  it.effect("a fresh start discards an earlier run's events; a restart recovers them", () =>
    Effect.gen(function*() {
      const checkpointDir = yield* tempDir("tspark-tracker-wal-")
      yield* Effect.scoped(Effect.gen(function*() {
        const logged = yield* openLoggedTracker(new ReceivedBlockTracker(STREAMS), settings, checkpointDir, false)
        yield* logged!.addBlock(block(2, 1))
      }))
      const restarted = new ReceivedBlockTracker(STREAMS)
      yield* Effect.scoped(openLoggedTracker(restarted, settings, checkpointDir, true))
      assert.deepStrictEqual(restarted.getUnallocatedBlocks(2).map((b) => b.blockId), ["input-2-1"])
      const fresh = new ReceivedBlockTracker(STREAMS)
      yield* Effect.scoped(openLoggedTracker(fresh, settings, checkpointDir, false))
      assert.isFalse(fresh.hasUnallocatedReceivedBlocks)
      const again = new ReceivedBlockTracker(STREAMS)
      yield* Effect.scoped(openLoggedTracker(again, settings, checkpointDir, true))
      assert.isFalse(again.hasUnallocatedReceivedBlocks, "the discarded events stay discarded")
    }).pipe(Effect.scoped))

  it.effect("a fresh context's tracker takes no block before a checkpoint is on disk, and refuses them if it stops first", () =>
    Effect.gen(function*() {
      const checkpointDir = yield* tempDir("tspark-tracker-wal-")
      const checkpointed = yield* Deferred.make<void>()
      const tracker = new ReceivedBlockTracker(STREAMS)
      const logged = (yield* openLoggedTracker(tracker, settings, checkpointDir, false, Deferred.await(checkpointed)))!
      const adding = yield* Effect.forkChild(logged.addBlock(block(0, 1)))
      // However long it waits, the block is neither acknowledged (the reply waits), nor queued, nor written.
      yield* TestClock.adjust(60_000)
      assert.isUndefined(adding.pollUnsafe())
      assert.isFalse(tracker.hasUnallocatedReceivedBlocks)
      assert.deepStrictEqual(fs.readdirSync(path.join(checkpointDir, "receivedBlockMetadata")), [], "no segment written")
      yield* Deferred.succeed(checkpointed, undefined)
      assert.isTrue(yield* Fiber.join(adding))
      assert.deepStrictEqual(tracker.getUnallocatedBlocks(0).map((b) => b.blockId), ["input-0-1"])

      // Stopped before any checkpoint: held blocks are refused, and later ones too.
      const otherDir = yield* tempDir("tspark-tracker-wal-")
      const stopped = new ReceivedBlockTracker(STREAMS)
      const held = (yield* openLoggedTracker(stopped, settings, otherDir, false, Effect.never))!
      const refused = yield* Effect.forkChild(held.addBlock(block(1, 2)))
      yield* TestClock.adjust(60_000)
      held.holdNoMore()
      assert.isFalse(yield* Fiber.join(refused))
      assert.isFalse(yield* held.addBlock(block(1, 3)))
      assert.isFalse(stopped.hasUnallocatedReceivedBlocks)
      const recovered = new ReceivedBlockTracker(STREAMS)
      yield* Effect.scoped(openLoggedTracker(recovered, settings, otherDir, true))
      assert.isFalse(recovered.hasUnallocatedReceivedBlocks, "nothing was written")
    }).pipe(Effect.scoped))

  it.effect("over many batches the log keeps a bounded number of segments", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir("tspark-tracker-wal-")
      const logged = new LoggedBlockTracker(new ReceivedBlockTracker(STREAMS), yield* openTrackerLog(dir, settings), dir)
      let most = 0
      for (let batch = 1; batch <= 120; batch++) {
        yield* TestClock.adjust(500)
        yield* Effect.forEach(STREAMS, (id) => logged.addBlock(block(id, batch * 10 + id)))
        yield* TestClock.adjust(500)
        yield* logged.allocateBlocksToBatch(batch * 1000)
        // As the generator does after each batch, remembering two batches.
        yield* logged.cleanupOldBatches((batch - 2) * 1000)
        most = Math.max(most, fs.readdirSync(dir).length)
      }
      assert.isAtMost(most, 5)
    }).pipe(Effect.scoped))
})
