/**
 * A partition of an RDD: plain data (an index plus whatever the RDD kind needs
 * to compute it), so that it can be sent to an executor with its task.
 *
 * Mirrors `org.apache.spark.Partition`.
 *
 * @since 0.1.0
 */

/**
 * A partition. Kinds add their own fields (a byte range, parent indices, ...).
 *
 * @category models
 * @since 0.1.0
 */
export interface Partition {
  readonly index: number
}
