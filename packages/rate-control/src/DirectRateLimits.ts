/**
 * Rate limits for direct (receiver-less) streams that read offset ranges, such
 * as Kafka: how many messages each partition may contribute to the next batch.
 *
 * Mirrors `DirectKafkaInputDStream.maxMessagesPerPartition` and its
 * `DirectKafkaRateController` in Spark's `spark-streaming-kafka-0-10`.
 *
 * @since 0.1.0
 */
import type * as Effect from "effect/Effect"
import { dual } from "effect/Function"
import type * as Option from "effect/Option"
import * as internal from "./internal/directRateLimits.js"
import * as keys from "./internal/keys.js"
import type { InvalidArgumentError, InvalidConfigError, InvalidDurationError, InvalidRateError } from "./RateControlError.js"

/**
 * The per-partition rate settings, records/s.
 *
 * - `maxRatePerPartition`: caps each partition; 0 (the default) means no cap
 *   (`spark.streaming.kafka.maxRatePerPartition`);
 * - `minRatePerPartition`: the least each partition may take per batch
 *   (default 1, `spark.streaming.kafka.minRatePerPartition`), so that no
 *   partition with data starves.
 *
 * Either may be one number for all partitions or a function of the partition.
 *
 * Mirrors `org.apache.spark.streaming.kafka010.PerPartitionConfig`.
 *
 * **Example**
 * ```ts
 * import type { DirectRateLimits } from "@tspark/rate-control"
 *
 * const rates: DirectRateLimits.PerPartitionRates<string> = {
 *   maxRatePerPartition: (p) => p.startsWith("hot-") ? 10_000 : 1_000,
 *   minRatePerPartition: 1
 * }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface PerPartitionRates<K = unknown> {
  readonly maxRatePerPartition?: number | ((partition: K) => number) | undefined
  readonly minRatePerPartition?: number | ((partition: K) => number) | undefined
}

/**
 * Everything `maxMessagesPerPartition` needs besides the latest offsets.
 *
 * - `currentOffsets`: where each partition's next batch starts;
 * - `estimatedRate`: the rate controller's latest rate, records/s for the
 *   whole stream; `None` (or 0) when backpressure is off or there is no
 *   estimate yet;
 * - `initialRate`: with backpressure on, the rate to use while there is no
 *   estimate (`spark.streaming.backpressure.initialRate`, records/s for the
 *   whole stream); absent or 0 for none. Leave it out when backpressure is
 *   off: Spark reads it only for a stream with a rate controller;
 * - `batchDurationMs`: the batch duration, > 0.
 *
 * Mirrors the state `DirectKafkaInputDStream.maxMessagesPerPartition` reads.
 *
 * **Example**
 * ```ts
 * import { Option } from "effect"
 * import type { DirectRateLimits } from "@tspark/rate-control"
 *
 * const options: DirectRateLimits.DirectRateOptions<string> = {
 *   currentOffsets: new Map([["t-0", 100], ["t-1", 0]]),
 *   estimatedRate: Option.some(1_000),
 *   maxRatePerPartition: 800,
 *   batchDurationMs: 2_000
 * }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface DirectRateOptions<K> extends PerPartitionRates<K> {
  readonly currentOffsets: ReadonlyMap<K, number>
  readonly estimatedRate: Option.Option<number>
  readonly initialRate?: number | undefined
  readonly batchDurationMs: number
}

/**
 * The most messages each partition may contribute to the next batch, given the
 * latest available `offsets`:
 *
 * - the rate is the estimated rate when it is > 0, else `initialRate`;
 * - with a rate > 0, it is divided between partitions in proportion to their
 *   lag (`offset - currentOffset`, at least 0), each share capped by
 *   `maxRatePerPartition` when that is > 0;
 * - without one, each partition gets `maxRatePerPartition`;
 * - each per-partition rate times the batch seconds, truncated, is the limit,
 *   and never below `minRatePerPartition` (default 1), for every partition, as
 *   in Spark (a partition without lag is then clamped to its latest offset by
 *   the caller, Spark's `clamp`);
 * - `None` when there is nothing to limit: no lag at all under backpressure, or
 *   no rate and no cap.
 *
 * Mirrors `DirectKafkaInputDStream.maxMessagesPerPartition`.
 *
 * **Example**
 * ```ts
 * import { Effect, Option, pipe } from "effect"
 * import { DirectRateLimits } from "@tspark/rate-control"
 *
 * const limits = pipe(
 *   new Map([["t-0", 1_100], ["t-1", 300]]),
 *   DirectRateLimits.maxMessagesPerPartition({
 *     currentOffsets: new Map([["t-0", 100], ["t-1", 0]]),
 *     estimatedRate: Option.some(1_300),
 *     batchDurationMs: 1_000
 *   })
 * )
 * // Effect succeeding with Some(Map { "t-0" => 1000, "t-1" => 300 })
 * ```
 *
 * @category combinators
 * @since 0.1.0
 */
export const maxMessagesPerPartition: {
  <K>(
    options: DirectRateOptions<K>
  ): (
    offsets: ReadonlyMap<K, number>
  ) => Effect.Effect<Option.Option<Map<K, number>>, InvalidRateError | InvalidDurationError | InvalidArgumentError>
  <K>(
    offsets: ReadonlyMap<K, number>,
    options: DirectRateOptions<K>
  ): Effect.Effect<Option.Option<Map<K, number>>, InvalidRateError | InvalidDurationError | InvalidArgumentError>
} = dual(2, internal.maxMessagesPerPartition)

/**
 * The configuration key for the per-partition cap: `spark.streaming.kafka.maxRatePerPartition`.
 *
 * Mirrors the key read by `org.apache.spark.streaming.kafka010.DefaultPerPartitionConfig`.
 *
 * **Example**
 * ```ts
 * import { DirectRateLimits } from "@tspark/rate-control"
 *
 * const conf = { [DirectRateLimits.maxRatePerPartitionKey]: "1000" }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export const maxRatePerPartitionKey: string = keys.kafkaMaxRatePerPartition

/**
 * The configuration key for the per-partition floor: `spark.streaming.kafka.minRatePerPartition`.
 *
 * Mirrors the key read by `org.apache.spark.streaming.kafka010.DefaultPerPartitionConfig`.
 *
 * **Example**
 * ```ts
 * import { DirectRateLimits } from "@tspark/rate-control"
 *
 * const conf = { [DirectRateLimits.minRatePerPartitionKey]: "10" }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export const minRatePerPartitionKey: string = keys.kafkaMinRatePerPartition

/**
 * Reads the per-partition rates from a plain configuration record (defaults:
 * no cap, floor 1).
 *
 * Mirrors `org.apache.spark.streaming.kafka010.DefaultPerPartitionConfig`.
 *
 * **Example**
 * ```ts
 * import { Effect } from "effect"
 * import { DirectRateLimits } from "@tspark/rate-control"
 *
 * const rates = Effect.runSync(DirectRateLimits.ratesFromConfig({ "spark.streaming.kafka.maxRatePerPartition": "500" }))
 * // { maxRatePerPartition: 500, minRatePerPartition: 1 }
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const ratesFromConfig: (
  conf: Readonly<Record<string, string>>
) => Effect.Effect<PerPartitionRates, InvalidConfigError | InvalidRateError> = internal.ratesFromConfig
