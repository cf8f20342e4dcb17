import { assert, describe, it } from "@effect/vitest"
import { ShutdownHookManager, SparkContext } from "@tspark/core"
import { Deferred, Effect, Logger } from "effect"
import * as StreamingContext from "../../src/StreamingContext.js"
import * as Testing from "../../src/testing/index.js"

describe("stopGracefullyOnShutdown", () => {
  it.effect("SIGTERM stops the context gracefully, then its SparkContext, logging each, then exits with 143", () => {
    const lines: Array<string> = []
    const logger = Logger.make(({ logLevel, message }) => void lines.push(`${logLevel} ${String(message)}`))
    return Effect.scoped(Effect.gen(function*() {
      // The hooks end by exiting the process: here the exit is recorded instead.
      const exited = yield* Deferred.make<number>()
      const restore = ShutdownHookManager.processHooks.overrideExit((code) => Deferred.doneUnsafe(exited, Effect.succeed(code)))
      yield* Effect.addFinalizer(() => Effect.sync(restore))
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
      assert.strictEqual(yield* Deferred.await(exited), 143)
      assert.strictEqual(ssc.getState(), "STOPPED")
      assert.isTrue(sc.isStopped)
      assert.deepStrictEqual(seen, [1000, 2000])
      // The handlers went with the last context.
      assert.strictEqual(process.listenerCount("SIGINT"), sigintHandlers - 1)
      const order = [
        "Info StreamingContext started",
        "Info Invoking stop(stopGracefully=true) from shutdown hook",
        "Info StreamingContext stopped successfully",
        "Info Invoking stop() from shutdown hook",
        "Info Successfully stopped SparkContext"
      ]
      assert.deepStrictEqual(lines.filter((line) => order.includes(line)), order)
    })).pipe(Effect.provide(Logger.layer([logger])))
  })
})
