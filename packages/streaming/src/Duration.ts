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
 * Like Effect's own `Duration` functions these are pure and total over their
 * types; values reach the engine through the streaming options, which check
 * them (a batch duration must be a positive whole number of milliseconds, a
 * window a multiple of its parent's slide, ...) and fail with a typed error
 * naming the option.
 *
 * Mirrors `org.apache.spark.streaming.Duration` and its helper objects.
 *
 * @since 0.1.0
 */
import { Duration } from "effect"
import { dual } from "effect/Function"
import { msDurationToString } from "./internal/durations.js"

/** Milliseconds of a duration input (a value outside `Duration.Input`'s type is a defect, as in effect's `Duration`). */
const ms = (input: Duration.Input): number => Duration.toMillis(Duration.fromInputUnsafe(input))

type Binary<A> = {
  (that: Duration.Input): (self: Duration.Input) => A
  (self: Duration.Input, that: Duration.Input): A
}

const binary = <A>(f: (a: number, b: number) => A): Binary<A> =>
  dual(2, (self: Duration.Input, that: Duration.Input): A => f(ms(self), ms(that)))

/**
 * A duration of `n` milliseconds.
 *
 * Mirrors `org.apache.spark.streaming.Milliseconds`.
 *
 * **Example**
 * ```ts
 * const ssc = yield* StreamingContext.make(sc, { batchDuration: StreamingDuration.Milliseconds(500) })
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const Milliseconds = (n: number): Duration.Duration => Duration.millis(n)

/**
 * A duration of `n` seconds.
 *
 * Mirrors `org.apache.spark.streaming.Seconds`.
 *
 * **Example**
 * ```ts
 * const ssc = yield* StreamingContext.make(sc, { batchDuration: StreamingDuration.Seconds(1) })
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const Seconds = (n: number): Duration.Duration => Duration.millis(n * 1000)

/**
 * A duration of `n` minutes.
 *
 * Mirrors `org.apache.spark.streaming.Minutes`.
 *
 * **Example**
 * ```ts
 * const windowed = counts.reduceByKeyAndWindow((a, b) => a + b, StreamingDuration.Minutes(1))
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const Minutes = (n: number): Duration.Duration => Duration.millis(n * 60_000)

/**
 * The duration's length in milliseconds.
 *
 * Mirrors `Duration.milliseconds`.
 *
 * **Example**
 * ```ts
 * StreamingDuration.milliseconds("2 seconds") // 2000
 * ```
 *
 * @category getters
 * @since 0.1.0
 */
export const milliseconds = (self: Duration.Input): number => ms(self)

/**
 * Whether the duration is zero.
 *
 * Mirrors `Duration.isZero`.
 *
 * **Example**
 * ```ts
 * StreamingDuration.isZero(0) // true
 * ```
 *
 * @category guards
 * @since 0.1.0
 */
export const isZero = (self: Duration.Input): boolean => ms(self) === 0

/**
 * The milliseconds as a plain number string, as Spark writes batch times.
 *
 * Mirrors `Duration.toFormattedString`.
 *
 * **Example**
 * ```ts
 * StreamingDuration.toFormattedString("1 second") // "1000"
 * ```
 *
 * @category getters
 * @since 0.1.0
 */
export const toFormattedString = (self: Duration.Input): string => String(ms(self))

/**
 * A short human-readable form: "500 ms", "1.5 s", "2.0 m", "1.25 h".
 *
 * Mirrors `Duration.prettyPrint` (Spark's `Utils.msDurationToString`).
 *
 * **Example**
 * ```ts
 * StreamingDuration.prettyPrint(90_000) // "1.5 m"
 * ```
 *
 * @category getters
 * @since 0.1.0
 */
export const prettyPrint = (self: Duration.Input): string => msDurationToString(ms(self))

/**
 * Whether `self` is shorter than `that` (Spark's `<`).
 *
 * **Example**
 * ```ts
 * StreamingDuration.less(999, 1000) // true
 * ```
 *
 * @category predicates
 * @since 0.1.0
 */
export const less: Binary<boolean> = binary((a, b) => a < b)

/**
 * Whether `self` is at most `that` (Spark's `<=`).
 *
 * **Example**
 * ```ts
 * StreamingDuration.lessEq(1000, 1000) // true
 * ```
 *
 * @category predicates
 * @since 0.1.0
 */
export const lessEq: Binary<boolean> = binary((a, b) => a <= b)

/**
 * Whether `self` is longer than `that` (Spark's `>`).
 *
 * **Example**
 * ```ts
 * StreamingDuration.greater("2 seconds", 1000) // true
 * ```
 *
 * @category predicates
 * @since 0.1.0
 */
export const greater: Binary<boolean> = binary((a, b) => a > b)

/**
 * Whether `self` is at least `that` (Spark's `>=`).
 *
 * **Example**
 * ```ts
 * StreamingDuration.greaterEq(1000, "1 second") // true
 * ```
 *
 * @category predicates
 * @since 0.1.0
 */
export const greaterEq: Binary<boolean> = binary((a, b) => a >= b)

/**
 * The sum of two durations (Spark's `+`).
 *
 * **Example**
 * ```ts
 * StreamingDuration.plus("1 second", 500) // Duration.millis(1500)
 * ```
 *
 * @category math
 * @since 0.1.0
 */
export const plus: Binary<Duration.Duration> = binary((a, b) => Duration.millis(a + b))

/**
 * `self` less `that`; negative when `that` is longer, as in Spark (Spark's `-`).
 *
 * **Example**
 * ```ts
 * StreamingDuration.minus(1500, "1 second") // Duration.millis(500)
 * ```
 *
 * @category math
 * @since 0.1.0
 */
export const minus: Binary<Duration.Duration> = binary((a, b) => Duration.millis(a - b))

/**
 * `self` times `n` (Spark's `*`).
 *
 * **Example**
 * ```ts
 * StreamingDuration.times(100, 2) // Duration.millis(200)
 * ```
 *
 * @category math
 * @since 0.1.0
 */
export const times: {
  (n: number): (self: Duration.Input) => Duration.Duration
  (self: Duration.Input, n: number): Duration.Duration
} = dual(2, (self: Duration.Input, n: number): Duration.Duration => Duration.millis(ms(self) * n))

/**
 * How many times `that` fits in `self`, as a fraction (Spark's `/`, a
 * Double); `Infinity` when `that` is zero, as in Spark.
 *
 * **Example**
 * ```ts
 * StreamingDuration.div("3 seconds", "2 seconds") // 1.5
 * ```
 *
 * @category math
 * @since 0.1.0
 */
export const div: Binary<number> = binary((a, b) => a / b)

/**
 * Whether `self` is a whole multiple of `that`; `false` when `that` is zero
 * (Spark's `isMultipleOf`, where zero throws).
 *
 * **Example**
 * ```ts
 * StreamingDuration.isMultipleOf("3 seconds", 1000) // true
 * ```
 *
 * @category predicates
 * @since 0.1.0
 */
export const isMultipleOf: Binary<boolean> = binary((a, b) => b !== 0 && a % b === 0)

/**
 * The shorter of two durations.
 *
 * Mirrors `Duration.min`.
 *
 * **Example**
 * ```ts
 * StreamingDuration.min(999, 1000) // Duration.millis(999)
 * ```
 *
 * @category math
 * @since 0.1.0
 */
export const min: Binary<Duration.Duration> = binary((a, b) => Duration.millis(Math.min(a, b)))

/**
 * The longer of two durations.
 *
 * Mirrors `Duration.max`.
 *
 * **Example**
 * ```ts
 * StreamingDuration.max(999, 1000) // Duration.millis(1000)
 * ```
 *
 * @category math
 * @since 0.1.0
 */
export const max: Binary<Duration.Duration> = binary((a, b) => Duration.millis(Math.max(a, b)))
