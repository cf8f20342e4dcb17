/**
 * Spark's `org.apache.spark.shuffle` package (with `org.apache.spark.Aggregator`):
 * the shuffle manager and the aggregator a shuffle combines values with.
 *
 * @since 0.1.0
 */

/** @since 0.1.0 */
export * as Aggregator from "./Aggregator.js"
/** @since 0.1.0 */
export * as ShuffleManager from "./ShuffleManager.js"
