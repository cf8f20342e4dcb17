/**
 * The JobGenerator's RecurringTimer on the test clock: stopTimer() stops at
 * once and returns the last batch posted; stopTimer(false), as Spark's
 * graceful JobGenerator.stop, first posts the batch the timer waits for and
 * one more (RecurringTimer.stop(false)), and returns that last time.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber } from "effect"
import { TestClock } from "effect/testing"
import type { JobGeneratorImpl } from "../../src/internal/jobGenerator.js"
import type { RecurringTimerImpl } from "../../src/internal/recurringTimer.js"
import type { StreamingContext } from "../../src/StreamingContext.js"
import * as Testing from "../../src/testing/index.js"
import { makeStreaming } from "../utils/streaming.js"

/** The context's generator (private to the context; reached here to drive its timer alone). */
const generatorOf = (ssc: StreamingContext) => (ssc as unknown as { scheduler: { jobGenerator: JobGeneratorImpl } }).scheduler.jobGenerator

const timerOf = (generator: JobGeneratorImpl) => (generator as unknown as { timer: RecurringTimerImpl }).timer

describe("JobGenerator's timer", () => {
  it.effect("stopTimer() stops at once and returns the last batch posted", () =>
    Effect.scoped(Effect.gen(function*() {
      const { sc, ssc } = yield* makeStreaming({ checkpoint: false })
      ssc.constantStream(sc.parallelize([1], 1)).foreachRDD(() => undefined)
      yield* Testing.runToBatch(ssc, 2)
      const generator = generatorOf(ssc)
      assert.strictEqual(yield* generator.stopTimer(), 2000)
      yield* TestClock.adjust(5000)
      assert.deepStrictEqual(ssc.generatedBatchTimes, [1000, 2000])
      yield* ssc.stop()
    })))

  it.effect("stopTimer(false) posts the batch the timer waits for and one more, and returns the last", () =>
    Effect.scoped(Effect.gen(function*() {
      const { sc, ssc } = yield* makeStreaming({ checkpoint: false })
      ssc.constantStream(sc.parallelize([1], 1)).foreachRDD(() => undefined)
      yield* Testing.runToBatch(ssc, 2)
      const generator = generatorOf(ssc)
      const stopping = yield* Effect.forkChild(generator.stopTimer(false))
      while (!timerOf(generator).isStopped) yield* Effect.yieldNow
      yield* TestClock.adjust(1000)
      yield* ssc.awaitCompletedBatches(3)
      yield* TestClock.adjust(1000)
      assert.strictEqual(yield* Fiber.join(stopping), 4000)
      yield* ssc.awaitCompletedBatches(4)
      yield* TestClock.adjust(5000)
      assert.deepStrictEqual(ssc.generatedBatchTimes, [1000, 2000, 3000, 4000])
      yield* ssc.stop()
    })))
})
