import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import type { StreamingListener } from "../../src/scheduler/StreamingListener.js"
import * as StreamingContext from "../../src/StreamingContext.js"
import * as Testing from "../../src/testing/index.js"

describe("input stream rate controller slot", () => {
  it.effect("an input stream's rate controller hears every completed batch, with its record counts", () =>
    Effect.scoped(Effect.gen(function*() {
      // A StreamingContext made from a configuration owns its SparkContext.
      const ssc = yield* StreamingContext.make({ master: "local[1]" }, { batchDuration: 1000 })
      const sc = ssc.sparkContext
      const heard: Array<number> = []
      const controller: StreamingListener = { onBatchCompleted: (batch) => void heard.push(batch.batchTime) }
      const input = ssc.queueStream([sc.parallelize([1, 2]), sc.parallelize([3])])
      input.rateController = controller
      input.foreachRDD((rdd) => rdd.count())
      yield* Testing.runToBatch(ssc, 3)
      yield* ssc.waitForListeners()
      assert.deepStrictEqual(heard, [1000, 2000, 3000])
      yield* ssc.stop()
      assert.isTrue(sc.isStopped)
    })))
})
