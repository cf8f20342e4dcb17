/**
 * Spark's `org.apache.spark.streaming.rdd` package: the RDD kinds streaming
 * builds over its input (`WriteAheadLogBackedBlockRDD`).
 *
 * @since 0.1.0
 */

/** @since 0.1.0 */
export * as WriteAheadLogBackedBlockRDD from "./WriteAheadLogBackedBlockRDD.js"
