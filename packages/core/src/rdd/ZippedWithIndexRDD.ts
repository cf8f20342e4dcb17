/**
 * The RDD of `rdd.zipWithIndex()`: each record paired with its position in
 * the whole RDD, from the start index of its partition (counted by a job
 * before this RDD is built).
 *
 * Mirrors `org.apache.spark.rdd.ZippedWithIndexRDD`.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { MapIterator } from "../internal/rdd/iterators.js"
import { firstParent, parentLocations, parentSplit, type RDDOp } from "../internal/rdd/op.js"
import type { Partition } from "./Partition.js"
import type { RDD, RDDError } from "./RDD.js"

/**
 * A partition with the index of its first record.
 *
 * Mirrors `org.apache.spark.rdd.ZippedWithIndexRDDPartition`.
 *
 * **Example**
 * ```ts
 * const p: ZippedWithIndexRDD.ZippedWithIndexPartition = { index: 1, startIndex: 40 }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface ZippedWithIndexPartition extends Partition {
  readonly startIndex: number
}

/**
 * The start index of every partition, from the record counts of all but the last.
 *
 * Mirrors the `startIndices` scan of `ZippedWithIndexRDD`.
 *
 * **Example**
 * ```ts
 * ZippedWithIndexRDD.startIndices([3, 0, 2]) // [0, 3, 3, 5]
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const startIndices = (counts: ReadonlyArray<number>): Array<number> => {
  const starts = [0]
  for (const count of counts) starts.push(starts[starts.length - 1]! + count)
  return starts
}

/**
 * Counts the records of every partition but the last in a job and returns
 * each partition's start index, as `zipWithIndex` does before building its RDD.
 *
 * Mirrors the counting job in `ZippedWithIndexRDD`'s constructor.
 *
 * **Example**
 * ```ts
 * const starts = yield* ZippedWithIndexRDD.startIndicesOf(rdd)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const startIndicesOf = (rdd: RDD<unknown>): Effect.Effect<Array<number>, RDDError> =>
  Effect.gen(function*() {
    const counts = rdd.numPartitions <= 1 ? [] : yield* rdd.context.runJob(
      rdd,
      (it) => {
        let n = 0
        for (let r = it.next(); !r.done; r = it.next()) n++
        return n
      },
      Array.from({ length: rdd.numPartitions - 1 }, (_, i) => i)
    )
    return startIndices(counts)
  })

/**
 * The plan of a zip with index, given each partition's start index.
 *
 * Mirrors `new ZippedWithIndexRDD(this)`.
 *
 * **Example**
 * ```ts
 * const op = ZippedWithIndexRDD.zippedWithIndex([0, 3, 3])
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const zippedWithIndex = (startIndices: ReadonlyArray<number>): RDDOp => ({
  factory: "zippedWithIndex",
  args: [startIndices],
  kind: "ZippedWithIndexRDD",
  params: { startIndices },
  getPartitions: (rdd) =>
    firstParent(rdd).partitions.map((p): ZippedWithIndexPartition => ({ index: p.index, startIndex: startIndices[p.index]! })),
  preferredLocations: parentLocations,
  compute: (rdd, split, ctx) => {
    let i = (split as ZippedWithIndexPartition).startIndex
    return new MapIterator(firstParent(rdd).iterator(parentSplit(rdd, split), ctx), (x) => [x, i++])
  }
})
