/**
 * An RDD with no partitions: `sc.emptyRDD()`, the union of nothing.
 *
 * Mirrors `org.apache.spark.rdd.EmptyRDD`.
 *
 * @since 0.1.0
 */
import { emptyIterator } from "../internal/rdd/iterators.js"
import type { RDDOp } from "../internal/rdd/op.js"

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
