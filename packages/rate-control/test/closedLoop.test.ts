import { assert, describe, it } from "@effect/vitest"
import { Clock, Effect, Queue } from "effect"
import { TestClock } from "effect/testing"
import { PIDRateEstimator, RateController, RateLimiter } from "../src/index.js"

interface Batch {
  readonly time: number
  readonly records: number
}

interface Done {
  readonly time: number
  readonly records: number
  readonly schedulingDelayMs: number
  readonly rateAtEnd: number
}

/**
 * The whole loop on the test clock: a receiver pushes records through the
 * limiter in chunks; every batch interval a batch is cut; a single processor
 * works through batches at `capacity` records/s; each completion goes to the
 * controller, whose rate goes back to the limiter.
 */
const closedLoop = (options: {
  readonly capacity: number
  readonly initialRate: number
  readonly seconds: number
}) =>
  Effect.gen(function*() {
    const batchIntervalMs = 1_000
    const chunk = 20
    const limiter = yield* RateLimiter.make({ initialRate: options.initialRate })
    const estimator = yield* PIDRateEstimator.make({ batchIntervalMs })
    const controller = yield* RateController.make({
      streamId: 0,
      estimator,
      publish: (rate) => limiter.updateRate(rate)
    })
    const batches = yield* Queue.unbounded<Batch>()
    const done: Array<Done> = []
    let received = 0

    // receiver: store() in chunks, throttled
    yield* Effect.forkChild(
      Effect.forever(Effect.andThen(limiter.acquire(chunk), Effect.sync(() => received += chunk)), { disableYield: true })
    )
    // job generator: cut a batch every interval
    yield* Effect.forkChild(Effect.forever(Effect.gen(function*() {
      yield* Effect.sleep(batchIntervalMs)
      const time = yield* Clock.currentTimeMillis
      const records = received
      received = 0
      yield* Queue.offer(batches, { time, records })
    })))
    // job scheduler: one batch at a time at `capacity` records/s
    yield* Effect.forkChild(Effect.forever(Effect.gen(function*() {
      const batch = yield* Queue.take(batches)
      const start = yield* Clock.currentTimeMillis
      yield* Effect.sleep(Math.max(1, Math.round(batch.records / options.capacity * 1_000)))
      const end = yield* Clock.currentTimeMillis
      const schedulingDelayMs = start - batch.time
      yield* controller.onBatchCompleted({
        batchTime: batch.time,
        processingEndTime: end,
        processingDelayMs: end - start,
        schedulingDelayMs,
        numRecords: { 0: batch.records }
      })
      yield* controller.flush
      done.push({ time: batch.time, records: batch.records, schedulingDelayMs, rateAtEnd: limiter.currentLimitUnsafe() })
    })))

    for (let s = 0; s < options.seconds; s++) yield* TestClock.adjust(batchIntervalMs)
    return done
  })

describe("closed loop on the test clock: controller + limiter hold a stream at its capacity", () => {
  for (const [capacity, initialRate] of [[500, 2_000], [2_000, 150], [1_000, 1_000]] as const) {
    it.effect(`capacity ${capacity}/s, initial rate ${initialRate}/s`, () =>
      Effect.gen(function*() {
        const done = yield* closedLoop({ capacity, initialRate, seconds: 120 })
        const tail = done.slice(-20)
        assert.isAtLeast(done.length, 100)
        for (const b of tail) {
          // batches hold within 10% of what the system can process in one interval
          assert.isAtMost(Math.abs(b.records - capacity), 0.1 * capacity, `batch at ${b.time}: ${b.records} records`)
          assert.isAtMost(Math.abs(b.rateAtEnd - capacity), 0.1 * capacity)
          // and the scheduling delay stopped growing
          assert.isAtMost(b.schedulingDelayMs, tail[0].schedulingDelayMs + 10)
          assert.isAtMost(b.schedulingDelayMs, 1_000)
        }
      }))
  }
})
