import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Fiber, Option, Scope, Stream } from "effect"
import { TestClock } from "effect/testing"
import { PIDRateEstimator, RateController, type RateControlError, type RateEstimator } from "../src/index.js"

const event = (
  end: number,
  records: number,
  processingDelayMs: number,
  schedulingDelayMs: number,
  streamId = 0
): RateController.BatchCompleted => ({
  batchTime: end - processingDelayMs - schedulingDelayMs,
  processingEndTime: end,
  processingDelayMs,
  schedulingDelayMs,
  numRecords: { [streamId]: records }
})

/** An estimator that returns the given rates in turn and records what it was asked. */
const scripted = (rates: ReadonlyArray<number | undefined>) => {
  const calls: Array<readonly [number, number, number, number]> = []
  const estimator: RateEstimator.RateEstimator = {
    compute: (t, n, p, s) =>
      Effect.sync(() => {
        const rate = rates[calls.length]
        calls.push([t, n, p, s])
        return Option.fromUndefinedOr(rate)
      })
  }
  return { calls, estimator }
}

describe("RateController", () => {
  it.effect("publishes every new rate, in order, and keeps the latest", () =>
    Effect.gen(function*() {
      const published: Array<number> = []
      const estimator = yield* PIDRateEstimator.make({ batchIntervalMs: 1_000 })
      const controller = yield* RateController.make({
        streamId: 0,
        estimator,
        publish: (rate) => Effect.sync(() => published.push(rate))
      })
      assert.deepStrictEqual(yield* controller.latestRate, Option.none())
      yield* controller.onBatchCompleted(event(1_000, 1_000, 1_000, 0))
      yield* controller.flush
      assert.deepStrictEqual(yield* controller.latestRate, Option.none()) // first run: calibration only
      yield* controller.onBatchCompleted(event(2_000, 1_000, 500, 0)) // 2000/s
      yield* controller.onBatchCompleted(event(3_000, 1_000, 1_000, 500)) // 1000/s, delayed
      yield* controller.flush
      assert.deepStrictEqual(published, [2_000, 900])
      assert.deepStrictEqual(yield* controller.latestRate, Option.some(900))
    }))

  it.effect("rates are whole records per second (Spark keeps a Long)", () =>
    Effect.gen(function*() {
      const { estimator } = scripted([1234.9])
      const controller = yield* RateController.make({ streamId: 0, estimator })
      yield* controller.onBatchCompleted(event(1_000, 10, 10, 0))
      yield* controller.flush
      assert.deepStrictEqual(yield* controller.latestRate, Option.some(1234))
    }))

  it.effect("hands the estimator the processing end time, this stream's records and both delays", () =>
    Effect.gen(function*() {
      const { calls, estimator } = scripted([])
      const controller = yield* RateController.make({ streamId: 3, estimator })
      yield* controller.onBatchCompleted({
        batchTime: 5_000,
        processingEndTime: 5_900,
        processingDelayMs: 700,
        schedulingDelayMs: 200,
        numRecords: new Map([[1, 99], [3, 42]])
      })
      yield* controller.flush
      assert.deepStrictEqual(calls, [[5_900, 42, 700, 200]])
    }))

  it.effect("ignores events that lack a figure or this stream's count, as Spark does", () =>
    Effect.gen(function*() {
      const { calls, estimator } = scripted([])
      const controller = yield* RateController.make({ streamId: 0, estimator })
      yield* controller.onBatchCompleted({ batchTime: 0, processingDelayMs: 1, schedulingDelayMs: 0, numRecords: { 0: 1 } })
      yield* controller.onBatchCompleted({ batchTime: 0, processingEndTime: 1, schedulingDelayMs: 0, numRecords: { 0: 1 } })
      yield* controller.onBatchCompleted({ batchTime: 0, processingEndTime: 1, processingDelayMs: 1, numRecords: { 0: 1 } })
      yield* controller.onBatchCompleted(event(10, 5, 1, 0, 7)) // another stream
      yield* controller.flush
      assert.deepStrictEqual(calls, [])
    }))

  it.effect("nonsense figures are typed errors that name the field", () =>
    Effect.gen(function*() {
      const { calls, estimator } = scripted([])
      const controller = yield* RateController.make({ streamId: 0, estimator })
      const cases: ReadonlyArray<readonly [RateController.BatchCompleted, string]> = [
        [{ ...event(10, 5, 1, 0), batchTime: NaN }, "batchTime"],
        [{ ...event(10, 5, 1, 0), processingEndTime: Infinity }, "processingEndTime"],
        [{ ...event(10, 5, 1, 0), processingDelayMs: -1 }, "processingDelayMs"],
        [{ ...event(10, 5, 1, 0), schedulingDelayMs: NaN }, "schedulingDelayMs"],
        [event(10, -5, 1, 0), "numRecords[0]"]
      ]
      for (const [e, field] of cases) {
        const error = yield* Effect.flip(controller.onBatchCompleted(e))
        assert.strictEqual(error._tag, "InvalidArgumentError")
        assert.strictEqual(error.argument, field)
        assert.include(error.message, `batch completed event: ${field} is`)
      }
      yield* controller.flush
      assert.deepStrictEqual(calls, [])
    }))

  it.effect("a failing publish is reported, and the controller goes on", () =>
    Effect.gen(function*() {
      const { estimator } = scripted([100, 200, 300])
      const reported: Array<RateControlError.RatePublishError> = []
      const published: Array<number> = []
      const controller = yield* RateController.make({
        streamId: 4,
        estimator,
        publish: (rate) => {
          if (rate === 100) return Effect.fail("receiver gone")
          if (rate === 200) throw new Error("boom")
          published.push(rate)
        },
        onPublishError: (error) => Effect.sync(() => reported.push(error))
      })
      const rates = yield* controller.subscribe
      const collected = yield* Effect.forkChild(Stream.runCollect(Stream.take(rates, 3)))
      for (let t = 1; t <= 3; t++) yield* controller.onBatchCompleted(event(t * 1_000, 10, 10, 0, 4))
      yield* controller.flush
      assert.deepStrictEqual(published, [300])
      assert.deepStrictEqual(reported.map((e) => [e._tag, e.streamId, e.rate]), [
        ["RatePublishError", 4, 100],
        ["RatePublishError", 4, 200]
      ])
      assert.strictEqual(reported[0].cause, "receiver gone")
      assert.include(reported[1].message, "publishing rate 200 records/s for stream 4 failed: Error: boom")
      assert.deepStrictEqual(yield* controller.latestRate, Option.some(300))
      // the stream still carries every rate: the failure was the callback's only
      assert.deepStrictEqual(yield* Fiber.join(collected), [100, 200, 300])
    }))

  it.effect("a dying estimator is logged; the controller keeps its rate and goes on", () =>
    Effect.gen(function*() {
      let calls = 0
      const estimator: RateEstimator.RateEstimator = {
        compute: () =>
          Effect.suspend(() => {
            calls++
            return calls === 2 ? Effect.die("estimator bug") : Effect.succeed(Option.some(calls * 100))
          })
      }
      const controller = yield* RateController.make({ streamId: 0, estimator })
      for (let t = 1; t <= 3; t++) yield* controller.onBatchCompleted(event(t * 1_000, 10, 10, 0))
      yield* controller.flush
      assert.strictEqual(calls, 3)
      assert.deepStrictEqual(yield* controller.latestRate, Option.some(300))
    }))

  it.effect("computes asynchronously: onBatchCompleted returns at once, rates follow in order on the clock", () =>
    Effect.gen(function*() {
      // an estimator that takes one (virtual) second per batch
      const seen: Array<number> = []
      const estimator: RateEstimator.RateEstimator = {
        compute: (time) => Effect.as(Effect.sleep("1 second"), Option.some(time))
      }
      const controller = yield* RateController.make({
        streamId: 0,
        estimator,
        publish: (rate) => Effect.sync(() => seen.push(rate))
      })
      for (let t = 1; t <= 5; t++) yield* controller.onBatchCompleted(event(t, 10, 1, 0))
      assert.deepStrictEqual(seen, [])
      yield* TestClock.adjust("2 seconds")
      assert.deepStrictEqual(seen, [1, 2])
      yield* TestClock.adjust("3 seconds")
      assert.deepStrictEqual(seen, [1, 2, 3, 4, 5])
    }))

  it.effect("closing the scope stops the controller and ends the rates stream", () =>
    Effect.gen(function*() {
      const scope = yield* Scope.make()
      const { estimator } = scripted([10, 20])
      const controller = yield* Scope.provide(RateController.make({ streamId: 0, estimator }), scope)
      const rates = yield* Scope.provide(controller.subscribe, scope)
      const collected = yield* Effect.forkChild(Stream.runCollect(rates))
      yield* controller.onBatchCompleted(event(1, 1, 1, 0))
      yield* controller.flush
      yield* Scope.close(scope, Exit.void)
      assert.deepStrictEqual(yield* Fiber.join(collected), [10])
    }))

  it.effect("isBackPressureEnabled reads spark.streaming.backpressure.enabled", () =>
    Effect.gen(function*() {
      assert.isFalse(yield* RateController.isBackPressureEnabled({}))
      assert.isTrue(yield* RateController.isBackPressureEnabled({ "spark.streaming.backpressure.enabled": "true" }))
      assert.isTrue(yield* RateController.isBackPressureEnabled({ "spark.streaming.backpressure.enabled": " TRUE" }))
      assert.isFalse(yield* RateController.isBackPressureEnabled({ "spark.streaming.backpressure.enabled": "false" }))
      const error = yield* Effect.flip(
        RateController.isBackPressureEnabled({ "spark.streaming.backpressure.enabled": "yes" })
      )
      assert.strictEqual(error.message, "spark.streaming.backpressure.enabled is \"yes\"; set it to \"true\" or \"false\".")
    }))
})
