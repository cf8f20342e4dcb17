/**
 * @tspark/streaming-nats: direct streams over NATS JetStream. Each JetStream
 * stream is a partition whose offsets are its sequence numbers; executors
 * read exact ranges of sequences, and offsets are committed after output to
 * a JetStream key-value bucket.
 *
 * Mirrors Spark's `external/kafka-0-10` connector module, for JetStream.
 *
 * @since 0.1.0
 */

/**
 * The package's version.
 *
 * Mirrors no Spark class: Spark's connector modules carry the Spark version.
 *
 * **Example**
 * ```ts
 * import { version } from "@tspark/streaming-nats"
 *
 * console.log(version) // "0.1.0"
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export const version = "0.1.0"

/**
 * The direct source over JetStream streams (driver side).
 *
 * @since 0.1.0
 */
export * as NatsDirectSource from "./NatsDirectSource.js"

/**
 * Typed errors.
 *
 * @since 0.1.0
 */
export * as NatsError from "./NatsError.js"

/**
 * Options and their checking.
 *
 * @since 0.1.0
 */
export * as NatsOptions from "./NatsOptions.js"

/**
 * The executors' range reader and its connection cache.
 *
 * @since 0.1.0
 */
export * as NatsRangeReader from "./NatsRangeReader.js"

/**
 * The record type.
 *
 * @since 0.1.0
 */
export * as NatsRecord from "./NatsRecord.js"

/**
 * `createDirectStream`.
 *
 * @since 0.1.0
 */
export * as NatsUtils from "./NatsUtils.js"

/**
 * The module export executors load (`Closure.fromModule("@tspark/streaming-nats", "natsRangeReader", env)`).
 *
 * @category constructors
 * @since 0.1.0
 */
export { natsRangeReader } from "./NatsRangeReader.js"
