/**
 * Direct streams over Redis Streams.
 *
 * @since 0.1.0
 */
import { DirectInputDStream, type DirectSource, type DStream, type StreamingContext } from "@tspark/streaming"
import { Effect, type Scope } from "effect"
import * as RedisDirectSource from "./RedisDirectSource.js"
import type { RedisOptionsError, RedisStreamNotFoundError } from "./RedisError.js"
import type { RedisDirectStreamOptions } from "./RedisOptions.js"
import type { RedisRecord } from "./RedisRecord.js"

/**
 * A direct stream over the Redis stream keys `options.streams`: each batch
 * reads, on the executors, the entries added since the previous one (clamped
 * by `spark.streaming.kafka.maxRatePerPartition` and backpressure as any
 * direct stream). Without a checkpoint, each stream starts at
 * `startingOffsets`, else at the consumer group's position, else by
 * `offsetReset`. After a batch's output, `DirectInputDStream.commitAsync`
 * sets the group's position (`XGROUP SETID ... ENTRIESREAD ...`), so that
 * `XINFO GROUPS` shows its lag and a restart resumes there. Fails with
 * `RedisOptionsError` (a bad option, named), `RedisStreamNotFoundError` (a
 * key that is not a stream) or `DirectSourceError` (Redis unreachable after
 * the retries). The driver's connection closes with the scope.
 *
 * Mirrors `KafkaUtils.createDirectStream(ssc, PreferConsistent, Subscribe(topics, params))`.
 *
 * **Example**
 * ```ts
 * const stream = yield* RedisUtils.createDirectStream(ssc, { url, streams: ["events"], group: "word-count" })
 * stream.foreachRDD((rdd) =>
 *   Effect.gen(function*() {
 *     const ranges = DirectInputDStream.offsetRangesOf(rdd) ?? []
 *     yield* rdd.map((r) => r.fields.word).countByValue()
 *     DirectInputDStream.commitAsync(stream, ranges)
 *   })
 * )
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const createDirectStream = (
  ssc: StreamingContext.StreamingContext,
  options: RedisDirectStreamOptions
): Effect.Effect<
  DStream.DStream<RedisRecord>,
  RedisOptionsError | RedisStreamNotFoundError | DirectSource.DirectSourceError,
  Scope.Scope
> =>
  Effect.map(RedisDirectSource.make(options), (source) =>
    // Streams without a checkpointed or starting offset start at the group's position (the source's
    // committedOffsets, read before the first batch), else by offsetReset.
    DirectInputDStream.make(ssc, source, {
      offsetReset: source.options.offsetReset,
      startingOffsets: source.options.startingOffsets
    }))
