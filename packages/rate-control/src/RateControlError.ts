/**
 * The typed errors of `@tspark/rate-control`.
 *
 * Spark throws `IllegalArgumentException` from `require(...)` checks; here every
 * bad input is a tagged error in the type, and its `message` says what to change.
 * Recover with `Effect.catchTag("InvalidRateError", ...)`.
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"

/**
 * A rate (records per second) that is negative, NaN, or otherwise unusable.
 *
 * Mirrors the `require(minRate > 0)` checks of
 * `org.apache.spark.streaming.scheduler.rate.PIDRateEstimator` and the rate
 * arguments of `org.apache.spark.streaming.receiver.RateLimiter`.
 *
 * **Example**
 * ```ts
 * import { RateControlError } from "@tspark/rate-control"
 *
 * const error = new RateControlError.InvalidRateError({
 *   argument: "rate",
 *   value: -1,
 *   message: "rate is -1; pass a rate >= 0 records per second"
 * })
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class InvalidRateError extends Data.TaggedError("InvalidRateError")<{
  readonly argument: string
  readonly value: unknown
  readonly message: string
}> {}

/**
 * A duration (batch interval, batch duration) that is not a positive, finite
 * number of milliseconds.
 *
 * Mirrors `require(batchIntervalMillis > 0)` in
 * `org.apache.spark.streaming.scheduler.rate.PIDRateEstimator`.
 *
 * **Example**
 * ```ts
 * import { RateControlError } from "@tspark/rate-control"
 *
 * const error = new RateControlError.InvalidDurationError({
 *   argument: "batchIntervalMs",
 *   value: 0,
 *   message: "batchIntervalMs is 0; pass the batch interval in milliseconds, > 0"
 * })
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class InvalidDurationError extends Data.TaggedError("InvalidDurationError")<{
  readonly argument: string
  readonly value: unknown
  readonly message: string
}> {}

/**
 * Any other argument out of range: a negative PID gain, a negative permit
 * count, an offset that is not a number, a partition without a current offset.
 *
 * Mirrors the gain checks of
 * `org.apache.spark.streaming.scheduler.rate.PIDRateEstimator`.
 *
 * **Example**
 * ```ts
 * import { RateControlError } from "@tspark/rate-control"
 *
 * const error = new RateControlError.InvalidArgumentError({
 *   argument: "proportional",
 *   value: -1,
 *   message: "proportional gain is -1; pass a gain >= 0 (Spark's default is 1.0)"
 * })
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class InvalidArgumentError extends Data.TaggedError("InvalidArgumentError")<{
  readonly argument: string
  readonly value: unknown
  readonly message: string
}> {}

/**
 * A configuration value that cannot be read, for example
 * `spark.streaming.backpressure.pid.proportional = "fast"`.
 *
 * Mirrors `SparkConf.getDouble` / `getLong` failing with `NumberFormatException`.
 *
 * **Example**
 * ```ts
 * import { RateControlError } from "@tspark/rate-control"
 *
 * const error = new RateControlError.InvalidConfigError({
 *   key: "spark.streaming.receiver.maxRate",
 *   value: "lots",
 *   message: "spark.streaming.receiver.maxRate is \"lots\"; set it to a number"
 * })
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class InvalidConfigError extends Data.TaggedError("InvalidConfigError")<{
  readonly key: string
  readonly value: string
  readonly message: string
}> {}

/**
 * `spark.streaming.backpressure.rateEstimator` names an estimator that does not
 * exist. Only `pid` exists.
 *
 * Mirrors the `IllegalArgumentException` of `RateEstimator.create`.
 *
 * **Example**
 * ```ts
 * import { RateControlError } from "@tspark/rate-control"
 *
 * const error = new RateControlError.UnknownRateEstimatorError({
 *   name: "pi",
 *   message: "unknown rate estimator \"pi\"; set spark.streaming.backpressure.rateEstimator to \"pid\""
 * })
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class UnknownRateEstimatorError extends Data.TaggedError("UnknownRateEstimatorError")<{
  readonly name: string
  readonly message: string
}> {}

/**
 * A rate controller's publish callback failed (or died) while publishing a new
 * rate. The controller reports it and keeps running.
 *
 * Mirrors a failing `RateController.publish` in
 * `org.apache.spark.streaming.scheduler.RateController`, whose exception Spark
 * leaves to the executor's logging.
 *
 * **Example**
 * ```ts
 * import { RateControlError } from "@tspark/rate-control"
 *
 * const error = new RateControlError.RatePublishError({
 *   streamId: 0,
 *   rate: 1000,
 *   cause: new Error("receiver gone"),
 *   message: "publishing rate 1000 for stream 0 failed"
 * })
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class RatePublishError extends Data.TaggedError("RatePublishError")<{
  readonly streamId: number
  readonly rate: number
  readonly cause: unknown
  readonly message: string
}> {}

/**
 * Every error this package can fail with.
 *
 * Mirrors no single Spark class: Spark throws these as exceptions.
 *
 * **Example**
 * ```ts
 * import type { RateControlError } from "@tspark/rate-control"
 *
 * const describe = (e: RateControlError.RateControlError): string => `${e._tag}: ${e.message}`
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export type RateControlError =
  | InvalidRateError
  | InvalidDurationError
  | InvalidArgumentError
  | InvalidConfigError
  | UnknownRateEstimatorError
  | RatePublishError
