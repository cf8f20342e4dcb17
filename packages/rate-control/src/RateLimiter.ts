/**
 * A token-bucket rate limiter on Effect's `Clock`, for receivers that push
 * records: `acquire(n)` returns at once while the bucket has tokens and sleeps
 * on the clock otherwise.
 *
 * The bucket holds a fraction of a second of tokens (`burstSeconds`, default
 * 0.1), so a limited stream flows smoothly instead of in one burst per second.
 * Over any window the limiter lets through at most
 * `rate * window + max(1, rate * burstSeconds)` records when every request fits
 * in the bucket (per-record `acquire(1)`, as Spark's `waitToPush`). A larger
 * request waits until the bucket has earned it and then passes whole, so the
 * allowance becomes the largest request.
 *
 * Mirrors `org.apache.spark.streaming.receiver.RateLimiter` (which wraps Guava's
 * `RateLimiter`).
 *
 * @since 0.1.0
 */
import type * as Effect from "effect/Effect"
import * as internal from "./internal/rateLimiter.js"
import * as keys from "./internal/keys.js"
import type { InvalidArgumentError, InvalidConfigError, InvalidRateError } from "./RateControlError.js"

/**
 * How to build a limiter.
 *
 * - `maxRate`: the cap on every rate, records/s; 0 or absent means unlimited
 *   (`spark.streaming.receiver.maxRate`).
 * - `initialRate`: the rate before the first `updateRate`, capped by `maxRate`;
 *   > 0; absent means `maxRate` (`spark.streaming.backpressure.initialRate`).
 * - `burstSeconds`: bucket size as a fraction of a second of the current rate,
 *   in (0, 1]; default 0.1. The bucket holds at least one record.
 *
 * Mirrors the configuration read by `org.apache.spark.streaming.receiver.RateLimiter`.
 *
 * **Example**
 * ```ts
 * import type { RateLimiter } from "@tspark/rate-control"
 *
 * const options: RateLimiter.RateLimiterOptions = { maxRate: 10_000, initialRate: 1_000 }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface RateLimiterOptions {
  readonly maxRate?: number | undefined
  readonly initialRate?: number | undefined
  readonly burstSeconds?: number | undefined
}

/**
 * A settable-rate limiter.
 *
 * - `acquire(n = 1)`: waits (on the `Clock` the limiter was made with) until `n`
 *   records may pass. Fails with `InvalidArgumentError` for a negative or
 *   non-finite `n`. If the waiting fiber is interrupted its permits are given back.
 * - `tryAcquire(n = 1)`: the synchronous fast path; takes `n` permits and returns
 *   `true` if they are available now, else takes nothing and returns `false`
 *   (also `false` for a bad `n`).
 * - `updateRate(rate)`: sets a new rate, capped by `maxRate`. 0 is ignored, as in
 *   Spark (the controller has no estimate yet); a negative or NaN rate fails with
 *   `InvalidRateError`; `Infinity` lifts the limit up to `maxRate`.
 * - `currentLimit`: the rate now in force, `Infinity` when unlimited.
 *
 * Mirrors `org.apache.spark.streaming.receiver.RateLimiter` (`waitToPush`,
 * `updateRate`, `getCurrentLimit`).
 *
 * **Example**
 * ```ts
 * import { Effect } from "effect"
 * import { RateLimiter } from "@tspark/rate-control"
 *
 * const program = Effect.gen(function*() {
 *   const limiter = yield* RateLimiter.make({ maxRate: 5_000, initialRate: 1_000 })
 *   yield* limiter.acquire(10)
 *   yield* limiter.updateRate(2_000)
 *   return yield* limiter.currentLimit // 2000
 * })
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface RateLimiter {
  /** The cap on every rate, records/s; `Infinity` when there is none. */
  readonly maxRate: number
  /** Bucket size in seconds of the current rate. */
  readonly burstSeconds: number
  readonly currentLimit: Effect.Effect<number>
  readonly currentLimitUnsafe: () => number
  readonly updateRate: (rate: number) => Effect.Effect<void, InvalidRateError>
  readonly acquire: (n?: number) => Effect.Effect<void, InvalidArgumentError>
  readonly tryAcquire: (n?: number) => boolean
}

/**
 * The configuration key that caps every rate: `spark.streaming.receiver.maxRate`
 * (records/s; 0, negative or absent means unlimited).
 *
 * Mirrors the key read by `org.apache.spark.streaming.receiver.RateLimiter`.
 *
 * **Example**
 * ```ts
 * import { RateLimiter } from "@tspark/rate-control"
 *
 * const conf = { [RateLimiter.maxRateKey]: "10000" }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export const maxRateKey: string = keys.receiverMaxRate

/**
 * The configuration key for the rate before the first estimate:
 * `spark.streaming.backpressure.initialRate` (records/s, > 0).
 *
 * Mirrors the key read by `org.apache.spark.streaming.receiver.RateLimiter`.
 *
 * **Example**
 * ```ts
 * import { RateLimiter } from "@tspark/rate-control"
 *
 * const conf = { [RateLimiter.initialRateKey]: "500" }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export const initialRateKey: string = keys.initialRate

/**
 * Builds a limiter on the current `Clock` (under `TestClock` in tests, so
 * waiting is virtual). Fails with `InvalidRateError` for a negative or NaN
 * `maxRate`, a non-positive `initialRate`, and with a typed error for a
 * `burstSeconds` outside (0, 1].
 *
 * Mirrors `new RateLimiter(conf)` in `org.apache.spark.streaming.receiver`.
 *
 * **Example**
 * ```ts
 * import { Effect } from "effect"
 * import { RateLimiter } from "@tspark/rate-control"
 *
 * const limiter = RateLimiter.make({ initialRate: 1_000, burstSeconds: 0.05 })
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make: (
  options?: RateLimiterOptions
) => Effect.Effect<RateLimiter, InvalidRateError | InvalidArgumentError> = internal.make

/**
 * Builds a limiter from a plain configuration record: `spark.streaming.receiver.maxRate`
 * (0 or negative: unlimited, as Spark documents) and
 * `spark.streaming.backpressure.initialRate`.
 *
 * Mirrors `org.apache.spark.streaming.receiver.RateLimiter`'s constructor reading `SparkConf`.
 *
 * **Example**
 * ```ts
 * import { Effect } from "effect"
 * import { RateLimiter } from "@tspark/rate-control"
 *
 * const limiter = RateLimiter.fromConfig({
 *   "spark.streaming.receiver.maxRate": "10000",
 *   "spark.streaming.backpressure.initialRate": "1000"
 * })
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const fromConfig: (
  conf: Readonly<Record<string, string>>
) => Effect.Effect<RateLimiter, InvalidConfigError | InvalidRateError | InvalidArgumentError> = internal.fromConfig
