/**
 * Spark Streaming's `Duration`, `Milliseconds`, `Seconds` and `Minutes` for
 * Effect users: the values are Effect `Duration`s, so every streaming option
 * that takes a `Duration.Input` (batch, window, slide, remember and checkpoint
 * intervals) accepts them unchanged, and every function here accepts any
 * `Duration.Input` (`500`, `"2 seconds"`, `Duration.seconds(1)`).
 *
 * Exported from the package as `StreamingDuration`, so that it reads apart
 * from effect's own `Duration` module in the same file.
 *
 * Spark's `Duration` holds a whole number of milliseconds, so arguments must
 * be finite whole milliseconds; anything else fails with an
 * `InvalidStreamError` naming the function and the argument.
 *
 * Mirrors `org.apache.spark.streaming.Duration` and its helper objects.
 *
 * @since 0.1.0
 */
import { Duration, Effect } from "effect"
import { dual } from "effect/Function"
import { countMillis, msDurationToString, wholeFactor, wholeMillis } from "./internal/durations.js"
import { InvalidStreamError } from "./StreamingError.js"

type Result<A> = Effect.Effect<A, InvalidStreamError>

const lift = <A>(value: A | InvalidStreamError): Result<A> =>
  value instanceof InvalidStreamError ? Effect.fail(value) : Effect.succeed(value)

const one = <A>(fn: string, f: (ms: number) => A) => (self: Duration.Input): Result<A> =>
  Effect.suspend(() => {
    const ms = wholeMillis(self, fn, "the duration")
    return ms instanceof InvalidStreamError ? Effect.fail(ms) : Effect.succeed(f(ms))
  })

const two =
  <A>(fn: string, f: (a: number, b: number) => A | InvalidStreamError) => (self: Duration.Input, that: Duration.Input): Result<A> =>
    Effect.suspend(() => {
      const a = wholeMillis(self, fn, "the first duration")
      if (a instanceof InvalidStreamError) return Effect.fail(a)
      const b = wholeMillis(that, fn, "the second duration")
      if (b instanceof InvalidStreamError) return Effect.fail(b)
      return lift(f(a, b))
    })

const unit = (fn: string, msPerUnit: number) => (n: number): Result<Duration.Duration> =>
  Effect.suspend(() => lift(countMillis(fn, fn === "Milliseconds" ? "milliseconds" : fn.toLowerCase(), n, msPerUnit))).pipe(
    Effect.map(Duration.millis)
  )

/**
 * A duration of `n` milliseconds (`n` finite, >= 0, whole).
 *
 * Mirrors `org.apache.spark.streaming.Milliseconds`.
 *
 * **Example**
 * ```ts
 * const batchDuration = yield* StreamingDuration.Milliseconds(500)
 * const ssc = yield* StreamingContext.make(sc, { batchDuration })
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const Milliseconds: (n: number) => Effect.Effect<Duration.Duration, InvalidStreamError> = unit("Milliseconds", 1)

/**
 * A duration of `n` seconds (`n` finite, >= 0; fractions are fine while they
 * make whole milliseconds).
 *
 * Mirrors `org.apache.spark.streaming.Seconds`.
 *
 * **Example**
 * ```ts
 * const ssc = yield* StreamingContext.make(sc, { batchDuration: yield* StreamingDuration.Seconds(1) })
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const Seconds: (n: number) => Effect.Effect<Duration.Duration, InvalidStreamError> = unit("Seconds", 1000)

/**
 * A duration of `n` minutes (`n` finite, >= 0).
 *
 * Mirrors `org.apache.spark.streaming.Minutes`.
 *
 * **Example**
 * ```ts
 * const windowed = counts.reduceByKeyAndWindow((a, b) => a + b, yield* StreamingDuration.Minutes(1))
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const Minutes: (n: number) => Effect.Effect<Duration.Duration, InvalidStreamError> = unit("Minutes", 60_000)

/**
 * The duration's length in milliseconds.
 *
 * Mirrors `Duration.milliseconds`.
 *
 * **Example**
 * ```ts
 * yield* StreamingDuration.milliseconds("2 seconds") // 2000
 * ```
 *
 * @category getters
 * @since 0.1.0
 */
export const milliseconds: (self: Duration.Input) => Effect.Effect<number, InvalidStreamError> = one("milliseconds", (ms) => ms)

/**
 * Whether the duration is zero.
 *
 * Mirrors `Duration.isZero`.
 *
 * **Example**
 * ```ts
 * yield* StreamingDuration.isZero(0) // true
 * ```
 *
 * @category guards
 * @since 0.1.0
 */
export const isZero: (self: Duration.Input) => Effect.Effect<boolean, InvalidStreamError> = one("isZero", (ms) => ms === 0)

/**
 * The milliseconds as a plain number string, as Spark writes batch times.
 *
 * Mirrors `Duration.toFormattedString`.
 *
 * **Example**
 * ```ts
 * yield* StreamingDuration.toFormattedString("1 second") // "1000"
 * ```
 *
 * @category getters
 * @since 0.1.0
 */
export const toFormattedString: (self: Duration.Input) => Effect.Effect<string, InvalidStreamError> = one(
  "toFormattedString",
  (ms) => String(ms)
)

/**
 * A short human-readable form: "500 ms", "1.5 s", "2.0 m", "1.25 h".
 *
 * Mirrors `Duration.prettyPrint` (Spark's `Utils.msDurationToString`).
 *
 * **Example**
 * ```ts
 * yield* StreamingDuration.prettyPrint(90_000) // "1.5 m"
 * ```
 *
 * @category getters
 * @since 0.1.0
 */
export const prettyPrint: (self: Duration.Input) => Effect.Effect<string, InvalidStreamError> = one("prettyPrint", msDurationToString)

