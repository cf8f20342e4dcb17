/**
 * @tspark/streaming-kafka: Kafka direct streams for tspark. Each batch is a
 * set of offset ranges of topic partitions, read by the executors with
 * kafkajs; offsets are committed to the consumer group after output.
 *
 * Mirrors Spark's `connector/kafka-0-10` module (`org.apache.spark.streaming.kafka010`).
 *
 * @since 0.1.0
 */

/**
 * The package's version.
 *
 * Mirrors no Spark class: Spark's connector carries the Spark version.
 *
 * **Example**
 * ```ts
 * import { version } from "@tspark/streaming-kafka"
 *
 * console.log(version) // "0.1.0"
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export const version = "0.1.0"

/**
 * Records as plain objects.
 *
 * @since 0.1.0
 */
export * as ConsumerRecord from "./ConsumerRecord.js"

/**
 * Subscribe and Assign.
 *
 * @since 0.1.0
 */
export * as ConsumerStrategies from "./ConsumerStrategies.js"

/**
 * Typed errors.
 *
 * @since 0.1.0
 */
export * as KafkaError from "./KafkaError.js"

/**
 * The executors' reader.
 *
 * @since 0.1.0
 */
export * as KafkaReader from "./KafkaReader.js"

/**
 * createDirectStream, createRDD, offsetRanges, commitAsync.
 *
 * @since 0.1.0
 */
export * as KafkaUtils from "./KafkaUtils.js"

/**
 * PreferConsistent.
 *
 * @since 0.1.0
 */
export * as LocationStrategies from "./LocationStrategies.js"

/**
 * Kafka offset ranges.
 *
 * @since 0.1.0
 */
export * as OffsetRange from "./OffsetRange.js"

/**
 * The executors' read function, by the name `Closure.fromModule` ships
 * (`"@tspark/streaming-kafka"`, `"kafkaRangeReader"`).
 *
 * @since 0.1.0
 */
export { closeReaders, kafkaRangeReader } from "./KafkaReader.js"
