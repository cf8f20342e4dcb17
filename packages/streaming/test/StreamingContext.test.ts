/**
 * Lifecycle and bad input: validation at start, states, one active context,
 * graceful stop, errors surfaced through awaitTermination.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber } from "effect"
import { TestClock } from "effect/testing"
import * as StreamingContext from "../src/StreamingContext.js"
import type { BatchInfo, OutputOperationInfo } from "../src/scheduler/StreamingListener.js"
import * as Testing from "../src/testing/index.js"
import { flipFailure, makeSparkContext, makeStreaming } from "./utils/streaming.js"

describe("StreamingContext", () => {
  it.effect("start without an output operation fails with IllegalStateError", () =>
    Effect.scoped(Effect.gen(function*() {
      const { sc, ssc } = yield* makeStreaming()
      ssc.queueStream([sc.parallelize([1], 1)]).map((x) => x)
      const error = yield* flipFailure(ssc.start())
      assert.strictEqual(error._tag, "IllegalStateError")
      assert.match(error.message, /No output operations/)
      assert.strictEqual(ssc.getState(), "INITIALIZED")
    })))

  for (
    const [name, build, stream, pattern] of [
      ["window not a multiple of the slide", (s: Input) => s.window("1500 millis"), "WindowedDStream", /window duration 1500 ms/],
      [
        "slide not a multiple of the parent's slide",
        (s: Input) => s.window("2 seconds", "1500 millis"),
        "WindowedDStream",
        /slide duration 1500 ms/
      ],
      [
        "window over a windowed stream's slide",
        (s: Input) => s.window("4 seconds", "2 seconds").window("3 seconds"),
        "WindowedDStream",
        /parent stream's slide duration 2000 ms/
      ],
      ["non-positive window", (s: Input) => s.window(0), "WindowedDStream", /positive/],
      ["negative slide", (s: Input) => s.window("2 seconds", -1000), "WindowedDStream", /positive/],
      [
        "reduceByKeyAndWindow with a bad window",
        (s: Input) => s.map(() => ["k", 1] as const).reduceByKeyAndWindow((a, b) => a + b, (a, b) => a - b, "2500 millis"),
        "ReducedWindowedDStream",
        /multiple/
      ],
      [
        "mapWithState with a non-positive timeout",
        (s: Input) => s.map((x) => [x, x] as const).mapWithState({ func: () => 1, timeout: 0 }),
        "MapWithStateDStream",
        /timeout/
      ],
      ["union of streams with different slides", (s: Input) => s.union(s.window("2 seconds", "2 seconds")), "UnionDStream", /same slide/],
      ["a non-positive checkpoint interval", (s: Input) => s.map((x) => x).checkpoint(0), "MappedDStream", /checkpoint interval/],
      ["a negative checkpoint interval", (s: Input) => s.map((x) => x).checkpoint(-1000), "MappedDStream", /checkpoint interval/]
    ] as const
  ) {
    it.effect(`start fails with InvalidStreamError naming the stream: ${name}`, () =>
      Effect.scoped(Effect.gen(function*() {
        const { sc, ssc } = yield* makeStreaming()
        ;(build(ssc.queueStream([sc.parallelize([1], 1)])) as { foreachRDD: (f: () => void) => void }).foreachRDD(() => undefined)
        const error = yield* flipFailure(ssc.start())
        assert.strictEqual(error._tag, "InvalidStreamError")
        assert.strictEqual((error as { stream: string }).stream, stream)
        assert.match(error.message, pattern)
      })))
  }

  it.effect("a non-positive remember duration makes start fail; a valid one set later clears it", () =>
    Effect.scoped(Effect.gen(function*() {
      const { sc, ssc } = yield* makeStreaming()
      ssc.queueStream([sc.parallelize([1], 1)]).foreachRDD(() => undefined)
      ssc.remember(0)
      const error = yield* flipFailure(ssc.start())
      assert.strictEqual(error._tag, "InvalidStreamError")
      assert.match(error.message, /remember duration/)
      ssc.remember("5 seconds")
      yield* ssc.start()
      yield* ssc.stop({ stopSparkContext: false })
    })))

  it.effect("a non-positive batch duration is refused", () =>
    Effect.scoped(Effect.gen(function*() {
      const sc = yield* makeSparkContext()
      const error = yield* flipFailure(StreamingContext.make(sc, { batchDuration: 0 }))
      assert.strictEqual(error._tag, "InvalidStreamError")
      assert.strictEqual(error.stream, "StreamingContext")
    })))

  for (
    const [name, build] of [
      ["updateStateByKey", (s: Input) => s.map((x) => [x, 1] as const).updateStateByKey((v: Array<number>) => v.length)],
      ["mapWithState", (s: Input) => s.map((x) => [x, 1] as const).mapWithState({ func: () => 1 })],
      [
        "reduceByKeyAndWindow with an inverse",
        (s: Input) => s.map((x) => [x, 1] as const).reduceByKeyAndWindow((a, b) => a + b, (a, b) => a - b, "2 seconds")
      ]
    ] as const
  ) {
    it.effect(`a stateful operation (${name}) without ssc.checkpoint(dir) fails with InvalidStreamError`, () =>
      Effect.scoped(Effect.gen(function*() {
        const { sc, ssc } = yield* makeStreaming({ checkpoint: false })
        ;(build(ssc.queueStream([sc.parallelize([1], 1)])) as { foreachRDD: (f: () => void) => void }).foreachRDD(() => undefined)
        const error = yield* flipFailure(ssc.start())
        assert.strictEqual(error._tag, "InvalidStreamError")
        assert.match(error.message, /ssc\.checkpoint\(dir\)/)
      })))
  }

  it.effect("a second start while active does nothing; start after stop fails", () =>
    Effect.scoped(Effect.gen(function*() {
      const { sc, ssc } = yield* makeStreaming()
      ssc.constantStream(sc.parallelize([1], 1)).foreachRDD(() => undefined)
      yield* ssc.start()
      const zeroTime = ssc.graph.zeroTime
      yield* Testing.advanceBatches(ssc, 2)
      yield* ssc.start()
      assert.strictEqual(ssc.getState(), "ACTIVE")
      assert.strictEqual(ssc.graph.zeroTime, zeroTime)
      yield* Testing.advanceBatches(ssc, 1)
      assert.deepStrictEqual(ssc.generatedBatchTimes, [1000, 2000, 3000])
      yield* ssc.stop({ stopSparkContext: false })
      assert.strictEqual(ssc.getState(), "STOPPED")
      const error = yield* flipFailure(ssc.start())
      assert.strictEqual(error._tag, "IllegalStateError")
      assert.match(error.message, /already been stopped/)
      // stopped: the clock moves, no batch is generated
      yield* TestClock.adjust(5000)
      assert.deepStrictEqual(ssc.generatedBatchTimes, [1000, 2000, 3000])
      assert.isTrue(yield* ssc.awaitTermination())
    })))

  it.effect("only one active context per process; another may start after it stops", () =>
    Effect.scoped(Effect.gen(function*() {
      const { sc, ssc } = yield* makeStreaming()
      ssc.constantStream(sc.parallelize([1], 1)).foreachRDD(() => undefined)
      const ssc2 = yield* StreamingContext.make(sc, { batchDuration: 1000 })
      ssc2.constantStream(sc.parallelize([1], 1)).foreachRDD(() => undefined)
      yield* ssc.start()
      const error = yield* flipFailure(ssc2.start())
      assert.strictEqual(error._tag, "IllegalStateError")
      assert.match(error.message, /Only one StreamingContext/)
      assert.strictEqual(ssc2.getState(), "INITIALIZED")
      yield* ssc.stop({ stopSparkContext: false })
      yield* ssc2.start()
      assert.strictEqual(ssc2.getState(), "ACTIVE")
    })))

  it.effect("stop(graceful) waits for queued batches to finish", () =>
    Effect.scoped(Effect.gen(function*() {
      const { sc, ssc } = yield* makeStreaming()
      const done: Array<number> = []
      // each job takes half a batch on the clock, so batches queue up when the clock jumps
      ssc.constantStream(sc.parallelize([1], 1)).foreachRDD((_rdd, time) =>
        Effect.andThen(Effect.sleep(500), Effect.sync(() => void done.push(time)))
      )
      yield* ssc.start()
      yield* TestClock.adjust(3000) // 3 batches generated, only the first is running
      assert.deepStrictEqual(ssc.generatedBatchTimes, [1000, 2000, 3000])
      const stopping = yield* Effect.forkChild(ssc.stop({ stopSparkContext: false, stopGracefully: true }))
      for (let i = 0; i < 4; i++) yield* TestClock.adjust(500)
      yield* Fiber.join(stopping)
      assert.deepStrictEqual(done, [1000, 2000, 3000])
      assert.deepStrictEqual(ssc.generatedBatchTimes, [1000, 2000, 3000])
      assert.strictEqual(ssc.getState(), "STOPPED")
    })))

  it.effect("stop (not graceful) interrupts running jobs", () =>
    Effect.scoped(Effect.gen(function*() {
      const { sc, ssc } = yield* makeStreaming()
      const done: Array<number> = []
      ssc.constantStream(sc.parallelize([1], 1)).foreachRDD((_rdd, time) =>
        Effect.andThen(Effect.sleep(500), Effect.sync(() => void done.push(time)))
      )
      yield* ssc.start()
      yield* TestClock.adjust(3000)
      yield* ssc.stop({ stopSparkContext: false })
      yield* TestClock.adjust(5000)
      assert.isBelow(done.length, 3)
    })))

  it.effect("awaitTermination surfaces a failing job's StreamingJobError; the failure reaches BatchInfo and listeners", () =>
    Effect.scoped(Effect.gen(function*() {
      const { sc, ssc } = yield* makeStreaming()
      const completedOps: Array<OutputOperationInfo> = []
      const completedBatches: Array<BatchInfo> = []
      yield* ssc.addStreamingListener({
        onOutputOperationCompleted: (info) => void completedOps.push(info),
        onBatchCompleted: (batch) => void completedBatches.push(batch)
      })
      const input = ssc.constantStream(sc.parallelize([1, 2, 3], 2))
      input.foreachRDD(() => undefined)
      input.map((x) => {
        if (x === 2) throw new Error("boom on 2")
        return x
      }).foreachRDD((rdd) => rdd.collect())
      yield* ssc.start()
      const error = yield* flipFailure(Testing.advanceBatches(ssc, 1))
      assert.strictEqual(error._tag, "StreamingJobError")
      const jobError = yield* flipFailure(ssc.awaitTermination())
      assert.strictEqual(jobError._tag, "StreamingJobError")
      if (jobError._tag === "StreamingJobError") {
        assert.strictEqual(jobError.batchTime, 1000)
        assert.strictEqual(jobError.outputOpId, 1)
        assert.match(jobError.message, /boom on 2/)
      }
      yield* ssc.waitForListeners()
      const failed = completedOps.filter((o) => o.failureReason !== undefined)
      assert.deepStrictEqual(failed.map((o) => [o.batchTime, o.id]), [[1000, 1]])
      assert.match(failed[0]!.failureReason!, /boom on 2/)
      const batch = completedBatches.find((b) => b.batchTime === 1000)!
      assert.match(batch.outputOperationInfos.get(1)!.failureReason!, /boom on 2/)
      assert.isUndefined(batch.outputOperationInfos.get(0)!.failureReason)
    })))

  it.effect("an output operation added after start surfaces an IllegalStateError through awaitTermination", () =>
    Effect.scoped(Effect.gen(function*() {
      const { sc, ssc } = yield* makeStreaming()
      const input = ssc.constantStream(sc.parallelize([1], 1))
      input.foreachRDD(() => undefined)
      yield* ssc.start()
      input.map((x) => x).print()
      const error = yield* flipFailure(ssc.awaitTermination())
      assert.strictEqual(error._tag, "IllegalStateError")
      assert.match(error.message, /after starting a context/)
    })))

  it.effect("awaitTermination with a timeout returns false while running, true once stopped", () =>
    Effect.scoped(Effect.gen(function*() {
      const { sc, ssc } = yield* makeStreaming()
      ssc.constantStream(sc.parallelize([1], 1)).foreachRDD(() => undefined)
      yield* ssc.start()
      const waiting = yield* Effect.forkChild(ssc.awaitTerminationOrTimeout("2 seconds"))
      yield* Testing.advanceBatches(ssc, 2)
      assert.isFalse(yield* Fiber.join(waiting))
      yield* ssc.stop({ stopSparkContext: false })
      assert.isTrue(yield* ssc.awaitTerminationOrTimeout("1 second"))
    })))
})

type Input = ReturnType<StreamingContext.StreamingContext["queueStream"]> & { readonly __brand?: number }
