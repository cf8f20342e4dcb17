import { assert, describe, it } from "@effect/vitest"
import { test } from "@fast-check/vitest"
import { Effect, Option, pipe } from "effect"
import fc from "fast-check"
import { DirectRateLimits } from "../src/index.js"

const offsets = (entries: ReadonlyArray<readonly [string, number]>) => new Map(entries)

describe("DirectRateLimits.maxMessagesPerPartition", () => {
  it.effect("divides the estimated rate in proportion to lag, times the batch seconds", () =>
    Effect.gen(function*() {
      const limits = yield* DirectRateLimits.maxMessagesPerPartition(offsets([["a", 1_100], ["b", 300]]), {
        currentOffsets: offsets([["a", 100], ["b", 0]]),
        estimatedRate: Option.some(1_300),
        batchDurationMs: 2_000
      })
      // lags 1000 and 300 of 1300: 1000/s and 300/s, for 2 s
      assert.deepStrictEqual(limits, Option.some(new Map([["a", 2_000], ["b", 600]])))
    }))

  it.effect("is dual", () =>
    Effect.gen(function*() {
      const options: DirectRateLimits.DirectRateOptions<string> = {
        currentOffsets: offsets([["a", 0]]),
        estimatedRate: Option.some(10),
        batchDurationMs: 1_000
      }
      const direct = yield* DirectRateLimits.maxMessagesPerPartition(offsets([["a", 50]]), options)
      const piped = yield* pipe(offsets([["a", 50]]), DirectRateLimits.maxMessagesPerPartition(options))
      assert.deepStrictEqual(direct, piped)
      assert.deepStrictEqual(direct, Option.some(new Map([["a", 10]])))
    }))

  it.effect("caps each share by maxRatePerPartition", () =>
    Effect.gen(function*() {
      const limits = yield* DirectRateLimits.maxMessagesPerPartition(offsets([["a", 1_000], ["b", 1_000]]), {
        currentOffsets: offsets([["a", 0], ["b", 0]]),
        estimatedRate: Option.some(1_000),
        maxRatePerPartition: (p) => p === "a" ? 100 : 0,
        batchDurationMs: 1_000
      })
      assert.deepStrictEqual(limits, Option.some(new Map([["a", 100], ["b", 500]])))
    }))

  it.effect("without an estimate, uses maxRatePerPartition; with neither, None", () =>
    Effect.gen(function*() {
      const base = { currentOffsets: offsets([["a", 0], ["b", 0]]), batchDurationMs: 500 }
      const capped = yield* DirectRateLimits.maxMessagesPerPartition(offsets([["a", 10], ["b", 10]]), {
        ...base,
        estimatedRate: Option.none(),
        maxRatePerPartition: 100
      })
      assert.deepStrictEqual(capped, Option.some(new Map([["a", 50], ["b", 50]])))
      const zero = yield* DirectRateLimits.maxMessagesPerPartition(offsets([["a", 10]]), {
        ...base,
        estimatedRate: Option.some(0), // Spark: a controller without a rate and no initial rate
        maxRatePerPartition: 100
      })
      assert.deepStrictEqual(zero, Option.some(new Map([["a", 50]])))
      const none = yield* DirectRateLimits.maxMessagesPerPartition(offsets([["a", 10]]), {
        ...base,
        estimatedRate: Option.none()
      })
      assert.deepStrictEqual(none, Option.none())
    }))

  it.effect("None when no partition has lag under backpressure", () =>
    Effect.gen(function*() {
      const limits = yield* DirectRateLimits.maxMessagesPerPartition(offsets([["a", 5], ["b", 3]]), {
        currentOffsets: offsets([["a", 5], ["b", 9]]), // b is ahead: lag counts as 0
        estimatedRate: Option.some(1_000),
        batchDurationMs: 1_000
      })
      assert.deepStrictEqual(limits, Option.none())
      const empty = yield* DirectRateLimits.maxMessagesPerPartition(new Map<string, number>(), {
        currentOffsets: new Map(),
        estimatedRate: Option.some(1_000),
        batchDurationMs: 1_000
      })
      assert.deepStrictEqual(empty, Option.none())
    }))

  it.effect("every partition gets at least minRatePerPartition (default 1), with lag or not, as in Spark", () =>
    Effect.gen(function*() {
      const input = offsets([["big", 1_000_000], ["small", 1], ["idle", 7]])
      const currentOffsets = offsets([["big", 0], ["small", 0], ["idle", 7]])
      const limits = yield* DirectRateLimits.maxMessagesPerPartition(input, {
        currentOffsets,
        estimatedRate: Option.some(100),
        batchDurationMs: 1_000
      })
      // small's share is 100 * 1 / 1000001 < 1 record: the floor keeps it moving
      assert.deepStrictEqual(limits, Option.some(new Map([["big", 99], ["small", 1], ["idle", 1]])))
      const floored = yield* DirectRateLimits.maxMessagesPerPartition(input, {
        currentOffsets,
        estimatedRate: Option.some(100),
        minRatePerPartition: 5,
        batchDurationMs: 1_000
      })
      assert.deepStrictEqual(floored, Option.some(new Map([["big", 99], ["small", 5], ["idle", 5]])))
      const noFloor = yield* DirectRateLimits.maxMessagesPerPartition(input, {
        currentOffsets,
        estimatedRate: Option.some(100),
        minRatePerPartition: 0,
        batchDurationMs: 1_000
      })
      assert.deepStrictEqual(noFloor, Option.some(new Map([["big", 99], ["small", 0], ["idle", 0]])))
    }))

  it.effect("bad input is a typed error that says what to change", () =>
    Effect.gen(function*() {
      const ok = {
        currentOffsets: offsets([["a", 0]]),
        estimatedRate: Option.some(10),
        batchDurationMs: 1_000
      }
      const run = (input: Map<string, number>, options: DirectRateLimits.DirectRateOptions<string>) =>
        Effect.flip(DirectRateLimits.maxMessagesPerPartition(input, options))
      const negative = yield* run(offsets([["a", 5]]), { ...ok, estimatedRate: Option.some(-1) })
      assert.strictEqual(negative._tag, "InvalidRateError")
      assert.include(negative.message, "estimatedRate is -1")
      assert.strictEqual((yield* run(offsets([["a", 5]]), { ...ok, estimatedRate: Option.some(NaN) }))._tag, "InvalidRateError")
      const duration = yield* run(offsets([["a", 5]]), { ...ok, batchDurationMs: 0 })
      assert.strictEqual(duration._tag, "InvalidDurationError")
      assert.strictEqual(duration.message, "batchDurationMs is 0; pass a finite duration in milliseconds > 0.")
      const missing = yield* run(offsets([["b", 5]]), ok)
      assert.strictEqual(missing._tag, "InvalidArgumentError")
      assert.strictEqual(missing.message, "no current offset for partition b; pass currentOffsets for every partition in offsets.")
      assert.strictEqual((yield* run(offsets([["a", NaN]]), ok))._tag, "InvalidArgumentError")
      const max = yield* run(offsets([["a", 5]]), { ...ok, maxRatePerPartition: -3 })
      assert.strictEqual(max._tag, "InvalidRateError")
      assert.include(max.message, "maxRatePerPartition is -3")
      const min = yield* run(offsets([["a", 5]]), { ...ok, minRatePerPartition: (p) => p === "a" ? NaN : 1 })
      assert.include(min.message, "minRatePerPartition(a) is NaN")
      const initial = yield* run(offsets([["a", 5]]), { ...ok, initialRate: -10 })
      assert.strictEqual(initial._tag, "InvalidRateError")
      assert.include(initial.message, "initialRate is -10; pass a finite number of records per second >= 0.")
      assert.include(initial.message, "spark.streaming.backpressure.initialRate")
    }))

  it.effect("ratesFromConfig reads the kafka keys", () =>
    Effect.gen(function*() {
      assert.deepStrictEqual(yield* DirectRateLimits.ratesFromConfig({}), {
        maxRatePerPartition: 0,
        minRatePerPartition: 1
      })
      assert.deepStrictEqual(
        yield* DirectRateLimits.ratesFromConfig({
          "spark.streaming.kafka.maxRatePerPartition": "500",
          "spark.streaming.kafka.minRatePerPartition": "3"
        }),
        { maxRatePerPartition: 500, minRatePerPartition: 3 }
      )
      const bad = yield* Effect.flip(DirectRateLimits.ratesFromConfig({ "spark.streaming.kafka.maxRatePerPartition": "x" }))
      assert.strictEqual(bad._tag, "InvalidConfigError")
    }))
})

