/**
 * An instant of a streaming application, in milliseconds since the epoch:
 * the time of a batch. A `Time` is a branded number, so every callback that
 * receives a batch time (`transform`, `foreachRDD`, a `StateSpec` function,
 * ...) gets one, and code that does arithmetic on it as a number keeps
 * working. The functions here are Spark's methods of `Time`, dual where it
 * reads well (`Time.plus(t, "1 second")` or `pipe(t, Time.plus("1 second"))`);
 * durations are Effect's `Duration.Input` (`"500 millis"`, `500`, ...).
 *
 * Mirrors `org.apache.spark.streaming.Time` (and `Interval`'s ranges).
 *
 * @since 0.1.0
 */
import type { SparkError } from "@tspark/core"
import type { Brand, Duration, Effect } from "effect"
import { dual } from "effect/Function"
import * as Order_ from "effect/Order"
import * as internal from "./internal/time.js"

/**
 * A batch time: a whole number of milliseconds, branded.
 *
 * Mirrors `org.apache.spark.streaming.Time`.
 *
 * **Example**
 * ```ts
 * stream.foreachRDD((rdd, time: Time.Time) => Effect.log(Time.toString(time)))
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export type Time = number & Brand.Brand<"Time">

/**
 * What the functions of this module accept as a time: a `Time`, or a number
 * of milliseconds.
 *
 * **Example**
 * ```ts
 * const t: Time.Input = 1000
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export type Input = Time | number

/**
 * A time from a number of milliseconds; fails with `InvalidArgumentError`
 * when it is not a whole number (a safe integer), as a Scala `Long` is.
 *
 * Mirrors `new Time(millis)`.
 *
 * **Example**
 * ```ts
 * const t = yield* Time.make(1000)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make: (millis: number) => Effect.Effect<Time, SparkError.InvalidArgumentError> = internal.make

/**
 * The time's milliseconds.
 *
 * Mirrors `Time.milliseconds`.
 *
 * **Example**
 * ```ts
 * Time.milliseconds(t) // 1000
 * ```
 *
 * @category getters
 * @since 0.1.0
 */
export const milliseconds = (self: Input): number => self

/**
 * The time `duration` later.
 *
 * Mirrors `Time.+(Duration)` / `Time.plus`.
 *
 * **Example**
 * ```ts
 * Time.plus(t, "100 millis")
 * ```
 *
 * @category combinators
 * @since 0.1.0
 */
export const plus: {
  (duration: Duration.Input): (self: Input) => Time
  (self: Input, duration: Duration.Input): Time
} = dual(2, internal.plus)

/**
 * The time `duration` earlier. (Spark's `minus` also takes a `Time`; a
 * `Time` and a number of milliseconds are the same value here, so that form
 * is `minusTime`.)
 *
 * Mirrors `Time.-(Duration)` / `Time.minus(Duration)`.
 *
 * **Example**
 * ```ts
 * Time.minus(t, "100 millis")
 * ```
 *
 * @category combinators
 * @since 0.1.0
 */
export const minus: {
  (duration: Duration.Input): (self: Input) => Time
  (self: Input, duration: Duration.Input): Time
} = dual(2, internal.minus)

/**
 * The duration from `that` to `self`.
 *
 * Mirrors `Time.-(Time)` / `Time.minus(Time)`.
 *
 * **Example**
 * ```ts
 * Duration.toMillis(Time.minusTime(t1100, t1000)) // 100
 * ```
 *
 * @category combinators
 * @since 0.1.0
 */
export const minusTime: {
  (that: Input): (self: Input) => Duration.Duration
  (self: Input, that: Input): Duration.Duration
} = dual(2, internal.minusTime)

/**
 * Orders times by their milliseconds.
 *
 * Mirrors `Time.ordering`.
 *
 * **Example**
 * ```ts
 * times.sort(Time.Order)
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export const Order: Order_.Order<Input> = Order_.Number

/**
 * Whether `self` is before `that`.
 *
 * Mirrors `Time.<` / `Time.less`.
 *
 * **Example**
 * ```ts
 * Time.lessThan(t999, t1000) // true
 * ```
 *
 * @category guards
 * @since 0.1.0
 */
export const lessThan: {
  (that: Input): (self: Input) => boolean
  (self: Input, that: Input): boolean
} = dual(2, (self: Input, that: Input) => self < that)

/**
 * Whether `self` is before or at `that`.
 *
 * Mirrors `Time.<=` / `Time.lessEq`.
 *
 * **Example**
 * ```ts
 * Time.lessThanOrEqualTo(t1000, t1000) // true
 * ```
 *
 * @category guards
 * @since 0.1.0
 */
export const lessThanOrEqualTo: {
  (that: Input): (self: Input) => boolean
  (self: Input, that: Input): boolean
} = dual(2, (self: Input, that: Input) => self <= that)

