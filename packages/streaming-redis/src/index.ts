/**
 * `@tspark/streaming-redis`: a direct stream over Redis Streams (Spark's
 * `external/` connector modules, for Redis): one partition per stream key,
 * entry ordinals as offsets, read on the executors with `XRANGE`, the
 * consumer group's position set after output.
 *
 * @since 0.1.0
 */

/**
 * The package version.
 *
 * @category getters
 * @since 0.1.0
 */
export const version = "0.1.0"

/** @since 0.1.0 */
export * as RedisDirectSource from "./RedisDirectSource.js"

/** @since 0.1.0 */
export * as RedisError from "./RedisError.js"

/** @since 0.1.0 */
export * as RedisOptions from "./RedisOptions.js"

/** @since 0.1.0 */
export * as RedisRangeReader from "./RedisRangeReader.js"

/** @since 0.1.0 */
export * as RedisRecord from "./RedisRecord.js"

/** @since 0.1.0 */
export * as RedisUtils from "./RedisUtils.js"

/** The module export executors load by name (`Closure.fromModule`); see `RedisRangeReader.redisRangeReader`. */
export { redisRangeReader } from "./RedisRangeReader.js"
