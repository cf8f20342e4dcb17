/**
 * With `spark.streaming.concurrentJobs` above one, later batches can complete
 * while an earlier one still runs. Old input is forgotten up to the input
 * streams' remember duration before the completed batch, but never from a
 * batch still running: its blocks' allocation stays until it completes (a
 * restart in between would run it again and need it). On the test clock.
 */
import { assert, describe, it } from "@effect/vitest"
import { Deferred, Effect } from "effect"
import { TestClock } from "effect/testing"
import type { ReceiverTracker } from "../../src/scheduler/ReceiverTracker.js"
import * as StreamingContext from "../../src/StreamingContext.js"
import { AcknowledgingReceiver, BATCH, blockReported, NOW } from "../recovery/utils.js"
import { waitUntil } from "../utils/realTime.js"
import { makeSparkContext } from "../utils/streaming.js"

const blocksOfBatch = (tracker: ReceiverTracker | undefined, time: number): number =>
  [...(tracker?.receivedBlockTracker.getBlocksOfBatch(time).values() ?? [])].flat().length

describe("concurrent jobs and old input", () => {
  it.effect("a batch still running keeps its blocks' allocation while later batches complete and clean up", () =>
    Effect.scoped(Effect.gen(function*() {
      yield* TestClock.setTime(NOW)
      const sc = yield* makeSparkContext({ "spark.streaming.concurrentJobs": 2 })
      const ssc = yield* StreamingContext.make(sc, { batchDuration: BATCH })
      const release = yield* Deferred.make<void>()
      const counted: Array<number> = []
      ssc.receiverStream(new AcknowledgingReceiver([1, 2, 3])).foreachRDD((rdd) =>
        Effect.flatMap(
          rdd.collect(),
          (values) =>
            values.length === 0 ? Effect.void : Effect.andThen(Deferred.await(release), Effect.sync(() => void counted.push(...values)))
        )
      )
      yield* ssc.start()
      yield* blockReported(ssc)
      // Batch NOW + 5000 takes the block and waits; the four after it run beside it and complete.
      for (let i = 0; i < 5; i++) yield* TestClock.adjust(BATCH)
      yield* ssc.awaitCompletedBatches(4)
      assert.strictEqual(ssc.numCompletedBatches, 4)
      assert.strictEqual(blocksOfBatch(ssc.receiverTracker(), NOW + BATCH), 1, "the running batch keeps its block")
      yield* Deferred.succeed(release, undefined)
      yield* ssc.awaitCompletedBatches(5)
      assert.deepStrictEqual(counted, [1, 2, 3])
      // Once it completed, the next batch's cleanup forgets it.
      yield* TestClock.adjust(BATCH)
      yield* waitUntil(() => blocksOfBatch(ssc.receiverTracker(), NOW + BATCH) === 0, "batch NOW + 5000 forgotten")
      yield* ssc.stop({ stopSparkContext: true, stopGracefully: false })
    })))
})