describe("DirectRateLimits.maxMessagesPerPartition (DirectKafkaStreamSuite)", () => {
  const tp = (p: number) => `topic-${p}`
  const fromZero = (...ps: ReadonlyArray<number>) => offsets(ps.map((p) => [tp(p), 0]))

  it.effect("maxMessagesPerPartition with backpressure disabled", () =>
    Effect.gen(function*() {
      // maxRatePerPartition 100 records/s, 100 ms batches: 10 each
      const limits = yield* DirectRateLimits.maxMessagesPerPartition(offsets([[tp(0), 50], [tp(1), 50]]), {
        currentOffsets: fromZero(0, 1),
        estimatedRate: Option.none(),
        maxRatePerPartition: 100,
        batchDurationMs: 100
      })
      assert.deepStrictEqual(limits, Option.some(new Map([[tp(0), 10], [tp(1), 10]])))
    }))

  it.effect("maxMessagesPerPartition with no lag", () =>
    Effect.gen(function*() {
      const limits = yield* DirectRateLimits.maxMessagesPerPartition(offsets([[tp(0), 0], [tp(1), 0]]), {
        currentOffsets: fromZero(0, 1),
        estimatedRate: Option.some(100),
        maxRatePerPartition: 100,
        batchDurationMs: 100
      })
      assert.deepStrictEqual(limits, Option.none())
    }))

  it.effect("maxMessagesPerPartition respects max rate", () =>
    Effect.gen(function*() {
      const limits = yield* DirectRateLimits.maxMessagesPerPartition(offsets([[tp(0), 1000], [tp(1), 1000]]), {
        currentOffsets: fromZero(0, 1),
        estimatedRate: Option.some(1000),
        maxRatePerPartition: (p) => p === tp(0) ? 50 : 100,
        batchDurationMs: 100
      })
      assert.deepStrictEqual(limits, Option.some(new Map([[tp(0), 5], [tp(1), 10]])))
    }))

  it.effect("backpressure.initialRate should honor maxRatePerPartition; use backpressure.initialRate with backpressure", () =>
    Effect.gen(function*() {
      const firstBatch = (maxRatePerPartition: number, initialRate: number) =>
        DirectRateLimits.maxMessagesPerPartition(offsets([[tp(0), 1000]]), {
          currentOffsets: fromZero(0),
          estimatedRate: Option.none(), // no estimate before the first batch
          initialRate,
          maxRatePerPartition,
          batchDurationMs: 500
        })
      assert.deepStrictEqual(yield* firstBatch(1000, 500), Option.some(new Map([[tp(0), 250]])))
      assert.deepStrictEqual(yield* firstBatch(300, 1000), Option.some(new Map([[tp(0), 150]])))
    }))

  it.effect("maxMessagesPerPartition with zero offset and rate equal to the specified minimum with default 1", () =>
    Effect.gen(function*() {
      const limits = yield* DirectRateLimits.maxMessagesPerPartition(
        offsets([[tp(0), 0], [tp(1), 100], [tp(2), 200], [tp(3), 300]]),
        {
          currentOffsets: fromZero(0, 1, 2, 3),
          estimatedRate: Option.some(1),
          maxRatePerPartition: 100,
          minRatePerPartition: 5,
          batchDurationMs: 60_000
        }
      )
      assert.deepStrictEqual(limits, Option.some(new Map([[tp(0), 5], [tp(1), 10], [tp(2), 20], [tp(3), 30]])))
    }))

  it.effect("the initial rate counts only until there is an estimate (> 0)", () =>
    Effect.gen(function*() {
      const limit = (estimatedRate: Option.Option<number>) =>
        DirectRateLimits.maxMessagesPerPartition(offsets([[tp(0), 10_000]]), {
          currentOffsets: fromZero(0),
          estimatedRate,
          initialRate: 1000,
          batchDurationMs: 1000
        })
      assert.deepStrictEqual(yield* limit(Option.none()), Option.some(new Map([[tp(0), 1000]])))
      assert.deepStrictEqual(yield* limit(Option.some(0)), Option.some(new Map([[tp(0), 1000]])))
      assert.deepStrictEqual(yield* limit(Option.some(200)), Option.some(new Map([[tp(0), 200]])))
    }))
})

