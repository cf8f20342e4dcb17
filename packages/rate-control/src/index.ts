/**
 * @tspark/rate-control: backpressure for micro-batch streams. A PID estimator
 * turns batch completion figures into an ingestion rate; a rate controller
 * publishes it; a token-bucket limiter and the direct-stream split enforce it.
 *
 * Mirrors Spark's `streaming/scheduler/rate`, `RateController`, the receiver
 * `RateLimiter` and `DirectKafkaInputDStream.maxMessagesPerPartition`.
 *
 * @since 0.1.0
 */

/**
 * The package's version.
 *
 * Mirrors no Spark class: Spark's streaming module carries the Spark version.
 *
 * **Example**
 * ```ts
 * import { version } from "@tspark/rate-control"
 *
 * console.log(version) // "0.1.0"
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export const version = "0.1.0"

/**
 * Rate limits for direct (offset-range) streams.
 *
 * @since 0.1.0
 */
export * as DirectRateLimits from "./DirectRateLimits.js"

/**
 * The PID rate estimator.
 *
 * @since 0.1.0
 */
export * as PIDRateEstimator from "./PIDRateEstimator.js"

/**
 * Typed errors.
 *
 * @since 0.1.0
 */
export * as RateControlError from "./RateControlError.js"

/**
 * Batch-completed listener that publishes new rates.
 *
 * @since 0.1.0
 */
export * as RateController from "./RateController.js"

/**
 * The rate estimator seam.
 *
 * @since 0.1.0
 */
export * as RateEstimator from "./RateEstimator.js"

/**
 * The receiver token-bucket limiter.
 *
 * @since 0.1.0
 */
export * as RateLimiter from "./RateLimiter.js"
