/**
 * The typed errors of the Kafka connector: bad configuration (naming the
 * key), a topic or partition the cluster does not have, and a cluster that
 * cannot be reached. Each message says what to change.
 *
 * Mirrors the `ConfigException`, `UnknownTopicOrPartitionException` and
 * `TimeoutException` a Kafka consumer throws under Spark's direct stream.
 *
 * @since 0.1.0
 */
import { Data } from "effect"

/**
 * A Kafka parameter (or an argument of a strategy) is missing, unknown or
 * has a value that cannot work; `key` names it.
 *
 * Mirrors Kafka's `ConfigException` and the checks of Spark's `KafkaUtils.fixKafkaParams`.
 *
 * **Example**
 * ```ts
 * const error = new KafkaError.KafkaConfigError({ key: "bootstrap.servers", message: "bootstrap.servers is missing; set it to host:port[,host:port]" })
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class KafkaConfigError extends Data.TaggedError("KafkaConfigError")<{
  readonly key: string
  readonly message: string
}> {}

/**
 * Topics (or partitions of `Assign`) the cluster does not have. The stream
 * never creates topics: create them (or let a producer create them) first.
 *
 * Mirrors Kafka's `UnknownTopicOrPartitionException`.
 *
 * **Example**
 * ```ts
 * const error = new KafkaError.KafkaTopicNotFoundError({ topics: ["events"], brokers: "localhost:9092" })
 * error.message // "topic events does not exist on localhost:9092; ..."
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class KafkaTopicNotFoundError extends Data.TaggedError("KafkaTopicNotFoundError")<{
  /** Missing topics, or `topic-partition` names of missing partitions. */
  readonly topics: ReadonlyArray<string>
  readonly brokers: string
}> {
  override get message(): string {
    const what = this.topics.length === 1 ? `topic ${this.topics[0]} does not exist` : `topics ${this.topics.join(", ")} do not exist`
    return `${what} on ${this.brokers}; create ${this.topics.length === 1 ? "it" : "them"} ` +
      `(kafka-topics.sh --create, or a producer with auto-creation) or fix the name in ConsumerStrategies.Subscribe/Assign`
  }
}

/**
 * The cluster could not be reached or refused a request after the client's
 * retries (`retries`, `retry.backoff.ms`); `operation` says what was asked.
 *
 * Mirrors Kafka's `TimeoutException` / `KafkaException` seen by Spark's driver consumer.
 *
 * **Example**
 * ```ts
 * const error = new KafkaError.KafkaBrokerError({ brokers: "localhost:9092", operation: "list offsets", message: "Connection timeout" })
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class KafkaBrokerError extends Data.TaggedError("KafkaBrokerError")<{
  readonly brokers: string
  readonly operation: string
  readonly message: string
  readonly cause?: unknown
}> {}
