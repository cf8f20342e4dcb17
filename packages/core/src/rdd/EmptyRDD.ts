/**
 * An RDD with no partitions: `sc.emptyRDD()`, the union of nothing.
 *
 * Mirrors `org.apache.spark.rdd.EmptyRDD`.
 *
 * @since 0.1.0
 */
import { emptyIterator } from "../internal/rdd/iterators.js"
import type { RDDOp } from "../internal/rdd/op.js"
import { RDD, type RDDContext } from "./RDD.js"

/**
 * The plan of an empty RDD.
 *
 * Mirrors `new EmptyRDD[T](sc)`.
 *
 * **Example**
 * ```ts
 * const op = EmptyRDD.empty
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const empty: RDDOp = {
  factory: "empty",
  args: [],
  kind: "EmptyRDD",
  params: {},
  getPartitions: () => [],
  compute: () => emptyIterator()
}

/**
 * An RDD with no partitions.
 *
 * Mirrors `SparkContext.emptyRDD`.
 *
 * **Example**
 * ```ts
 * const none = EmptyRDD.make<number>(sc)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = <T>(context: RDDContext): RDD<T> => new RDD<T>(context, empty, [])