/**
 * Whether `self` is after `that`.
 *
 * Mirrors `Time.>` / `Time.greater`.
 *
 * **Example**
 * ```ts
 * Time.greaterThan(t1000, t999) // true
 * ```
 *
 * @category guards
 * @since 0.1.0
 */
export const greaterThan: {
  (that: Input): (self: Input) => boolean
  (self: Input, that: Input): boolean
} = dual(2, (self: Input, that: Input) => self > that)

/**
 * Whether `self` is after or at `that`.
 *
 * Mirrors `Time.>=` / `Time.greaterEq`.
 *
 * **Example**
 * ```ts
 * Time.greaterThanOrEqualTo(t1000, t1000) // true
 * ```
 *
 * @category guards
 * @since 0.1.0
 */
export const greaterThanOrEqualTo: {
  (that: Input): (self: Input) => boolean
  (self: Input, that: Input): boolean
} = dual(2, (self: Input, that: Input) => self >= that)

/**
 * The earlier of two times.
 *
 * Mirrors `Time.min`.
 *
 * **Example**
 * ```ts
 * Time.min(t999, t1000) // 999
 * ```
 *
 * @category combinators
 * @since 0.1.0
 */
export const min: {
  (that: Input): (self: Input) => Time
  (self: Input, that: Input): Time
} = dual(2, (self: Input, that: Input) => internal.toTime(self < that ? self : that))

/**
 * The later of two times.
 *
 * Mirrors `Time.max`.
 *
 * **Example**
 * ```ts
 * Time.max(t999, t1000) // 1000
 * ```
 *
 * @category combinators
 * @since 0.1.0
 */
export const max: {
  (that: Input): (self: Input) => Time
  (self: Input, that: Input): Time
} = dual(2, (self: Input, that: Input) => internal.toTime(self > that ? self : that))

/**
 * The time rounded down to a whole number of `duration`s, counted from 0 or
 * from `zeroTime` (data-first only, with `zeroTime`). As Spark's (Scala's
 * integer division), a time before the origin rounds toward it. A duration
 * that is not positive leaves the time unchanged (Spark throws).
 *
 * Mirrors `Time.floor(Duration)` and `Time.floor(Duration, Time)`.
 *
 * **Example**
 * ```ts
 * Time.floor(t1350, "200 millis") // 1200
 * Time.floor(t1350, "200 millis", t50) // 1250
 * ```
 *
 * @category combinators
 * @since 0.1.0
 */
export const floor: {
  (duration: Duration.Input): (self: Input) => Time
  (self: Input, duration: Duration.Input, zeroTime?: Input): Time
} = dual((args) => args.length >= 2, internal.floor)

/**
 * Whether the time is a whole number of `duration`s (false for a duration
 * that is not positive).
 *
 * Mirrors `Time.isMultipleOf`.
 *
 * **Example**
 * ```ts
 * Time.isMultipleOf(t1000, "5 millis") // true
 * ```
 *
 * @category guards
 * @since 0.1.0
 */
export const isMultipleOf: {
  (duration: Duration.Input): (self: Input) => boolean
  (self: Input, duration: Duration.Input): boolean
} = dual(2, internal.isMultipleOf)

/**
 * The times from `self` every `interval`, before `end` (excluded). Fails
 * with `InvalidArgumentError` when the interval is not a positive duration.
 *
 * Mirrors `Time.until(Time, Duration)`.
 *
 * **Example**
 * ```ts
 * yield* Time.until(t1000, t1100, "30 millis") // [1000, 1030, 1060, 1090]
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const until: {
  (end: Input, interval: Duration.Input): (self: Input) => Effect.Effect<Array<Time>, SparkError.InvalidArgumentError>
  (self: Input, end: Input, interval: Duration.Input): Effect.Effect<Array<Time>, SparkError.InvalidArgumentError>
} = dual(3, (self: Input, end: Input, interval: Duration.Input) => internal.range("Time.until", self, end, interval))

/**
 * The times from `self` every `interval`, up to `end` (included when on the
 * step). Fails with `InvalidArgumentError` when the interval is not a
 * positive duration.
 *
 * Mirrors `Time.to(Time, Duration)`.
 *
 * **Example**
 * ```ts
 * yield* Time.to(t1000, t1100, "100 millis") // [1000, 1100]
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const to: {
  (end: Input, interval: Duration.Input): (self: Input) => Effect.Effect<Array<Time>, SparkError.InvalidArgumentError>
  (self: Input, end: Input, interval: Duration.Input): Effect.Effect<Array<Time>, SparkError.InvalidArgumentError>
} = dual(3, (self: Input, end: Input, interval: Duration.Input) => internal.range("Time.to", self, end, interval))

/**
 * The time as Spark prints it: `"1000 ms"`.
 *
 * Mirrors `Time.toString`.
 *
 * **Example**
 * ```ts
 * Time.toString(t) // "1000 ms"
 * ```
 *
 * @category getters
 * @since 0.1.0
 */
export const toString = (self: Input): string => internal.toString(self)
