/**
 * The RDD of `sc.range`: the numbers `start, start + step, ...` below `end`,
 * computed in each partition without materializing them on the driver.
 *
 * Spark's `SparkContext.range` builds this from a one-element-per-slice
 * `parallelize` and a `mapPartitionsWithIndex`; here it is one RDD kind, so
 * `toDebugString` shows `RangeRDD` (the name of Spark SQL's equivalent
 * `RangeExec` node would mislead in core).
 *
 * Mirrors `org.apache.spark.SparkContext.range`.
 *
 * @since 0.1.0
 */
import { indexed, type RDDOp } from "../internal/rdd/op.js"
import type { Partition } from "./Partition.js"

/**
 * A partition owning `count` numbers from `start`.
 *
 * Mirrors the per-partition bounds computed by `SparkContext.range`.
 *
 * **Example**
 * ```ts
 * const p: RangeRDD.RangePartition = { index: 1, start: 50, count: 50 }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface RangePartition extends Partition {
  readonly start: number
  readonly count: number
}

/**
 * The plan of a range: `numSlices` partitions of about equal size.
 *
 * Mirrors `SparkContext.range(start, end, step, numSlices)`.
 *
 * **Example**
 * ```ts
 * const op = RangeRDD.range(0, 100, 1, 4)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const range = (start: number, end: number, step: number, numSlices: number): RDDOp => ({
  factory: "range",
  args: [start, end, step, numSlices],
  kind: "RangeRDD",
  params: { start, end, step, numSlices },
  getPartitions: () => {
    const total = Math.max(0, Math.ceil((end - start) / step))
    return indexed(numSlices).map(({ index }): RangePartition => {
      const from = Math.floor((index * total) / numSlices)
      const to = Math.floor(((index + 1) * total) / numSlices)
      return { index, start: start + from * step, count: to - from }
    })
  },
  compute: (_rdd, split) => {
    const { count, start: first } = split as RangePartition
    let i = 0
    return {
      next: () => (i < count ? { done: false, value: first + step * i++ } : { done: true, value: undefined })
    }
  }
})
