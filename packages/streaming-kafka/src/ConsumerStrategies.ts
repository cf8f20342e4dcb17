/**
 * Which topic partitions a direct stream reads, with which Kafka
 * parameters, from which offsets.
 *
 * Mirrors `org.apache.spark.streaming.kafka010.ConsumerStrategies`.
 *
 * @since 0.1.0
 */
import type { KafkaParams } from "./internal/kafkaParams.js"

export type { KafkaParams } from "./internal/kafkaParams.js"

/**
 * A topic's partition.
 *
 * Mirrors `org.apache.kafka.common.TopicPartition`.
 *
 * **Example**
 * ```ts
 * const tp: ConsumerStrategies.TopicPartition = { topic: "events", partition: 0 }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface TopicPartition {
  readonly topic: string
  readonly partition: number
}

/**
 * What the stream consumes: every partition of `topics` (`Subscribe`, new
 * partitions included as they appear) or exactly `partitions` (`Assign`),
 * with the Kafka parameters (`bootstrap.servers`, `group.id`,
 * `auto.offset.reset`, ...; see the package README for the list) and
 * starting offsets keyed by `topic-partition` (`events-0`). A partition
 * without a starting offset starts at the group's committed offset, else
 * where `auto.offset.reset` says.
 *
 * Mirrors `org.apache.spark.streaming.kafka010.ConsumerStrategy`.
 *
 * **Example**
 * ```ts
 * const strategy: ConsumerStrategies.ConsumerStrategy = ConsumerStrategies.Subscribe(["events"], { "bootstrap.servers": "localhost:9092", "group.id": "app" })
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export type ConsumerStrategy =
  | {
    readonly _tag: "Subscribe"
    readonly topics: ReadonlyArray<string>
    readonly kafkaParams: KafkaParams
    readonly offsets: ReadonlyMap<string, number>
  }
  | {
    readonly _tag: "Assign"
    readonly partitions: ReadonlyArray<TopicPartition>
    readonly kafkaParams: KafkaParams
    readonly offsets: ReadonlyMap<string, number>
  }

/**
 * Every partition of `topics`. The topics must exist (the stream fails its
 * batch with a `KafkaTopicNotFoundError` naming a missing one; it never
 * creates topics). Arguments are checked by `KafkaUtils.createDirectStream`.
 *
 * Mirrors `ConsumerStrategies.Subscribe(topics, kafkaParams, offsets)`.
 *
 * **Example**
 * ```ts
 * ConsumerStrategies.Subscribe(["events"], { "bootstrap.servers": "localhost:9092", "group.id": "word-count", "auto.offset.reset": "earliest" })
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const Subscribe = (
  topics: ReadonlyArray<string>,
  kafkaParams: KafkaParams,
  offsets: ReadonlyMap<string, number> = new Map()
): ConsumerStrategy => ({ _tag: "Subscribe", topics, kafkaParams, offsets })

/**
 * Exactly `partitions` (no others, none added later).
 *
 * Mirrors `ConsumerStrategies.Assign(topicPartitions, kafkaParams, offsets)`.
 *
 * **Example**
 * ```ts
 * ConsumerStrategies.Assign([{ topic: "events", partition: 0 }], { "bootstrap.servers": "localhost:9092", "group.id": "g" }, new Map([["events-0", 42]]))
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const Assign = (
  partitions: ReadonlyArray<TopicPartition>,
  kafkaParams: KafkaParams,
  offsets: ReadonlyMap<string, number> = new Map()
): ConsumerStrategy => ({ _tag: "Assign", partitions, kafkaParams, offsets })

/**
 * The topics a strategy reads.
 *
 * Mirrors no Spark method (Spark asks the consumer for its subscription).
 *
 * **Example**
 * ```ts
 * ConsumerStrategies.topicsOf(ConsumerStrategies.Assign([{ topic: "a", partition: 0 }, { topic: "a", partition: 1 }], params)) // ["a"]
 * ```
 *
 * @category getters
 * @since 0.1.0
 */
export const topicsOf = (strategy: ConsumerStrategy): ReadonlyArray<string> =>
  strategy._tag === "Subscribe" ? [...new Set(strategy.topics)] : [...new Set(strategy.partitions.map((tp) => tp.topic))]
