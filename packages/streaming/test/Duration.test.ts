/**
 * StreamingDuration: Spark's DurationSuite cases on Effect Durations, every
 * argument a Duration.Input, bad durations refused where an option takes them, prettyPrint as Spark's
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
  it("less", () => {
    assert.isTrue(StreamingDuration.less(999, 1000))
    assert.isTrue(StreamingDuration.less(0, 1))
    assert.isFalse(StreamingDuration.less(1000, 999))
    assert.isFalse(StreamingDuration.less(1000, 1000))
  })

  it("lessEq", () => {
    assert.isTrue(StreamingDuration.lessEq(999, 1000))
    assert.isTrue(StreamingDuration.lessEq(0, 1))
    assert.isFalse(StreamingDuration.lessEq(1000, 999))
    assert.isTrue(StreamingDuration.lessEq(1000, 1000))
  })

  it("greater", () => {
    assert.isFalse(StreamingDuration.greater(999, 1000))
    assert.isFalse(StreamingDuration.greater(0, 1))
    assert.isTrue(StreamingDuration.greater(1000, 999))
    assert.isFalse(StreamingDuration.greater(1000, 1000))
  })

  it("greaterEq", () => {
    assert.isFalse(StreamingDuration.greaterEq(999, 1000))
    assert.isFalse(StreamingDuration.greaterEq(0, 1))
    assert.isTrue(StreamingDuration.greaterEq(1000, 999))
    assert.isTrue(StreamingDuration.greaterEq(1000, 1000))
  })

  it("plus", () => {
    assert.strictEqual(ms(StreamingDuration.plus(1000, 100)), 1100)
    assert.strictEqual(ms(StreamingDuration.plus(1000, 0)), 1000)
  })

  it("minus (negative results as in Spark)", () => {
    assert.strictEqual(ms(StreamingDuration.minus(1000, 100)), 900)
    assert.strictEqual(ms(StreamingDuration.minus(1000, 0)), 1000)
    assert.strictEqual(ms(StreamingDuration.minus(100, 1000)), -900)
  })

  it("times", () => {
    assert.strictEqual(ms(StreamingDuration.times(100, 2)), 200)
    assert.strictEqual(ms(StreamingDuration.times(100, 1)), 100)
    assert.strictEqual(ms(StreamingDuration.times(100, 0)), 0)
  })

  it("div", () => {
    assert.strictEqual(StreamingDuration.div(1000, 5), 200)
    assert.strictEqual(StreamingDuration.div(1000, 1), 1000)
    assert.strictEqual(StreamingDuration.div(1000, 1000), 1)
    assert.strictEqual(StreamingDuration.div(1000, 2000), 0.5)
    assert.strictEqual(StreamingDuration.div(1000, 0), Infinity)
  })

  it("isMultipleOf", () => {
    assert.isTrue(StreamingDuration.isMultipleOf(1000, 5))
    assert.isTrue(StreamingDuration.isMultipleOf(1000, 1000))
    assert.isTrue(StreamingDuration.isMultipleOf(1000, 1))
    assert.isFalse(StreamingDuration.isMultipleOf(1000, 6))
    assert.isFalse(StreamingDuration.isMultipleOf(1000, 0))
  })

  it("min", () => {
    assert.strictEqual(ms(StreamingDuration.min(999, 1000)), 999)
    assert.strictEqual(ms(StreamingDuration.min(1000, 999)), 999)
    assert.strictEqual(ms(StreamingDuration.min(1000, 1000)), 1000)
  })

  it("max", () => {
    assert.strictEqual(ms(StreamingDuration.max(999, 1000)), 1000)
    assert.strictEqual(ms(StreamingDuration.max(1000, 999)), 1000)
    assert.strictEqual(ms(StreamingDuration.max(1000, 1000)), 1000)
  })

  it("isZero", () => {
    assert.isTrue(StreamingDuration.isZero(0))
    assert.isFalse(StreamingDuration.isZero(1))
  })
})

describe("StreamingDuration constructors and formats", () => {
  it("Milliseconds, Seconds and Minutes are Effect Durations", () => {
    const seconds = StreamingDuration.Seconds(1)
    assert.isTrue(Duration.isDuration(seconds))
    assert.isTrue(Duration.equals(seconds, Duration.seconds(1)))
    assert.strictEqual(ms(StreamingDuration.Milliseconds(500)), 500)
    assert.strictEqual(ms(StreamingDuration.Minutes(2)), 120_000)
    assert.strictEqual(ms(StreamingDuration.Seconds(1.5)), 1500)
    assert.strictEqual(ms(StreamingDuration.Seconds(0)), 0)
  })

  it("every argument takes a Duration.Input", () => {
    assert.strictEqual(StreamingDuration.milliseconds("2 seconds"), 2000)
    assert.strictEqual(StreamingDuration.milliseconds(Duration.minutes(1)), 60_000)
    assert.isTrue(StreamingDuration.isMultipleOf("1 minute", Duration.seconds(15)))
    assert.strictEqual(StreamingDuration.milliseconds([1, 500_000_000]), 1500)
  })

  it.effect("a duration the streaming options cannot take fails there, with a typed error naming the option", () =>
    Effect.scoped(Effect.gen(function*() {
      for (const batchDuration of [StreamingDuration.Seconds(-1), StreamingDuration.Milliseconds(0.5), StreamingDuration.Minutes(0)]) {
        const error = yield* flipFailure(makeStreaming({ checkpoint: false, batchDuration }))
        assert.strictEqual(error._tag, "InvalidStreamError")
        assert.match(error.message, /batchDuration must be a positive whole number of milliseconds/)
      }
    })))

  it("the two-argument functions are dual", () => {
    assert.strictEqual(ms(pipe(1000, StreamingDuration.plus(500))), 1500)
    assert.strictEqual(ms(pipe("1 second", StreamingDuration.times(3))), 3000)
    assert.isTrue(pipe(10, StreamingDuration.less(11)))
  })

  it("toFormattedString is the milliseconds; prettyPrint as Spark's msDurationToString", () => {
    assert.strictEqual(StreamingDuration.toFormattedString("1 second"), "1000")
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
    for (const [millis, text] of cases) assert.strictEqual(StreamingDuration.prettyPrint(millis), text, String(millis))
  })

  it.effect("property: the functions agree with plain millisecond arithmetic", () =>
    Effect.sync(() =>
      fc.assert(fc.property(fc.nat({ max: 1e9 }), fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: -50, max: 50 }), (a, b, n) => {
        assert.strictEqual(ms(StreamingDuration.plus(a, b)), a + b)
        assert.strictEqual(ms(StreamingDuration.minus(a, b)), a - b)
        assert.strictEqual(ms(StreamingDuration.times(a, n)), a * n)
        assert.strictEqual(StreamingDuration.div(a, b), a / b)
        assert.strictEqual(StreamingDuration.isMultipleOf(a, b), a % b === 0)
        assert.strictEqual(StreamingDuration.isMultipleOf(a * b, b), true)
        assert.strictEqual(ms(StreamingDuration.min(a, b)), Math.min(a, b))
        assert.strictEqual(StreamingDuration.less(a, b), a < b)
      }))
    ))

  it.effect("Seconds(1) is a batch duration as it is", () =>
    Effect.scoped(Effect.gen(function*() {
      const { sc, ssc } = yield* makeStreaming({ checkpoint: false, batchDuration: StreamingDuration.Seconds(1) })
      const times: Array<number> = []
      ssc.constantStream(sc.parallelize([1], 1)).foreachRDD((_rdd, time) => void times.push(time))
      yield* Testing.runToBatch(ssc, 2)
      assert.deepStrictEqual(times, [1000, 2000])
      yield* ssc.stop()
    })))
})
