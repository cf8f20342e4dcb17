/**
 * A direct stream under backpressure on the test clock (Spark's
 * DirectKafkaInputDStream with a rate controller): the batches before the
 * first rate estimate take spark.streaming.backpressure.initialRate, later
 * ones the PID estimate, which a model (rate-control's RateController over a
 * PIDRateEstimator, fed the same completed batches) predicts.
 */
import { assert, describe, it } from "@effect/vitest"
import { PIDRateEstimator, RateController } from "@tspark/rate-control"
import { Clock, Effect } from "effect"
import { TestClock } from "effect/testing"
import * as DirectInputDStream from "../../src/dstream/DirectInputDStream.js"
import type { BatchInfo } from "../../src/scheduler/StreamingListener.js"
import * as Testing from "../../src/testing/index.js"
import { makeStreaming } from "../utils/streaming.js"

const settle = Effect.gen(function*() {
  for (let i = 0; i < 50; i++) yield* Effect.yieldNow
})

describe("DirectInputDStream rate", () => {
  it.effect("with backpressure, batches take initialRate until the first estimate, then the estimate", () =>
    Effect.scoped(Effect.gen(function*() {
      const conf = {
        "spark.streaming.backpressure.enabled": "true",
        "spark.streaming.backpressure.initialRate": "30"
      }
      const { ssc } = yield* makeStreaming({ checkpoint: false, conf })
      const source = Testing.InMemoryDirectSource.make<string>({ partitions: ["a"] })
      source.append("a", ...Array.from({ length: 50_000 }, (_, i) => `r${i}`))
      const counts: Array<number> = []
      DirectInputDStream.make(ssc, source, { offsetReset: "earliest" }).foreachRDD((rdd) =>
        Effect.gen(function*() {
          const n = yield* rdd.count()
          // Processing takes 100 ms of the test clock, so the estimator sees a processing rate.
          yield* Effect.sleep(100)
          counts.push(n)
        })
      )
      const completed: Array<BatchInfo> = []
      yield* ssc.addStreamingListener({ onBatchCompleted: (batch) => void completed.push(batch) })

      // The model: the same controller and estimator, fed the same completed batches.
      const published: Array<number> = []
      const model = yield* RateController.make({
        streamId: 0,
        estimator: yield* PIDRateEstimator.make({ batchIntervalMs: 1000 }),
        publish: (rate) => void published.push(rate)
      })

      yield* ssc.start()
      const expected: Array<number> = []
      for (let batch = 1; batch <= 5; batch++) {
        expected.push(published.length === 0 ? 30 : published[published.length - 1]!)
        yield* TestClock.adjust(batch * 1000 - (yield* Clock.currentTimeMillis))
        while (counts.length < batch) yield* TestClock.adjust(10)
        yield* ssc.waitForListeners()
        const info = completed[batch - 1]!
        yield* model.onBatchCompleted({
          batchTime: info.batchTime,
          processingEndTime: info.processingEndTime,
          processingDelayMs: info.processingDelay,
          schedulingDelayMs: info.schedulingDelay,
          numRecords: new Map([...info.streamIdToInputInfo].map(([, input]) => [0, input.numRecords]))
        })
        yield* settle // controllers compute their rate on their own fiber, as Spark's on its thread
      }
      // PID skips its first run: two batches at the initial rate, then the estimates.
      assert.deepStrictEqual(counts.slice(0, 2), [30, 30])
      assert.deepStrictEqual(counts, expected)
      assert.isTrue(counts.slice(2).every((n) => n !== 30), counts.join(", "))
      yield* ssc.stop()
    })))
})
