/**
 * The seam that turns batch completion figures into a new ingestion rate.
 *
 * Mirrors `org.apache.spark.streaming.scheduler.rate.RateEstimator` (trait and
 * companion object).
 *
 * @since 0.1.0
 */
import type * as Effect from "effect/Effect"
import type * as Option from "effect/Option"
import * as internal from "./internal/rateEstimator.js"
import type {
  InvalidArgumentError,
  InvalidConfigError,
  InvalidDurationError,
  InvalidRateError,
  UnknownRateEstimatorError
} from "./RateControlError.js"

/**
 * Computes the number of records a stream may ingest per second from the
 * figures of a completed batch.
 *
 * `compute(time, numElements, processingDelayMs, schedulingDelayMs)` takes the
 * batch's processing end time (ms), its record count, how long processing took
 * (ms) and how long the batch waited before processing (ms). It returns the new
 * rate in records per second, or `None` when there is no new estimate (the first
 * batch, or an update that carries no information).
 *
 * Mirrors `org.apache.spark.streaming.scheduler.rate.RateEstimator`.
 *
 * **Example**
 * ```ts
 * import { Effect, Option } from "effect"
 * import type { RateEstimator } from "@tspark/rate-control"
 *
 * // a fixed-rate estimator: always asks for 500 records/s
 * const fixed: RateEstimator.RateEstimator = {
 *   compute: () => Effect.succeed(Option.some(500))
 * }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface RateEstimator {
  readonly compute: (
    time: number,
    numElements: number,
    processingDelayMs: number,
    schedulingDelayMs: number
  ) => Effect.Effect<Option.Option<number>>
}

/**
 * One batch's figures as plain data, the argument of a pure estimator step.
 *
 * Mirrors the four arguments of `RateEstimator.compute`.
 *
 * **Example**
 * ```ts
 * import type { RateEstimator } from "@tspark/rate-control"
 *
 * const update: RateEstimator.BatchUpdate = {
 *   time: 1_000,
 *   numElements: 5_000,
 *   processingDelayMs: 800,
 *   schedulingDelayMs: 0
 * }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface BatchUpdate {
  /** Processing end time of the batch, in milliseconds. */
  readonly time: number
  /** Records in the batch. */
  readonly numElements: number
  /** How long processing took, in milliseconds. */
  readonly processingDelayMs: number
  /** How long the batch waited before processing started, in milliseconds. */
  readonly schedulingDelayMs: number
}

/**
 * The configuration key that picks the estimator: `spark.streaming.backpressure.rateEstimator`.
 * Only `pid` (the default) exists.
 *
 * Mirrors the key read by `RateEstimator.create`.
 *
 * **Example**
 * ```ts
 * import { RateEstimator } from "@tspark/rate-control"
 *
 * const conf = { [RateEstimator.rateEstimatorKey]: "pid" }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export const rateEstimatorKey: string = internal.rateEstimatorKey

/**
 * Builds the estimator named by `spark.streaming.backpressure.rateEstimator`
 * (default `pid`) from a plain configuration record, with the PID gains read from
 * `spark.streaming.backpressure.pid.proportional`, `.integral`, `.derived` and
 * `.minRate`. Any other estimator name fails with `UnknownRateEstimatorError`; a
 * value that is not a number fails with `InvalidConfigError`; an out-of-range
 * value fails like `PIDRateEstimator.make`.
 *
 * Mirrors `org.apache.spark.streaming.scheduler.rate.RateEstimator.create`.
 *
 * **Example**
 * ```ts
 * import { Effect } from "effect"
 * import { RateEstimator } from "@tspark/rate-control"
 *
 * const program = Effect.gen(function*() {
 *   const estimator = yield* RateEstimator.fromConfig(
 *     { "spark.streaming.backpressure.pid.minRate": "10" },
 *     1_000
 *   )
 *   return yield* estimator.compute(1_000, 100, 500, 0)
 * })
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const fromConfig: (
  conf: Readonly<Record<string, string>>,
  batchIntervalMs: number
) => Effect.Effect<
  RateEstimator,
  UnknownRateEstimatorError | InvalidConfigError | InvalidDurationError | InvalidArgumentError | InvalidRateError
> = internal.fromConfig
