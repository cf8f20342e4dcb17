/**
 * RecurringTimer on the test clock: RecurringTimerSuite's "basic" and
 * "SPARK-10224: call 'callback' after stopping", the start and restart
 * times, a callback running when stop(false) comes completes (and one
 * with stop(true) is interrupted), lifecycle errors, and a property: the
 * callback times are exactly the period boundaries passed, once each, in
 * order, however the clock jumps.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, SubscriptionRef } from "effect"
import { TestClock } from "effect/testing"
import fc from "fast-check"
import { awaitUntil } from "../../src/internal/waiter.js"
import * as RecurringTimer from "../../src/scheduler/RecurringTimer.js"
import { checkProperty, flipFailure } from "../utils/streaming.js"

/** A timer that records each callback time; `awaitCount(n)` waits for the n-th. */
const recordingTimer = (period: number, callback: (time: number) => Effect.Effect<void> = () => Effect.void) =>
  Effect.gen(function*() {
    const count = yield* SubscriptionRef.make(0)
    const results: Array<number> = []
    const timer = yield* RecurringTimer.make(period, (time) =>
      Effect.andThen(callback(time), () => {
        results.push(time)
        return SubscriptionRef.update(count, (n) => n + 1)
      }), "RecurringTimerSuite")
    return { timer, results, awaitCount: (n: number) => awaitUntil(count, (c) => c >= n) }
  })

const untilStopped = (timer: RecurringTimer.RecurringTimer) =>
  Effect.gen(function*() {
    while (!timer.isStopped) yield* Effect.yieldNow
  })

describe("RecurringTimer (RecurringTimerSuite)", () => {
  it.effect("basic: one callback per boundary, catching up when the clock jumps; stop returns the last time", () =>
    Effect.scoped(Effect.gen(function*() {
      const { awaitCount, results, timer } = yield* recordingTimer(100)
      assert.strictEqual(yield* timer.start(0), 0)
      yield* awaitCount(1)
      assert.deepStrictEqual(results, [0])
      yield* TestClock.adjust(100)
      yield* awaitCount(2)
      assert.deepStrictEqual(results, [0, 100])
      yield* TestClock.adjust(200)
      yield* awaitCount(4)
      assert.deepStrictEqual(results, [0, 100, 200, 300])
      assert.strictEqual(yield* timer.stop(true), 300)
      yield* TestClock.adjust(1000)
      assert.deepStrictEqual(results, [0, 100, 200, 300])
    })))

  it.effect("SPARK-10224: stop(false) lets the waiting trigger fire, then calls back once more after stopping", () =>
    Effect.scoped(Effect.gen(function*() {
      const { awaitCount, results, timer } = yield* recordingTimer(100)
      yield* timer.start(0)
      yield* awaitCount(1)
      // Now the timer waits for 100.
      const stopping = yield* Effect.forkChild(timer.stop(false))
      yield* untilStopped(timer)
      yield* TestClock.adjust(200)
      assert.strictEqual(yield* Fiber.join(stopping), 200)
      assert.deepStrictEqual(results, [0, 100, 200])
      yield* TestClock.adjust(1000)
      assert.deepStrictEqual(results, [0, 100, 200])
    })))
})

