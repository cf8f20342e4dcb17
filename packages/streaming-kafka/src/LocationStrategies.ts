/**
 * Where the executors read each topic partition.
 *
 * Mirrors `org.apache.spark.streaming.kafka010.LocationStrategies`.
 *
 * @since 0.1.0
 */

/**
 * How partitions are placed on executors. Only `PreferConsistent` exists:
 * each topic partition prefers the same executor batch after batch (a
 * stable hash of `topic-partition` over the executors), so the executor's
 * Kafka reader stays warm. Spark's `PreferBrokers` and `PreferFixed` are not
 * supported (executors and brokers are not co-located here).
 *
 * Mirrors `org.apache.spark.streaming.kafka010.LocationStrategy`.
 *
 * **Example**
 * ```ts
 * const where: LocationStrategies.LocationStrategy = LocationStrategies.PreferConsistent
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface LocationStrategy {
  readonly _tag: "PreferConsistent"
}

/**
 * Spread partitions evenly over the executors, the same executor per
 * partition every batch.
 *
 * Mirrors `LocationStrategies.PreferConsistent`.
 *
 * **Example**
 * ```ts
 * KafkaUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent, ConsumerStrategies.Subscribe(["events"], params))
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const PreferConsistent: LocationStrategy = { _tag: "PreferConsistent" }
