/**
 * Spark's TimeSuite, plus what this module adds (validation, ranges' errors,
 * the data-last forms and `floor` from a zero time).
 */
import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect, pipe } from "effect"
import * as Time from "../../src/Time.js"
import { flipFailure } from "../utils/streaming.js"

const t = (ms: number) => ms as Time.Time

describe("TimeSuite", () => {
  it("less", () => {
    assert.isTrue(Time.lessThan(t(999), t(1000)))
    assert.isTrue(Time.lessThan(t(0), t(1)))
    assert.isFalse(Time.lessThan(t(1000), t(999)))
    assert.isFalse(Time.lessThan(t(1000), t(1000)))
  })

  it("lessEq", () => {
    assert.isTrue(Time.lessThanOrEqualTo(t(999), t(1000)))
    assert.isTrue(Time.lessThanOrEqualTo(t(0), t(1)))
    assert.isFalse(Time.lessThanOrEqualTo(t(1000), t(999)))
    assert.isTrue(Time.lessThanOrEqualTo(t(1000), t(1000)))
  })

  it("greater", () => {
    assert.isFalse(Time.greaterThan(t(999), t(1000)))
    assert.isFalse(Time.greaterThan(t(0), t(1)))
    assert.isTrue(Time.greaterThan(t(1000), t(999)))
    assert.isFalse(Time.greaterThan(t(1000), t(1000)))
  })

  it("greaterEq", () => {
    assert.isFalse(Time.greaterThanOrEqualTo(t(999), t(1000)))
    assert.isFalse(Time.greaterThanOrEqualTo(t(0), t(1)))
    assert.isTrue(Time.greaterThanOrEqualTo(t(1000), t(999)))
    assert.isTrue(Time.greaterThanOrEqualTo(t(1000), t(1000)))
  })

  it("plus", () => {
    assert.strictEqual(Time.plus(t(1000), 100), 1100)
    assert.strictEqual(Time.plus(t(1000), Duration.millis(0)), 1000)
    assert.strictEqual(pipe(t(1000), Time.plus("1 second")), 2000)
  })

  it("minus Time", () => {
    assert.strictEqual(Duration.toMillis(Time.minusTime(t(1000), t(100))), 900)
    assert.strictEqual(Duration.toMillis(Time.minusTime(t(1000), t(0))), 1000)
    assert.strictEqual(Duration.toMillis(Time.minusTime(t(1000), t(1000))), 0)
  })

  it("minus Duration", () => {
    assert.strictEqual(Time.minus(t(1000), 100), 900)
    assert.strictEqual(Time.minus(t(1000), "0 millis"), 1000)
    assert.strictEqual(pipe(t(1000), Time.minus(Duration.millis(1000))), 0)
  })

  it("floor", () => {
    assert.strictEqual(Time.floor(t(1350), 200), 1200)
    assert.strictEqual(Time.floor(t(1200), 200), 1200)
    assert.strictEqual(Time.floor(t(199), 200), 0)
    assert.strictEqual(Time.floor(t(1), 1), 1)
    assert.strictEqual(pipe(t(1350), Time.floor("200 millis")), 1200)
  })

  it("floor with a zero time", () => {
    assert.strictEqual(Time.floor(t(1350), 200, t(50)), 1250)
    assert.strictEqual(Time.floor(t(1250), 200, t(50)), 1250)
    assert.strictEqual(Time.floor(t(1249), 200, t(50)), 1050)
  })

  it("isMultipleOf", () => {
    assert.isTrue(Time.isMultipleOf(t(1000), 5))
    assert.isTrue(Time.isMultipleOf(t(1000), 1000))
    assert.isTrue(Time.isMultipleOf(t(1000), 1))
    assert.isFalse(Time.isMultipleOf(t(1000), 6))
    assert.isFalse(Time.isMultipleOf(t(1000), 0))
  })

  it("min", () => {
    assert.strictEqual(Time.min(t(999), t(1000)), 999)
    assert.strictEqual(Time.min(t(1000), t(999)), 999)
    assert.strictEqual(Time.min(t(1000), t(1000)), 1000)
  })

  it("max", () => {
    assert.strictEqual(Time.max(t(999), t(1000)), 1000)
    assert.strictEqual(Time.max(t(1000), t(999)), 1000)
    assert.strictEqual(Time.max(t(1000), t(1000)), 1000)
  })

  it.effect("until", () =>
    Effect.gen(function*() {
      assert.deepStrictEqual(yield* Time.until(t(1000), t(1100), 100), [1000])
      assert.deepStrictEqual(yield* Time.until(t(1000), t(1000), 100), [])
      assert.deepStrictEqual(yield* Time.until(t(1000), t(1100), 30), [1000, 1030, 1060, 1090])
      assert.deepStrictEqual(yield* pipe(t(1000), Time.until(t(1100), "30 millis")), [1000, 1030, 1060, 1090])
    }))

  it.effect("to", () =>
    Effect.gen(function*() {
      assert.deepStrictEqual(yield* Time.to(t(1000), t(1100), 100), [1000, 1100])
      assert.deepStrictEqual(yield* Time.to(t(1000), t(1000), 100), [1000])
      assert.deepStrictEqual(yield* Time.to(t(1000), t(1100), 30), [1000, 1030, 1060, 1090])
    }))

  it.effect("until and to fail on an interval that is not positive", () =>
    Effect.gen(function*() {
      for (const interval of [0, -100]) {
        const error = yield* flipFailure(Time.to(t(1000), t(1100), interval))
        assert.strictEqual(error._tag, "InvalidArgumentError")
        assert.match(error.message, /interval must be a positive duration/)
      }
    }))

  it.effect("make validates the milliseconds", () =>
    Effect.gen(function*() {
      assert.strictEqual(yield* Time.make(1000), 1000)
      for (const bad of [1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60]) {
        const error = yield* flipFailure(Time.make(bad))
        assert.strictEqual(error._tag, "InvalidArgumentError")
        assert.match(error.message, /whole number of milliseconds/)
      }
    }))

  it("toString, milliseconds and Order", () => {
    assert.strictEqual(Time.toString(t(1000)), "1000 ms")
    assert.strictEqual(Time.milliseconds(t(1000)), 1000)
    assert.deepStrictEqual([t(3), t(1), t(2)].sort(Time.Order), [1, 2, 3])
    // A Time is a number: arithmetic on batch times keeps working.
    assert.strictEqual(t(2000) - 1000, 1000)
  })
})
