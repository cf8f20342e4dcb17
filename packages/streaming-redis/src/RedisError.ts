/**
 * The errors of the Redis Streams connector, beside the direct stream's own
 * (`DirectSource.DirectSourceError` for a server that cannot be reached,
 * `DirectOffsetOutOfRangeError` for entries trimmed away).
 *
 * @since 0.1.0
 */
import { Data } from "effect"

/**
 * An option of `RedisUtils.createDirectStream` is missing or invalid; the
 * message names the option and what to set.
 *
 * Mirrors the `ConfigException` Kafka's consumer throws for a bad setting.
 *
 * **Example**
 * ```ts
 * const error = new RedisError.RedisOptionsError({ option: "streams", message: "streams must list at least one stream key" })
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class RedisOptionsError extends Data.TaggedError("RedisOptionsError")<{
  readonly option: string
  readonly message: string
}> {}

/**
 * A stream key the stream was told to read does not exist in Redis (or holds
 * something other than a stream).
 *
 * Mirrors Kafka's `UnknownTopicOrPartitionException`.
 *
 * **Example**
 * ```ts
 * const error = new RedisError.RedisStreamNotFoundError({ url: "redis://localhost:6379", stream: "events", found: "none" })
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class RedisStreamNotFoundError extends Data.TaggedError("RedisStreamNotFoundError")<{
  readonly url: string
  readonly stream: string
  /** `none` when the key does not exist, else the type of what it holds. */
  readonly found: string
}> {
  override get message(): string {
    const what = this.found === "none" ? "does not exist" : "holds something other than a stream"
    return `Redis stream key "${this.stream}" at ${this.url} ${what}; create it (XADD ${this.stream} * field value, or ` +
      `XGROUP CREATE ${this.stream} <group> $ MKSTREAM), or remove it from the streams option`
  }
}
