import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Fiber } from "effect"
import { TestClock } from "effect/testing"
import { RateLimiter } from "../src/index.js"

/** Forks `effect` and reports whether it finished, without sleeping. */
const isDone = <A, E>(fiber: Fiber.Fiber<A, E>) => Effect.map(Fiber.await(fiber).pipe(Effect.timeoutOption(0)), (o) => o._tag === "Some")

describe("RateLimiter", () => {
  it.effect("is unlimited without maxRate or initialRate", () =>
    Effect.gen(function*() {
      const limiter = yield* RateLimiter.make()
      assert.strictEqual(limiter.maxRate, Infinity)
      assert.strictEqual(yield* limiter.currentLimit, Infinity)
      yield* limiter.acquire(1e9)
      yield* limiter.acquire(1e9)
      assert.isTrue(limiter.tryAcquire(1e12))
    }))

  it.effect("maxRate 0 means unlimited, as spark.streaming.receiver.maxRate", () =>
    Effect.gen(function*() {
      const limiter = yield* RateLimiter.make({ maxRate: 0 })
      assert.strictEqual(limiter.maxRate, Infinity)
      yield* limiter.acquire(1e9)
    }))

  it.effect("starts at initialRate, capped by maxRate", () =>
    Effect.gen(function*() {
      assert.strictEqual(yield* (yield* RateLimiter.make({ initialRate: 500 })).currentLimit, 500)
      assert.strictEqual(yield* (yield* RateLimiter.make({ maxRate: 200, initialRate: 500 })).currentLimit, 200)
      assert.strictEqual(yield* (yield* RateLimiter.make({ maxRate: 200 })).currentLimit, 200)
    }))

  it.effect("maxRate caps every update; 0 is ignored; Infinity lifts up to the cap", () =>
    Effect.gen(function*() {
      const limiter = yield* RateLimiter.make({ maxRate: 1_000, initialRate: 100 })
      yield* limiter.updateRate(5_000)
      assert.strictEqual(yield* limiter.currentLimit, 1_000)
      yield* limiter.updateRate(300)
      assert.strictEqual(yield* limiter.currentLimit, 300)
      yield* limiter.updateRate(0)
      assert.strictEqual(yield* limiter.currentLimit, 300)
      yield* limiter.updateRate(Infinity)
      assert.strictEqual(yield* limiter.currentLimit, 1_000)
      const free = yield* RateLimiter.make({ initialRate: 10 })
      yield* free.updateRate(Infinity)
      assert.strictEqual(free.currentLimitUnsafe(), Infinity)
    }))

  it.effect("bad rates and permit counts are typed errors that say what to change", () =>
    Effect.gen(function*() {
      const limiter = yield* RateLimiter.make({ initialRate: 100 })
      const negative = yield* Effect.flip(limiter.updateRate(-1))
      assert.strictEqual(negative._tag, "InvalidRateError")
      assert.strictEqual(
        negative.message,
        "rate is -1; pass a finite number of records per second >= 0. A new rate of 0 is ignored, as in Spark."
      )
      assert.strictEqual((yield* Effect.flip(limiter.updateRate(NaN)))._tag, "InvalidRateError")
      assert.strictEqual(yield* limiter.currentLimit, 100)
      const permits = yield* Effect.flip(limiter.acquire(-3))
      assert.strictEqual(permits._tag, "InvalidArgumentError")
      assert.include(permits.message, "pass a finite number of records >= 0")
      assert.strictEqual((yield* Effect.flip(limiter.acquire(NaN)))._tag, "InvalidArgumentError")
      assert.strictEqual((yield* Effect.flip(limiter.acquire(Infinity)))._tag, "InvalidArgumentError")
      assert.isFalse(limiter.tryAcquire(-1))
      assert.isFalse(limiter.tryAcquire(NaN))
      assert.strictEqual((yield* Effect.flip(RateLimiter.make({ maxRate: -5 })))._tag, "InvalidRateError")
      assert.strictEqual((yield* Effect.flip(RateLimiter.make({ maxRate: NaN })))._tag, "InvalidRateError")
      assert.strictEqual((yield* Effect.flip(RateLimiter.make({ initialRate: 0 })))._tag, "InvalidRateError")
      assert.strictEqual((yield* Effect.flip(RateLimiter.make({ initialRate: -1 })))._tag, "InvalidRateError")
      const burst = yield* Effect.flip(RateLimiter.make({ burstSeconds: 0 }))
      assert.strictEqual(burst._tag, "InvalidArgumentError")
      assert.include(burst.message, "pass a fraction of a second in (0, 1]")
      assert.strictEqual((yield* Effect.flip(RateLimiter.make({ burstSeconds: 2 })))._tag, "InvalidArgumentError")
    }))

  it.effect("acquire waits on the clock once the bucket is empty", () =>
    Effect.gen(function*() {
      // 10 records/s; bucket = max(1, 10 * 0.1) = 1 record
      const limiter = yield* RateLimiter.make({ initialRate: 10 })
      yield* limiter.acquire(1)
      const fiber = yield* Effect.forkChild(limiter.acquire(1))
      yield* TestClock.adjust(99)
      assert.isFalse(yield* isDone(fiber))
      yield* TestClock.adjust(1)
      assert.isTrue(yield* isDone(fiber))
    }))

  it.effect("a large acquire waits for its whole debt, and the next caller waits behind it", () =>
    Effect.gen(function*() {
      const limiter = yield* RateLimiter.make({ initialRate: 100 }) // bucket 10
      const big = yield* Effect.forkChild(limiter.acquire(110)) // 100 records short: 1 s
      const next = yield* Effect.forkChild(limiter.acquire(1)) // 10 ms more
      yield* TestClock.adjust(999)
      assert.isFalse(yield* isDone(big))
      yield* TestClock.adjust(1)
      assert.isTrue(yield* isDone(big))
      assert.isFalse(yield* isDone(next))
      yield* TestClock.adjust(10)
      assert.isTrue(yield* isDone(next))
    }))

  it.effect("sub-second bursts are smooth: records flow every few milliseconds, not once a second", () =>
    Effect.gen(function*() {
      const limiter = yield* RateLimiter.make({ initialRate: 1_000 }) // bucket 100
      let passed = 0
      // the bucket holds a tenth of a second: 100 records pass at once, then no more
      for (let i = 0; i < 100; i++) yield* limiter.acquire(1)
      assert.isFalse(limiter.tryAcquire(1))
      passed = 100
      yield* Effect.forkChild(Effect.forever(Effect.andThen(limiter.acquire(1), Effect.sync(() => passed++))))
      const seen: Array<number> = []
      for (let i = 0; i < 100; i++) {
        yield* TestClock.adjust(10)
        seen.push(passed)
      }
      // 10 more records every 10 ms, no gap
      for (let i = 0; i < seen.length; i++) assert.strictEqual(seen[i], 100 + 10 * (i + 1))
    }))

  it.effect("tryAcquire takes permits only when they are there", () =>
    Effect.gen(function*() {
      const limiter = yield* RateLimiter.make({ initialRate: 100 }) // bucket 10
      assert.isTrue(limiter.tryAcquire(10))
      assert.isFalse(limiter.tryAcquire(1))
      yield* TestClock.adjust(10)
      assert.isTrue(limiter.tryAcquire(1))
      assert.isFalse(limiter.tryAcquire(1))
      yield* TestClock.adjust(1_000)
      assert.isFalse(limiter.tryAcquire(11)) // never more than the bucket
      assert.isTrue(limiter.tryAcquire(10))
    }))

  it.effect("an interrupted waiter gives its permits back", () =>
    Effect.gen(function*() {
      const limiter = yield* RateLimiter.make({ initialRate: 10 }) // bucket 1
      yield* limiter.acquire(1)
      const fiber = yield* Effect.forkChild(limiter.acquire(5))
      yield* TestClock.adjust(100)
      yield* Fiber.interrupt(fiber)
      // the 5 permits are back: one token has accrued in 100 ms, so one record passes at once
      assert.isTrue(limiter.tryAcquire(1))
      assert.isFalse(limiter.tryAcquire(1))
    }))

  it.effect("a lower rate applies to later acquires; debt accrued at the old rate is repaid at the new one", () =>
    Effect.gen(function*() {
      const limiter = yield* RateLimiter.make({ initialRate: 1_000 }) // bucket 100
      yield* limiter.acquire(100)
      yield* limiter.updateRate(10) // bucket 1
      const fiber = yield* Effect.forkChild(limiter.acquire(1))
      yield* TestClock.adjust(99)
      assert.isFalse(yield* isDone(fiber))
      yield* TestClock.adjust(1)
      assert.isTrue(yield* isDone(fiber))
    }))

  it.effect("a limited limiter built from config honours maxRate and initialRate", () =>
    Effect.gen(function*() {
      const limiter = yield* RateLimiter.fromConfig({
        "spark.streaming.receiver.maxRate": "2000",
        "spark.streaming.backpressure.initialRate": "500"
      })
      assert.strictEqual(limiter.maxRate, 2_000)
      assert.strictEqual(yield* limiter.currentLimit, 500)
      const unlimited = yield* RateLimiter.fromConfig({ "spark.streaming.receiver.maxRate": "-1" })
      assert.strictEqual(unlimited.maxRate, Infinity)
      const bad = yield* Effect.flip(RateLimiter.fromConfig({ "spark.streaming.receiver.maxRate": "lots" }))
      assert.strictEqual(bad._tag, "InvalidConfigError")
      assert.strictEqual(
        bad.message,
        "spark.streaming.receiver.maxRate is \"lots\"; set it to a number (for example \"100\") or remove it."
      )
    }))

  it.effect("acquire is lazy: running the same effect twice takes twice", () =>
    Effect.gen(function*() {
      const limiter = yield* RateLimiter.make({ initialRate: 100 }) // bucket 10
      const five = limiter.acquire(5)
      assert.isTrue(limiter.tryAcquire(10))
      yield* TestClock.adjust(100) // refill 10
      yield* five
      yield* five
      assert.isFalse(limiter.tryAcquire(1))
      const exit = yield* Effect.exit(limiter.acquire(0))
      assert.isTrue(Exit.isSuccess(exit))
    }))
})
