import { assert, describe, it } from "@effect/vitest"
import { SparkContext } from "@tspark/core"
import { Effect } from "effect"
import * as StreamingContext from "../../src/StreamingContext.js"
import * as Testing from "../../src/testing/index.js"

describe("stopGracefullyOnShutdown", () => {
  it.effect("SIGTERM stops the context gracefully, SparkContext included", () =>
    Effect.scoped(Effect.gen(function*() {
      const sc = yield* SparkContext.make({ master: "local[1]" })
      const ssc = yield* StreamingContext.make(sc, { batchDuration: 1000, stopGracefullyOnShutdown: true })
      const seen: Array<number> = []
      ssc.queueStream([sc.parallelize([1]), sc.parallelize([2])]).foreachRDD((rdd, time) =>
        Effect.map(rdd.count(), () => void seen.push(time))
      )
      yield* Testing.runToBatch(ssc, 2)
      const sigintHandlers = process.listenerCount("SIGINT")
      // Deliver the signal to the handlers without killing the test process.
      process.emit("SIGTERM")
      assert.isTrue(yield* ssc.awaitTermination())
      assert.strictEqual(ssc.getState(), "STOPPED")
      assert.isTrue(sc.isStopped)
      assert.deepStrictEqual(seen, [1000, 2000])
      // The SIGINT handler (not fired) was removed with the context too.
      assert.strictEqual(process.listenerCount("SIGINT"), sigintHandlers - 1)
    })))
})
