/**
 * StreamingDuration: Spark's DurationSuite cases on Effect Durations, the
 * constructors' and arguments' validation, prettyPrint as Spark's
 * msDurationToString, properties against plain millisecond arithmetic, and a
 * Seconds(1) used unchanged as a batch duration.
 */
import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect, pipe } from "effect"
import fc from "fast-check"
import * as StreamingDuration from "../src/Duration.js"
import * as Testing from "../src/testing/index.js"
import { flipFailure, makeStreaming } from "./utils/streaming.js"

const ms = (d: Duration.Duration) => Duration.toMillis(d)

describe("StreamingDuration (DurationSuite)", () => {
  it.effect("less", () =>
    Effect.gen(function*() {
      assert.isTrue(yield* StreamingDuration.less(999, 1000))
      assert.isTrue(yield* StreamingDuration.less(0, 1))
      assert.isFalse(yield* StreamingDuration.less(1000, 999))
      assert.isFalse(yield* StreamingDuration.less(1000, 1000))
    }))

  it.effect("lessEq", () =>
    Effect.gen(function*() {
      assert.isTrue(yield* StreamingDuration.lessEq(999, 1000))
      assert.isTrue(yield* StreamingDuration.lessEq(0, 1))
      assert.isFalse(yield* StreamingDuration.lessEq(1000, 999))
      assert.isTrue(yield* StreamingDuration.lessEq(1000, 1000))
    }))

  it.effect("greater", () =>
    Effect.gen(function*() {
      assert.isFalse(yield* StreamingDuration.greater(999, 1000))
      assert.isFalse(yield* StreamingDuration.greater(0, 1))
      assert.isTrue(yield* StreamingDuration.greater(1000, 999))
      assert.isFalse(yield* StreamingDuration.greater(1000, 1000))
    }))

  it.effect("greaterEq", () =>
    Effect.gen(function*() {
      assert.isFalse(yield* StreamingDuration.greaterEq(999, 1000))
      assert.isFalse(yield* StreamingDuration.greaterEq(0, 1))
      assert.isTrue(yield* StreamingDuration.greaterEq(1000, 999))
      assert.isTrue(yield* StreamingDuration.greaterEq(1000, 1000))
    }))

  it.effect("plus", () =>
    Effect.gen(function*() {
      assert.strictEqual(ms(yield* StreamingDuration.plus(1000, 100)), 1100)
      assert.strictEqual(ms(yield* StreamingDuration.plus(1000, 0)), 1000)
    }))

  it.effect("minus (negative results as in Spark)", () =>
    Effect.gen(function*() {
      assert.strictEqual(ms(yield* StreamingDuration.minus(1000, 100)), 900)
      assert.strictEqual(ms(yield* StreamingDuration.minus(1000, 0)), 1000)
      assert.strictEqual(ms(yield* StreamingDuration.minus(100, 1000)), -900)
    }))

  it.effect("times", () =>
    Effect.gen(function*() {
      assert.strictEqual(ms(yield* StreamingDuration.times(100, 2)), 200)
      assert.strictEqual(ms(yield* StreamingDuration.times(100, 1)), 100)
      assert.strictEqual(ms(yield* StreamingDuration.times(100, 0)), 0)
    }))

  it.effect("div", () =>
    Effect.gen(function*() {
      assert.strictEqual(yield* StreamingDuration.div(1000, 5), 200)
      assert.strictEqual(yield* StreamingDuration.div(1000, 1), 1000)
      assert.strictEqual(yield* StreamingDuration.div(1000, 1000), 1)
      assert.strictEqual(yield* StreamingDuration.div(1000, 2000), 0.5)
      assert.strictEqual(yield* StreamingDuration.div(1000, 0), Infinity)
    }))

  it.effect("isMultipleOf", () =>
    Effect.gen(function*() {
      assert.isTrue(yield* StreamingDuration.isMultipleOf(1000, 5))
      assert.isTrue(yield* StreamingDuration.isMultipleOf(1000, 1000))
      assert.isTrue(yield* StreamingDuration.isMultipleOf(1000, 1))
      assert.isFalse(yield* StreamingDuration.isMultipleOf(1000, 6))
      const error = yield* flipFailure(StreamingDuration.isMultipleOf(1000, 0))
      assert.match(error.message, /second duration is zero; pass a duration > 0/)
    }))

  it.effect("min", () =>
    Effect.gen(function*() {
      assert.strictEqual(ms(yield* StreamingDuration.min(999, 1000)), 999)
      assert.strictEqual(ms(yield* StreamingDuration.min(1000, 999)), 999)
      assert.strictEqual(ms(yield* StreamingDuration.min(1000, 1000)), 1000)
    }))

  it.effect("max", () =>
    Effect.gen(function*() {
      assert.strictEqual(ms(yield* StreamingDuration.max(999, 1000)), 1000)
      assert.strictEqual(ms(yield* StreamingDuration.max(1000, 999)), 1000)
      assert.strictEqual(ms(yield* StreamingDuration.max(1000, 1000)), 1000)
    }))

  it.effect("isZero", () =>
    Effect.gen(function*() {
      assert.isTrue(yield* StreamingDuration.isZero(0))
      assert.isFalse(yield* StreamingDuration.isZero(1))
    }))
})