describe("RecurringTimer", () => {
  it.effect("start() starts at getStartTime, the first multiple of the period after now; getRestartTime keeps the original series", () =>
    Effect.scoped(Effect.gen(function*() {
      yield* TestClock.adjust(2500)
      const { awaitCount, results, timer } = yield* recordingTimer(1000)
      assert.strictEqual(yield* timer.getStartTime, 3000)
      // ((2500 - 300) / 1000 floored + 1) * 1000 + 300
      assert.strictEqual(yield* timer.getRestartTime(300), 3300)
      assert.strictEqual(yield* timer.getRestartTime(2500), 3500)
      yield* TestClock.adjust(500)
      // On a boundary, the start time is the next one: strictly after now.
      assert.strictEqual(yield* timer.getStartTime, 4000)
      assert.strictEqual(yield* timer.start(), 4000)
      yield* TestClock.adjust(3000)
      yield* awaitCount(3)
      assert.deepStrictEqual(results, [4000, 5000, 6000])
      assert.strictEqual(yield* timer.stop(true), 6000)
    })))

  it.effect("a callback running when stop(false) is called completes, and one more follows; stop(true) interrupts it", () =>
    Effect.scoped(Effect.gen(function*() {
      const log: Array<string> = []
      const slow = (time: number) =>
        Effect.gen(function*() {
          log.push(`begin ${time}`)
          yield* Effect.sleep(50)
          log.push(`end ${time}`)
        })
      const logged = (n: number) =>
        Effect.gen(function*() {
          while (log.length < n) yield* Effect.yieldNow
        })
      const graceful = yield* recordingTimer(100, slow)
      yield* graceful.timer.start(100)
      yield* TestClock.adjust(100)
      yield* logged(1)
      // The callback of 100 is in its sleep.
      const stopping = yield* Effect.forkChild(graceful.timer.stop(false))
      yield* untilStopped(graceful.timer)
      yield* TestClock.adjust(50)
      yield* graceful.awaitCount(1)
      assert.deepStrictEqual(log, ["begin 100", "end 100"])
      yield* TestClock.adjust(50)
      yield* logged(3)
      yield* TestClock.adjust(50)
      assert.strictEqual(yield* Fiber.join(stopping), 200)
      assert.deepStrictEqual(log, ["begin 100", "end 100", "begin 200", "end 200"])

      // Now 250.
      log.length = 0
      const abrupt = yield* recordingTimer(100, slow)
      yield* abrupt.timer.start(350)
      yield* TestClock.adjust(100)
      yield* logged(1)
      yield* TestClock.adjust(50)
      yield* abrupt.awaitCount(1)
      yield* TestClock.adjust(50)
      yield* logged(3)
      // The callback of 350 ended, the one of 450 is in its sleep.
      yield* TestClock.adjust(25)
      assert.strictEqual(yield* abrupt.timer.stop(true), 350)
      yield* TestClock.adjust(1000)
      assert.deepStrictEqual(log, ["begin 350", "end 350", "begin 450"])
      assert.deepStrictEqual(abrupt.results, [350])
    })))

  it.effect("lifecycle errors are typed: start twice, start after stop, stop before start; stop twice returns the same time", () =>
    Effect.scoped(Effect.gen(function*() {
      const { timer } = yield* recordingTimer(100)
      const early = yield* flipFailure(timer.stop(false))
      assert.strictEqual(early._tag, "IllegalStateError")
      assert.match(early.message, /RecurringTimer RecurringTimerSuite was stopped before it was started; call start first/)
      yield* timer.start(0)
      const twice = yield* flipFailure(timer.start(0))
      assert.match(twice.message, /was already started; a timer starts once/)
      yield* Effect.yieldNow
      const last = yield* timer.stop(true)
      assert.strictEqual(yield* timer.stop(false), last)
      const after = yield* flipFailure(timer.start())
      assert.match(after.message, /was already stopped/)
    })))

  it.effect("bad arguments name what to change", () =>
    Effect.scoped(Effect.gen(function*() {
      for (const period of [0, -5, Number.NaN] as const) {
        const error = yield* flipFailure(RecurringTimer.make(period, () => Effect.void, "bad"))
        assert.strictEqual(error._tag, "InvalidStreamError")
        assert.match(error.message, /period must be a positive whole number of milliseconds/)
      }
      const { timer } = yield* recordingTimer(100)
      const start = yield* flipFailure(timer.start(1.5))
      assert.match(start.message, /startTime must be a whole number of milliseconds since the epoch/)
      const restart = yield* flipFailure(timer.getRestartTime(Number.POSITIVE_INFINITY))
      assert.match(restart.message, /originalStartTime must be a whole number/)
    })))

  it.effect("closing the timer's scope stops it", () =>
    Effect.gen(function*() {
      const results: Array<number> = []
      yield* Effect.scoped(Effect.gen(function*() {
        const timer = yield* RecurringTimer.make(100, (time) => Effect.sync(() => void results.push(time)), "scoped")
        yield* timer.start(100)
        yield* TestClock.adjust(100)
        while (results.length === 0) yield* Effect.yieldNow
      }))
      yield* TestClock.adjust(1000)
      assert.deepStrictEqual(results, [100])
    }))

  it.effect("property: callbacks come at exactly the boundaries passed, once each, in order, however the clock jumps", () =>
    checkProperty(
      fc.record({
        period: fc.integer({ min: 1, max: 1000 }),
        startAt: fc.nat({ max: 5000 }),
        jumps: fc.array(fc.nat({ max: 3000 }), { maxLength: 8 })
      }),
      ({ jumps, period, startAt }) =>
        Effect.gen(function*() {
          yield* TestClock.adjust(startAt)
          const { awaitCount, results, timer } = yield* recordingTimer(period)
          const first = yield* timer.start()
          let now = startAt
          for (const jump of jumps) {
            yield* TestClock.adjust(jump)
            now += jump
            const expected = now >= first ? Math.floor((now - first) / period) + 1 : 0
            yield* awaitCount(expected)
            assert.deepStrictEqual(results, Array.from({ length: expected }, (_, i) => first + i * period))
          }
          assert.strictEqual(yield* timer.stop(true), results.length === 0 ? -1 : results[results.length - 1]!)
          assert.isTrue(results.every((time) => time % period === 0))
        }),
      { numRuns: 50 }
    ))
})
