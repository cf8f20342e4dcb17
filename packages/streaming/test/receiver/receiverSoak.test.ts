/**
 * A long receiver run on the test clock: 2,000 batches of 100 ms, each fed by
 * a receiver through the block generator. What receiving keeps per batch
 * (blocks in the BlockManager, allocations in the ReceivedBlockTracker,
 * input infos) must stay under a bound that does not grow with the number of
 * batches, and every record must still be counted once.
 */
import { assert, describe, it } from "@effect/vitest"
import { SparkContext } from "@tspark/core"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import { Receiver } from "../../src/receiver/Receiver.js"
import * as StreamingContext from "../../src/StreamingContext.js"
import { settle } from "./utils.js"

const BATCHES = 2000
const RECORDS = 20

class FedReceiver extends Receiver<number> {
  onStart(): void {}
  onStop(): void {}
}

describe("long receiver runs", () => {
  it.effect(`${BATCHES} batches through a receiver keep blocks, allocations and input infos bounded`, () =>
    Effect.scoped(Effect.gen(function*() {
      const sc = yield* SparkContext.make({
        master: "local[2]",
        appName: "receiver soak",
        conf: { "spark.streaming.blockInterval": "50ms" }
      })
      const ssc = yield* StreamingContext.make(sc, { batchDuration: 100 })
      const receiver = new FedReceiver()
      let counted = 0
      ssc.receiverStream(receiver).foreachRDD((rdd) => Effect.map(rdd.count(), (n) => void (counted += n)))
      yield* ssc.start()
      while (!receiver.isStarted()) {
        yield* TestClock.adjust(10)
        yield* settle(3)
      }
      const tracker = ssc.receiverTracker()!
      let stored = 0
      let maxBlocks = 0
      let maxInputInfos = 0
      for (let batch = 1; batch <= BATCHES; batch++) {
        yield* Effect.promise(() => receiver.storeMany(Array.from({ length: RECORDS }, (_, i) => stored + i)))
        stored += RECORDS
        yield* TestClock.adjust(50)
        yield* settle(3)
        yield* TestClock.adjust(50)
        yield* settle(3)
        if (batch % 50 === 0) {
          maxBlocks = Math.max(maxBlocks, sc.blockManagerMaster.blockCount)
          let infos = 0
          for (let t = 0; t <= batch * 100 + 100_000; t += 100) infos += ssc.inputInfoTracker.getInfo(t).size
          maxInputInfos = Math.max(maxInputInfos, infos)
        }
      }
      // Let the last blocks reach a batch.
      for (let i = 0; i < 10; i++) {
        yield* TestClock.adjust(100)
        yield* settle(3)
      }
      const zero = ssc.graph.zeroTime!
      // The batches ran up to the last one's time (not only the clock moved).
      assert.isAtLeast(ssc.completedBatchTimes.at(-1)!, zero + 100 * BATCHES)
      assert.isAtLeast(ssc.numCompletedBatches, BATCHES)
      assert.strictEqual(counted, stored, "every record counted once")
      // Two blocks a batch, remembered for a batch or two: a bound independent of the 2,000 batches.
      assert.isAtMost(maxBlocks, 12, `blocks ${maxBlocks}`)
      assert.isAtMost(maxInputInfos, 5, `input infos ${maxInputInfos}`)
      // Early batches' allocations are forgotten.
      for (let t = zero + 100; t < zero + 100 * (BATCHES - 10); t += 100 * 97) {
        assert.strictEqual(tracker.getBlocksOfBatchAndStream(t, 0).length, 0, `batch ${t}`)
      }
      yield* ssc.stop()
    })))
})
