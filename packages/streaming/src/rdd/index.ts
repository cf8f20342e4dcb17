/**
 * Spark's `org.apache.spark.streaming.rdd` package: the RDD kinds streaming
 * builds over its input (`WriteAheadLogBackedBlockRDD`, and `DirectRDD`, the offset ranges of a direct stream's batch).
 *
 * @since 0.1.0
 */

/** @since 0.1.0 */
export * as DirectRDD from "./DirectRDD.js"
/** @since 0.1.0 */
export * as WriteAheadLogBackedBlockRDD from "./WriteAheadLogBackedBlockRDD.js"