describe("DirectRateLimits properties", () => {
  const partitions = fc.uniqueArray(
    fc.record({ p: fc.integer({ min: 0, max: 50 }), current: fc.nat(1_000_000), lag: fc.integer({ min: -100, max: 1_000_000 }) }),
    { selector: (r) => r.p, minLength: 1, maxLength: 12 }
  )

  test.prop([
    partitions,
    fc.double({ min: 0.001, max: 1e6, noNaN: true }),
    fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 100_000 })),
    fc.integer({ min: 1, max: 60_000 })
  ])("never more than the rate allows (plus the floor), never more than the cap, never negative", (ps, rate, max, ms) => {
    const result = Effect.runSync(
      DirectRateLimits.maxMessagesPerPartition(new Map(ps.map((r) => [r.p, r.current + r.lag])), {
        currentOffsets: new Map(ps.map((r) => [r.p, r.current])),
        estimatedRate: Option.some(rate),
        maxRatePerPartition: max,
        batchDurationMs: ms
      })
    )
    const lagging = ps.filter((r) => r.lag > 0)
    if (lagging.length === 0) {
      assert.isTrue(Option.isNone(result))
      return
    }
    const limits = Option.getOrThrow(result)
    const secs = ms / 1000
    let total = 0
    for (const r of ps) {
      const limit = limits.get(r.p)!
      assert.isAtLeast(limit, 0)
      assert.isTrue(Number.isInteger(limit))
      assert.isAtLeast(limit, 1)
      if (r.lag <= 0) assert.strictEqual(limit, 1)
      if (max > 0) assert.isAtMost(limit, Math.max(Math.floor(max * secs), 1))
      total += limit
    }
    assert.isAtMost(total, Math.floor(rate * secs) + ps.length)
  })

  test.prop([
    partitions,
    fc.integer({ min: 1, max: 100_000 }),
    fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 100_000 })),
    fc.integer({ min: 1, max: 60_000 })
  ])("without an estimate, the initial rate acts as the estimate would", (ps, initialRate, max, ms) => {
    const run = (estimatedRate: Option.Option<number>, initial: number | undefined) =>
      Effect.runSync(
        DirectRateLimits.maxMessagesPerPartition(new Map(ps.map((r) => [r.p, r.current + r.lag])), {
          currentOffsets: new Map(ps.map((r) => [r.p, r.current])),
          estimatedRate,
          initialRate: initial,
          maxRatePerPartition: max,
          batchDurationMs: ms
        })
      )
    assert.deepStrictEqual(run(Option.none(), initialRate), run(Option.some(initialRate), undefined))
  })
})
