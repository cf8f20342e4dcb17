/**
 * Direct streams over NATS JetStream: one stream per partition, stream
 * sequence numbers as offsets, ranges read on the executors, offsets
 * committed after output to a JetStream key-value bucket.
 *
 * Mirrors `org.apache.spark.streaming.kafka010.KafkaUtils`, for JetStream.
 *
 * @since 0.1.0
 */
import { DirectInputDStream, type DirectSource, type DStream, type StreamingContext } from "@tspark/streaming"
import { Effect, type Scope } from "effect"
import type { NatsConfigError, NatsStreamNotFoundError } from "./NatsError.js"
import * as NatsDirectSource from "./NatsDirectSource.js"
import type { NatsDirectStreamOptions } from "./NatsOptions.js"
import type { NatsRecord } from "./NatsRecord.js"

/**
 * A direct stream over the JetStream streams of `options.streams`, each one
 * a partition. Where each stream starts: the checkpoint's offsets when the
 * context was recovered from one; else `options.startingOffsets`; else the
 * offset `options.application` committed last; else `options.offsetReset`
 * (`"latest"` by default). Commit after output with
 * `DirectInputDStream.commitAsync(stream, ranges)`: the offsets are written
 * to the offsets bucket before the next batch is planned.
 *
 * The driver's connection, and the connections readers keep in this process,
 * close with the scope. Fails with `NatsConfigError` (bad option),
 * `NatsStreamNotFoundError` (a stream missing) or `DirectSourceError` (the
 * server cannot be reached).
 *
 * Mirrors `KafkaUtils.createDirectStream(ssc, PreferConsistent, Subscribe(topics, kafkaParams))`.
 *
 * **Example**
 * ```ts
 * const stream = yield* NatsUtils.createDirectStream(ssc, {
 *   servers: "127.0.0.1:4222",
 *   streams: ["words-0", "words-1"],
 *   application: "word-count",
 *   offsetReset: "earliest"
 * })
 * stream.foreachRDD((rdd) =>
 *   Effect.gen(function*() {
 *     const ranges = DirectInputDStream.offsetRangesOf(rdd) ?? []
 *     const counts = yield* rdd.flatMap((r) => r.value.split(" ")).map((w) => [w, 1] as const).reduceByKey((a, b) => a + b).collect()
 *     yield* save(counts)
 *     DirectInputDStream.commitAsync(stream, ranges)
 *   })
 * )
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const createDirectStream = <V = string>(
  ssc: StreamingContext.StreamingContext,
  options: NatsDirectStreamOptions
): Effect.Effect<
  DStream.DStream<NatsRecord<V>>,
  NatsConfigError | NatsStreamNotFoundError | DirectSource.DirectSourceError,
  Scope.Scope
> =>
  Effect.gen(function*() {
    const source = yield* NatsDirectSource.make<V>(options)
    // The offsets the application committed are read before the first batch (the source's committedOffsets).
    return DirectInputDStream.make(ssc, source, {
      offsetReset: source.options.offsetReset,
      startingOffsets: source.options.startingOffsets
    })
  })
