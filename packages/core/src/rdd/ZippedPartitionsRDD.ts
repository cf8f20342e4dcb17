/**
 * The RDD of `rdd.zip(other)`: partition `i` pairs the records of partition
 * `i` of both parents, in order.
 *
 * Mirrors `org.apache.spark.rdd.ZippedPartitionsRDD2` (in Spark's
 * `ZippedPartitionsRDD.scala`, whose name `toDebugString` prints).
 *
 * @since 0.1.0
 */
import { Data } from "effect"
import { parentSplit, type RDDOp } from "../internal/rdd/op.js"
import { InvalidArgumentError } from "../SparkError.js"

/**
 * The two sides of a zip had a different number of records in a partition.
 * Thrown by the task computing that partition; the job fails with it.
 *
 * Mirrors Spark's "Can only zip RDDs with same number of elements in each partition".
 *
 * **Example**
 * ```ts
 * const error = new ZippedPartitionsRDD.ZipLengthMismatch({ partition: 1 })
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class ZipLengthMismatch extends Data.TaggedError("ZipLengthMismatch")<{
  readonly partition: number
}> {
  override get message(): string {
    return `zip: Can only zip RDDs with same number of elements in each partition (partition ${this.partition} ` +
      "differs); zip needs both RDDs to have the same number of elements in every partition, e.g. both derived by map from one RDD"
  }
}

/**
 * The plan of a zip of two RDDs with the same partitions.
 *
 * Mirrors `new ZippedPartitionsRDD2(sc, (a, b) => a.zip(b), this, other)`.
 *
 * **Example**
 * ```ts
 * const op = ZippedPartitionsRDD.zip
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const zip: RDDOp = {
  factory: "zip",
  args: [],
  kind: "ZippedPartitionsRDD2",
  params: {},
  getPartitions: (rdd) => rdd.dependencies[0]!.rdd.partitions.map((p) => ({ index: p.index })),
  preferredLocations: (rdd, split) => rdd.dependencies[0]!.rdd.preferredLocations(parentSplit(rdd, split, 0)),
  compute: (rdd, split, ctx) => {
    const left = rdd.dependencies[0]!.rdd.iterator(parentSplit(rdd, split, 0), ctx)
    const right = rdd.dependencies[1]!.rdd.iterator(parentSplit(rdd, split, 1), ctx)
    return {
      next: () => {
        const l = left.next()
        const r = right.next()
        if (l.done && r.done) return { done: true, value: undefined }
        if (l.done || r.done) throw new ZipLengthMismatch({ partition: split.index })
        return { done: false, value: [l.value, r.value] }
      }
    }
  }
}

/**
 * The error of zipping RDDs with different numbers of partitions (found when
 * the zip is built; element counts are checked as the partitions are read).
 *
 * Mirrors the partition check of `ZippedPartitionsBaseRDD.getPartitions`.
 *
 * **Example**
 * ```ts
 * ZippedPartitionsRDD.partitionCountMismatch(2, 1) // InvalidArgumentError
 * ```
 *
 * @category getters
 * @since 0.1.0
 */
export const partitionCountMismatch = (left: number, right: number): InvalidArgumentError | undefined =>
  left === right ? undefined : new InvalidArgumentError({
    method: "zip",
    message: `Can't zip RDDs with unequal numbers of partitions: ${left} and ${right}; ` +
      "the other RDD (argument other) must have as many partitions as this one"
  })
