/**
 * With checkpointing, a completed batch's old input (its blocks' allocations
 * in the block tracker's log, the receivers' write-ahead log records) is
 * forgotten only once a checkpoint made after the batch completed is on disk
 * (Spark's ClearCheckpointData). Until then a restart recovers from an older
 * checkpoint and runs its batches again: they need that input. Here no
 * checkpoint after the zero time's reaches disk (each batch's write fails),
 * the driver dies after four batches, and the restart from the zero time's
 * checkpoint counts the block again. On the test clock, over real files.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import type { ReceiverTracker } from "../../src/scheduler/ReceiverTracker.js"
import * as Testing from "../../src/testing/index.js"
import { waitUntil } from "../utils/realTime.js"
import { BATCH, blockReported, freshCheckpointDir, NOW, startApplication } from "./utils.js"

const blocksOfBatch = (tracker: ReceiverTracker | undefined, time: number): number =>
  [...(tracker?.receivedBlockTracker.getBlocksOfBatch(time).values() ?? [])].flat().length

/**
 * Makes the checkpoint writes of `times` fail: the writer writes each to a temporary file of this
 * process, and a directory in its place cannot be removed or written.
 */
const failCheckpointWrites = (checkpointDir: string, times: ReadonlyArray<number>): Array<string> =>
  times.map((time) => {
    const blocker = path.join(checkpointDir, `.checkpoint-${time}.${process.pid}.tmp`)
    fs.mkdirSync(path.join(blocker, "held"), { recursive: true })
    return blocker
  })

describe("old input of a checkpointed context", () => {
  it.effect("stays until a later checkpoint is on disk, so a restart from an older one counts every block", () =>
    Effect.scoped(Effect.gen(function*() {
      const checkpointDir = yield* freshCheckpointDir("tspark-clear-ckpt-")
      const { counted: counted1, ssc: ssc1 } = yield* startApplication(checkpointDir, [1, 2, 3])
      // The zero time's checkpoint is on disk; no later one will be.
      const blockers = failCheckpointWrites(checkpointDir, [1, 2, 3, 4, 5].map((i) => NOW + i * BATCH))
      yield* blockReported(ssc1)
      // Batch NOW + 15000's ClearMetadata runs before NOW + 20000 is generated: batch NOW + 5000 is then old input.
      yield* Testing.advanceBatches(ssc1, 4)
      assert.deepStrictEqual(counted1, [1, 2, 3])
      assert.strictEqual(blocksOfBatch(ssc1.receiverTracker(), NOW + BATCH), 1, "batch NOW + 5000 keeps its block")
      yield* ssc1.stop({ stopSparkContext: true, stopGracefully: false })
      for (const blocker of blockers) fs.rmSync(blocker, { recursive: true })

      // The restart from the zero time's checkpoint runs batch NOW + 5000 again, with its block.
      const { counted: counted2, ssc: ssc2 } = yield* startApplication(checkpointDir, [])
      yield* ssc2.awaitCompletedBatches(1)
      assert.deepStrictEqual(counted2, [1, 2, 3])
      yield* ssc2.stop({ stopSparkContext: true, stopGracefully: false })
    })))

  it.effect("is forgotten once a checkpoint made after its batch completed is on disk", () =>
    Effect.scoped(Effect.gen(function*() {
      const checkpointDir = yield* freshCheckpointDir("tspark-clear-ckpt-")
      const { counted, ssc } = yield* startApplication(checkpointDir, [1, 2, 3])
      yield* blockReported(ssc)
      yield* Testing.advanceBatches(ssc, 4)
      assert.deepStrictEqual(counted, [1, 2, 3])
      // Batch NOW + 15000's checkpoints are written in the background; then batch NOW + 5000 is forgotten.
      yield* waitUntil(() => blocksOfBatch(ssc.receiverTracker(), NOW + BATCH) === 0, "batch NOW + 5000 forgotten")
      yield* ssc.stop({ stopSparkContext: true, stopGracefully: false })
    })))

  it.effect("after a long run of failed checkpoint writes, the next written checkpoint forgets every old batch", () =>
    Effect.scoped(Effect.gen(function*() {
      const checkpointDir = yield* freshCheckpointDir("tspark-clear-ckpt-")
      const { counted, ssc } = yield* startApplication(checkpointDir, [1, 2, 3])
      // More failed batches than cleanups may wait (16): the oldest are dropped, a later one does their work.
      const failing = Array.from({ length: 40 }, (_, i) => NOW + (i + 1) * BATCH)
      const blockers = failCheckpointWrites(checkpointDir, failing)
      yield* blockReported(ssc)
      yield* Testing.advanceBatches(ssc, 40)
      const tracker = ssc.receiverTracker()
      assert.isAtLeast(tracker?.receivedBlockTracker.allocatedBatchCount ?? 0, 40, "nothing forgotten while no checkpoint is written")
      for (const blocker of blockers) fs.rmSync(blocker, { recursive: true })
      yield* Testing.advanceBatches(ssc, 2)
      yield* waitUntil(
        () => (tracker?.receivedBlockTracker.allocatedBatchCount ?? Infinity) <= 4,
        "the old batches forgotten once a checkpoint is written"
      )
      assert.strictEqual(blocksOfBatch(tracker, NOW + BATCH), 0)
      assert.deepStrictEqual(counted, [1, 2, 3])
      yield* ssc.stop({ stopSparkContext: true, stopGracefully: false })
    })))
})
