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
import { InvalidArgumentError } from "../SparkError.js"
import type { Partition } from "./Partition.js"
import { RDD, type RDDContext } from "./RDD.js"

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

/**
 * The numbers `start, start + step, ...` below `end` (above, for a negative
 * step) in `numSlices` partitions. A zero or non-finite step, or an invalid
 * `numSlices`, does not throw: the RDD's first action fails with
 * `InvalidArgumentError`.
 *
 * Mirrors `SparkContext.range`.
 *
 * **Example**
 * ```ts
 * const evens = RangeRDD.make(sc, 0, 100, 2, 4)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (context: RDDContext, start: number, end: number, step: number, numSlices: number): RDD<number> => {
  const error = step === 0 || !Number.isFinite(step)
    ? new InvalidArgumentError({ method: "range", message: `step must be a non-zero number, got ${step}` })
    : !(Number.isInteger(numSlices) && numSlices > 0)
    ? new InvalidArgumentError({ method: "range", message: `numSlices must be a positive integer, got ${numSlices}` })
    : undefined
  return new RDD<number>(context, range(start, end, error ? 1 : step, error ? 1 : numSlices), [], error)
}
