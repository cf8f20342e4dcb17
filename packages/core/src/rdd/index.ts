/**
 * Spark's `org.apache.spark.rdd` package: the `RDD` class, the key-value and
 * ordered operations, partitions, partitioners and dependencies, and the RDD
 * kinds Spark makes public (`UnionRDD`, `ShuffledRDD`, `CoGroupedRDD`,
 * `BlockRDD`, the text-file RDD, and `DataSourceRDD` of its data source API) or whose errors a job can fail with (`ZippedPartitionsRDD`,
 * `ReliableCheckpointRDD`, `LocalCheckpointRDD`). The kinds Spark keeps
 * `private[spark]` (`MapPartitionsRDD`, `ParallelCollectionRDD`, ...) have
 * modules here too, named as in Spark, but are not re-exported.
 *
 * @since 0.1.0
 */

/** @since 0.1.0 */
export * as BlockRDD from "./BlockRDD.js"
/** @since 0.1.0 */
export * as CoGroupedRDD from "./CoGroupedRDD.js"
/** @since 0.1.0 */
export * as DataSourceRDD from "./DataSourceRDD.js"
/** @since 0.1.0 */
export * as Dependency from "./Dependency.js"
/** @since 0.1.0 */
export * as LocalCheckpointRDD from "./LocalCheckpointRDD.js"
/** @since 0.1.0 */
export * as OrderedRDDFunctions from "./OrderedRDDFunctions.js"
/** @since 0.1.0 */
export * as PairRDDFunctions from "./PairRDDFunctions.js"
/** @since 0.1.0 */
export * as Partition from "./Partition.js"
/** @since 0.1.0 */
export * as Partitioner from "./Partitioner.js"
/** @since 0.1.0 */
export * as RDD from "./RDD.js"
/** @since 0.1.0 */
export * as ReliableCheckpointRDD from "./ReliableCheckpointRDD.js"
/** @since 0.1.0 */
export * as ShuffledRDD from "./ShuffledRDD.js"
/** @since 0.1.0 */
export * as TextFileRDD from "./TextFileRDD.js"
/** @since 0.1.0 */
export * as UnionRDD from "./UnionRDD.js"
/** @since 0.1.0 */
export * as ZippedPartitionsRDD from "./ZippedPartitionsRDD.js"