describe("StreamingDuration constructors and formats", () => {
  it.effect("Milliseconds, Seconds and Minutes are Effect Durations", () =>
    Effect.gen(function*() {
      const seconds = yield* StreamingDuration.Seconds(1)
      assert.isTrue(Duration.isDuration(seconds))
      assert.isTrue(Duration.equals(seconds, Duration.seconds(1)))
      assert.strictEqual(ms(yield* StreamingDuration.Milliseconds(500)), 500)
      assert.strictEqual(ms(yield* StreamingDuration.Minutes(2)), 120_000)
      assert.strictEqual(ms(yield* StreamingDuration.Seconds(1.5)), 1500)
      assert.strictEqual(ms(yield* StreamingDuration.Seconds(0)), 0)
    }))

  it.effect("a negative, infinite, NaN or sub-millisecond count is a typed error naming the constructor", () =>
    Effect.gen(function*() {
      for (
        const [make, n, name] of [
          [StreamingDuration.Seconds, -1, "Seconds"],
          [StreamingDuration.Minutes, Infinity, "Minutes"],
          [StreamingDuration.Milliseconds, Number.NaN, "Milliseconds"],
          [StreamingDuration.Milliseconds, 0.5, "Milliseconds"]
        ] as const
      ) {
        const error = yield* flipFailure(make(n))
        assert.strictEqual(error._tag, "InvalidStreamError")
        assert.strictEqual(error.stream, name)
        assert.include(error.message, `${name}: ${name.toLowerCase()} must be a finite number >= 0`)
      }
    }))

  it.effect("every argument takes a Duration.Input; a bad one names the function and argument", () =>
    Effect.gen(function*() {
      assert.strictEqual(yield* StreamingDuration.milliseconds("2 seconds"), 2000)
      assert.strictEqual(yield* StreamingDuration.milliseconds(Duration.minutes(1)), 60_000)
      assert.isTrue(yield* StreamingDuration.isMultipleOf("1 minute", Duration.seconds(15)))
      const infinite = yield* flipFailure(StreamingDuration.plus(1000, Duration.infinity))
      assert.include(infinite.message, "plus: the second duration must be a finite whole number of milliseconds")
      const fraction = yield* flipFailure(StreamingDuration.div(Duration.nanos(1500n), 1))
      assert.include(fraction.message, "div: the first duration must be a finite whole number")
      const nan = yield* flipFailure(StreamingDuration.isZero(Number.NaN))
      assert.include(nan.message, "got NaN")
      const factor = yield* flipFailure(StreamingDuration.times(100, 1.5))
      assert.include(factor.message, "times: n must be a whole number")
    }))

  it.effect("the two-argument functions are dual", () =>
    Effect.gen(function*() {
      assert.strictEqual(ms(yield* pipe(1000, StreamingDuration.plus(500))), 1500)
      assert.strictEqual(ms(yield* pipe("1 second", StreamingDuration.times(3))), 3000)
      assert.isTrue(yield* pipe(10, StreamingDuration.less(11)))
    }))

  it.effect("toFormattedString is the milliseconds; prettyPrint as Spark's msDurationToString", () =>
    Effect.gen(function*() {
      assert.strictEqual(yield* StreamingDuration.toFormattedString("1 second"), "1000")
      const cases: ReadonlyArray<readonly [number, string]> = [
        [0, "0 ms"],
        [999, "999 ms"],
        [1000, "1.0 s"],
        [1500, "1.5 s"],
        [59_999, "60.0 s"],
        [90_000, "1.5 m"],
        [3_600_000, "1.00 h"],
        [4_500_000, "1.25 h"]
      ]
      for (const [millis, text] of cases) assert.strictEqual(yield* StreamingDuration.prettyPrint(millis), text, String(millis))
    }))

  it.effect("property: the functions agree with plain millisecond arithmetic", () =>
    Effect.sync(() =>
      fc.assert(fc.property(fc.nat({ max: 1e9 }), fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: -50, max: 50 }), (a, b, n) => {
        const run = <A>(effect: Effect.Effect<A, unknown>) => Effect.runSync(effect)
        assert.strictEqual(ms(run(StreamingDuration.plus(a, b))), a + b)
        assert.strictEqual(ms(run(StreamingDuration.minus(a, b))), a - b)
        assert.strictEqual(ms(run(StreamingDuration.times(a, n))), a * n)
        assert.strictEqual(run(StreamingDuration.div(a, b)), a / b)
        assert.strictEqual(run(StreamingDuration.isMultipleOf(a, b)), a % b === 0)
        assert.strictEqual(run(StreamingDuration.isMultipleOf(a * b, b)), true)
        assert.strictEqual(ms(run(StreamingDuration.min(a, b))), Math.min(a, b))
        assert.strictEqual(run(StreamingDuration.less(a, b)), a < b)
      }))
    ))

  it.effect("Seconds(1) is a batch duration as it is", () =>
    Effect.scoped(Effect.gen(function*() {
      const { sc, ssc } = yield* makeStreaming({ checkpoint: false, batchDuration: yield* StreamingDuration.Seconds(1) })
      const times: Array<number> = []
      ssc.constantStream(sc.parallelize([1], 1)).foreachRDD((_rdd, time) => void times.push(time))
      yield* Testing.runToBatch(ssc, 2)
      assert.deepStrictEqual(times, [1000, 2000])
      yield* ssc.stop()
    })))
})
