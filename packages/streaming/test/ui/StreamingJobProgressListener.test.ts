/**
 * The Streaming tab's data, kept by StreamingJobProgressListener from the
 * listener events on the test clock: totals, retained batches bounded by
 * spark.streaming.ui.retainedBatches over thousands of batches, a failed
 * output operation's error on its batch, delay distributions, input rates,
 * receivers' latest states.
 */
import { assert, describe, it } from "@effect/vitest"
import { SparkConf } from "@tspark/core"
import { Effect } from "effect"
import type { ReceiverInfo } from "../../src/scheduler/ReceiverInfo.js"
import { InvalidStreamError } from "../../src/StreamingError.js"
import * as Testing from "../../src/testing/index.js"
import * as StreamingJobProgressListener from "../../src/ui/StreamingJobProgressListener.js"
import { makeStreaming } from "../utils/streaming.js"

const progressOf = (conf: Readonly<Record<string, string>>, batchDurationMs = 1000) => {
  const made = StreamingJobProgressListener.make(SparkConf.make(conf), batchDurationMs)
  if (made instanceof InvalidStreamError) throw new Error(made.message)
  return made
}

describe("StreamingJobProgressListener", () => {
  it("a retainedBatches setting that is not a positive integer names the key", () => {
    const made = StreamingJobProgressListener.make(SparkConf.make({ "spark.streaming.ui.retainedBatches": "0" }), 1000)
    assert.instanceOf(made, InvalidStreamError)
    assert.include((made as InvalidStreamError).message, "spark.streaming.ui.retainedBatches")
    assert.strictEqual(progressOf({}).retainedBatches, 1000)
  })

  it.effect("keeps totals, the retained batches, a failed output operation's error, delays and input rates", () =>
    Effect.scoped(Effect.gen(function*() {
      const { sc, ssc } = yield* makeStreaming({ checkpoint: false })
      const progress = progressOf({ "spark.streaming.ui.retainedBatches": "4" })
      yield* ssc.addStreamingListener(progress)
      const batches = Array.from({ length: 6 }, (_, i) => sc.parallelize(Array.from({ length: i + 1 }, (_, j) => j), 1))
      const input = ssc.queueStream(batches)
      input.foreachRDD((rdd) => Effect.asVoid(rdd.count()))
      input.foreachRDD((rdd, time) => time === 3000 ? Effect.die(new Error("sink down at 3000")) : Effect.asVoid(rdd.count()))
      yield* Testing.runToBatch(ssc, 2)
      yield* Testing.advanceBatchesThroughFailures(ssc, 4)
      yield* ssc.waitForListeners()

      assert.strictEqual(progress.startTime, 0)
      assert.strictEqual(progress.numTotalCompletedBatches, 6)
      assert.strictEqual(progress.numTotalProcessedRecords, 21)
      assert.strictEqual(progress.numTotalReceivedRecords, 21)
      assert.strictEqual(progress.numUnprocessedBatches, 0)
      assert.deepStrictEqual(progress.retainedCompletedBatches().map((b) => b.batchTime), [3000, 4000, 5000, 6000])
      assert.strictEqual(progress.lastCompletedBatch()?.batchTime, 6000)
      const failed = progress.outputOperations(3000)
      assert.deepStrictEqual(failed.map((op) => op.id), [0, 1])
      assert.isUndefined(failed[0]!.failureReason)
      assert.include(failed[1]!.failureReason ?? "", "sink down at 3000")
      // Batches no longer retained are forgotten.
      assert.isUndefined(progress.batch(2000))
      assert.deepStrictEqual(progress.outputOperations(2000), [])
      assert.strictEqual(progress.processingDelayDistribution()?.count, 4)
      assert.strictEqual(progress.schedulingDelayDistribution()?.count, 4)
      assert.strictEqual(progress.totalDelayDistribution()?.count, 4)
      // 1 s batches: records per second is the batch's record count.
      assert.deepStrictEqual(progress.inputRates().get(0), [[3000, 3], [4000, 4], [5000, 5], [6000, 6]])
      yield* ssc.stop()
    })))

  it.effect(
    "over 2,000 batches it keeps the retained batches and nothing per batch beyond them",
    () =>
      Effect.scoped(Effect.gen(function*() {
        const { sc, ssc } = yield* makeStreaming({ checkpoint: false })
        const progress = progressOf({ "spark.streaming.ui.retainedBatches": "10" })
        yield* ssc.addStreamingListener(progress)
        sc.addSparkListener(progress)
        ssc.queueStream([], true, sc.parallelize([1, 2], 1)).foreachRDD((rdd) => Effect.asVoid(rdd.count()))
        yield* Testing.runToBatch(ssc, 2000)
        yield* ssc.waitForListeners()
        yield* sc.waitForListeners()
        assert.strictEqual(progress.numTotalCompletedBatches, 2000)
        assert.strictEqual(progress.numTotalProcessedRecords, 4000)
        assert.strictEqual(progress.retainedCompletedBatches().length, 10)
        assert.strictEqual(progress.numUnprocessedBatches, 0)
        assert.strictEqual(progress.inputRates().get(0)?.length, 10)
        // The Spark jobs of the kept batches only.
        assert.strictEqual(progress.sizes().batchJobIds, 10)
        assert.strictEqual(progress.outputOperationJobIds(2_000_000, 0).length, 1)
        for (let t = 1000; t <= 1_990_000; t += 1000) {
          if (progress.outputOperations(t).length > 0) assert.fail(`batch ${t}'s output operations are still kept`)
        }
        yield* ssc.stop()
      })),
    120_000
  )

  it("keeps each receiver's latest state", () => {
    const progress = progressOf({})
    const info = (streamId: number, active: boolean, lastErrorMessage = ""): ReceiverInfo => ({
      streamId,
      name: "SocketReceiver",
      active,
      location: "localhost",
      executorId: "exec-0",
      lastErrorMessage,
      lastError: "",
      lastErrorTime: -1
    })
    progress.onReceiverStarted(info(1, true))
    progress.onReceiverStarted(info(0, true))
    progress.onReceiverError(info(1, true, "connection refused"))
    progress.onReceiverStopped(info(0, false))
    assert.deepStrictEqual(progress.receivers().map((r) => [r.streamId, r.active, r.lastErrorMessage]), [
      [0, false, ""],
      [1, true, "connection refused"]
    ])
  })
})
