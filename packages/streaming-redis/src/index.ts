/**
 * `@tspark/streaming-redis`: a direct stream over Redis Streams (Spark's
 * `external/` connector modules, for Redis): one partition per stream key,
 * entry ordinals as offsets, read on the executors with `XRANGE`, the
 * consumer group's position set after output.
 *
 * Mirrors Spark's `spark-streaming-kafka-0-10` module, for Redis Streams.
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
 * import { version } from "@tspark/streaming-redis"
 *
 * console.log(version) // "0.1.0"
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export const version = "0.1.0"

/**
 * The `DirectSource` of Redis stream keys.
 *
 * @since 0.1.0
 */
export * as RedisDirectSource from "./RedisDirectSource.js"

/**
 * Typed errors.
 *
 * @since 0.1.0
 */
export * as RedisError from "./RedisError.js"

/**
 * The options of a direct stream.
 *
 * @since 0.1.0
 */
export * as RedisOptions from "./RedisOptions.js"

/**
 * The executors' reader of offset ranges.
 *
 * @since 0.1.0
 */
export * as RedisRangeReader from "./RedisRangeReader.js"

/**
 * A stream entry as a batch holds it.
 *
 * @since 0.1.0
 */
export * as RedisRecord from "./RedisRecord.js"

/**
 * `createDirectStream`.
 *
 * @since 0.1.0
 */
export * as RedisUtils from "./RedisUtils.js"

/**
 * The module export executors load by name (`Closure.fromModule`): see
 * `RedisRangeReader.redisRangeReader`.
 *
 * @since 0.1.0
 */
export { redisRangeReader } from "./RedisRangeReader.js"
