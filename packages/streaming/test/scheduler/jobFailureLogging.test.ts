/**
 * No silent failure: a streaming job that fails is logged at ERROR exactly
 * once, naming its batch time and output operation and carrying the cause;
 * batches whose jobs succeed log no error. What streaming logs follows its
 * SparkContext's log settings (spark.log.level), as the context's own lines do.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Logger } from "effect"
import * as Testing from "../../src/testing/index.js"
import { makeStreaming } from "../utils/streaming.js"

describe("a failed streaming job", () => {
  it.effect("is logged at ERROR once, with its batch time, output operation and cause", () => {
    const errors: Array<{ readonly message: string; readonly cause: string; readonly annotations: Record<string, unknown> }> = []
    const logger = Logger.map(Logger.formatStructured, (line) => {
      if (line.level !== "ERROR") return
      const message = Array.isArray(line.message) ? line.message.join(" ") : String(line.message)
      errors.push({ message, cause: line.cause ?? "", annotations: line.annotations })
    })
    return Effect.scoped(Effect.gen(function*() {
      const { sc, ssc } = yield* makeStreaming({ checkpoint: false })
      const input = ssc.queueStream([1, 2, 3].map((n) => sc.parallelize([n], 1)))
      input.foreachRDD((rdd) => Effect.asVoid(rdd.count()))
      input.foreachRDD((rdd, time) => time === 2000 ? Effect.die(new Error("the sink refused batch 2000")) : Effect.asVoid(rdd.count()))
      yield* ssc.start()
      yield* Testing.advanceBatchesThroughFailures(ssc, 3)
      yield* ssc.stop()
      assert.strictEqual(errors.length, 1, errors.map((e) => e.message).join("\n"))
      assert.include(errors[0]!.message, "batch 2000 ms, output operation 1")
      assert.include(errors[0]!.cause, "the sink refused batch 2000")
      assert.deepStrictEqual([errors[0]!.annotations["batchTime"], errors[0]!.annotations["outputOpId"]], [2000, 1])
    })).pipe(Effect.provide(Logger.layer([logger])))
  })

  it.effect("follows the SparkContext's spark.log.level: with OFF, not even the failure's ERROR line is written", () => {
    const lines: Array<string> = []
    const logger = Logger.make(({ logLevel, message }) => void lines.push(`${logLevel} ${String(message)}`))
    return Effect.scoped(Effect.gen(function*() {
      const { sc, ssc } = yield* makeStreaming({ checkpoint: false, conf: { "spark.log.level": "OFF" } })
      ssc.queueStream([1, 2].map((n) => sc.parallelize([n], 1))).foreachRDD((rdd, time) =>
        time === 2000 ? Effect.die(new Error("the sink refused batch 2000")) : Effect.asVoid(rdd.count())
      )
      yield* ssc.start()
      yield* Testing.advanceBatchesThroughFailures(ssc, 2)
      yield* ssc.stop()
      assert.deepStrictEqual(lines, [])
    })).pipe(Effect.provide(Logger.layer([logger])))
  })
})