type Binary<A> = {
  (that: Duration.Input): (self: Duration.Input) => Effect.Effect<A, InvalidStreamError>
  (self: Duration.Input, that: Duration.Input): Effect.Effect<A, InvalidStreamError>
}

/**
 * Whether `self` is shorter than `that`.
 *
 * Mirrors `Duration.less` (`<`).
 *
 * **Example**
 * ```ts
 * yield* StreamingDuration.less(999, 1000) // true
 * ```
 *
 * @category combinators
 * @since 0.1.0
 */
export const less: Binary<boolean> = dual(2, two("less", (a, b) => a < b))

/**
 * Whether `self` is at most `that`.
 *
 * Mirrors `Duration.lessEq` (`<=`).
 *
 * **Example**
 * ```ts
 * yield* StreamingDuration.lessEq(1000, 1000) // true
 * ```
 *
 * @category combinators
 * @since 0.1.0
 */
export const lessEq: Binary<boolean> = dual(2, two("lessEq", (a, b) => a <= b))

/**
 * Whether `self` is longer than `that`.
 *
 * Mirrors `Duration.greater` (`>`).
 *
 * **Example**
 * ```ts
 * yield* StreamingDuration.greater(1000, 999) // true
 * ```
 *
 * @category combinators
 * @since 0.1.0
 */
export const greater: Binary<boolean> = dual(2, two("greater", (a, b) => a > b))

/**
 * Whether `self` is at least `that`.
 *
 * Mirrors `Duration.greaterEq` (`>=`).
 *
 * **Example**
 * ```ts
 * yield* StreamingDuration.greaterEq(1000, 1000) // true
 * ```
 *
 * @category combinators
 * @since 0.1.0
 */
export const greaterEq: Binary<boolean> = dual(2, two("greaterEq", (a, b) => a >= b))

/**
 * The sum of two durations.
 *
 * Mirrors `Duration.plus` (`+`).
 *
 * **Example**
 * ```ts
 * yield* StreamingDuration.plus(1000, "100 millis") // Duration.millis(1100)
 * ```
 *
 * @category combinators
 * @since 0.1.0
 */
export const plus: Binary<Duration.Duration> = dual(2, two("plus", (a, b) => Duration.millis(a + b)))

/**
 * `self` less `that`; as in Spark, the result may be negative.
 *
 * Mirrors `Duration.minus` (`-`).
 *
 * **Example**
 * ```ts
 * yield* StreamingDuration.minus(1000, 100) // Duration.millis(900)
 * ```
 *
 * @category combinators
 * @since 0.1.0
 */
export const minus: Binary<Duration.Duration> = dual(2, two("minus", (a, b) => Duration.millis(a - b)))

/**
 * `self` divided by `that`, as a fraction (Spark: `millis.toDouble / that.millis.toDouble`,
 * so dividing by zero gives `Infinity`, or `NaN` for zero by zero).
 *
 * Mirrors `Duration.div` (`/`).
 *
 * **Example**
 * ```ts
 * yield* StreamingDuration.div(1000, 2000) // 0.5
 * ```
 *
 * @category combinators
 * @since 0.1.0
 */
export const div: Binary<number> = dual(2, two("div", (a, b) => a / b))

/**
 * Whether `self` is a whole multiple of `that` (a window of a slide, a slide
 * of the batch duration). `that` must not be zero (Spark fails there too).
 *
 * Mirrors `Duration.isMultipleOf`.
 *
 * **Example**
 * ```ts
 * yield* StreamingDuration.isMultipleOf("1 second", 5) // true
 * ```
 *
 * @category guards
 * @since 0.1.0
 */
export const isMultipleOf: Binary<boolean> = dual(
  2,
  two("isMultipleOf", (a, b) =>
    b === 0
      ? new InvalidStreamError({
        stream: "isMultipleOf",
        message: "isMultipleOf: the second duration is zero; pass a duration > 0 to divide by"
      })
      : a % b === 0)
)

/**
 * The shorter of two durations.
 *
 * Mirrors `Duration.min`.
 *
 * **Example**
 * ```ts
 * yield* StreamingDuration.min(999, 1000) // Duration.millis(999)
 * ```
 *
 * @category combinators
 * @since 0.1.0
 */
export const min: Binary<Duration.Duration> = dual(2, two("min", (a, b) => Duration.millis(a < b ? a : b)))

/**
 * The longer of two durations.
 *
 * Mirrors `Duration.max`.
 *
 * **Example**
 * ```ts
 * yield* StreamingDuration.max(999, 1000) // Duration.millis(1000)
 * ```
 *
 * @category combinators
 * @since 0.1.0
 */
export const max: Binary<Duration.Duration> = dual(2, two("max", (a, b) => Duration.millis(a > b ? a : b)))

/**
 * `self` times a whole number `n` (Spark's `Int`; negative is allowed, as in Spark).
 *
 * Mirrors `Duration.times` (`*`).
 *
 * **Example**
 * ```ts
 * yield* StreamingDuration.times(100, 2) // Duration.millis(200)
 * ```
 *
 * @category combinators
 * @since 0.1.0
 */
export const times: {
  (n: number): (self: Duration.Input) => Effect.Effect<Duration.Duration, InvalidStreamError>
  (self: Duration.Input, n: number): Effect.Effect<Duration.Duration, InvalidStreamError>
} = dual(2, (self: Duration.Input, n: number): Result<Duration.Duration> =>
  Effect.suspend(() => {
    const factor = wholeFactor("times", "n", n)
    if (factor instanceof InvalidStreamError) return Effect.fail(factor)
    return one("times", (ms) => Duration.millis(ms * factor))(self)
  }))
