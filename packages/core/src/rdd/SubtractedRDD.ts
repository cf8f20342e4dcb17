/**
 * The RDD of `subtractByKey` (and so of `subtract`): the records of the first
 * parent whose key the second parent does not have. A parent already
 * partitioned like the result is read narrowly (no shuffle of that side);
 * the other through a shuffle. Only the first parent's values are kept in
 * memory, per partition, as Spark's.
 *
 * Mirrors `org.apache.spark.rdd.SubtractedRDD`.
 *
 * @since 0.1.0
 */
import { ArrayIterator } from "../internal/rdd/iterators.js"
import { readPairs } from "../internal/rdd/keyedInputs.js"
import { indexed, type RDDOp } from "../internal/rdd/op.js"
import { KeyMap } from "../util/KeyMap.js"
import * as CoGroupedRDD from "./CoGroupedRDD.js"
import type { Dependency, ParentRDD } from "./Dependency.js"
import type { Partitioner } from "./Partitioner.js"

/**
 * The two dependencies: one-to-one on a parent already partitioned by
 * `partitioner`, otherwise a new shuffle (ids from `newShuffleId`).
 *
 * Mirrors `SubtractedRDD.getDependencies`.
 *
 * **Example**
 * ```ts
 * const deps = SubtractedRDD.dependencies(left, right, new HashPartitioner(4), sc.newShuffleId)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const dependencies = <R extends ParentRDD & { readonly partitioner: Partitioner | undefined }>(
  rdd1: R,
  rdd2: R,
  partitioner: Partitioner,
  newShuffleId: () => number
): Array<Dependency<R>> => CoGroupedRDD.dependencies([rdd1, rdd2], partitioner, newShuffleId)

/**
 * The plan of a subtraction by key into `partitioner`'s partitions.
 *
 * Mirrors `new SubtractedRDD[K, V, W](rdd1, rdd2, partitioner)`.
 *
 * **Example**
 * ```ts
 * const op = SubtractedRDD.subtracted(new HashPartitioner(4))
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const subtracted = (partitioner: Partitioner): RDDOp => ({
  factory: "subtracted",
  args: [partitioner],
  kind: "SubtractedRDD",
  params: { partitioner },
  getPartitions: () => indexed(partitioner.numPartitions),
  partitioner: () => partitioner,
  compute: (rdd, split, ctx) => {
    const kept = new KeyMap<unknown, Array<unknown>>()
    readPairs(rdd, 0, split, ctx, (key, value) => {
      const values = kept.get(key)
      if (values === undefined) kept.set(key, [value])
      else values.push(value)
    })
    readPairs(rdd, 1, split, ctx, (key) => kept.delete(key))
    const out: Array<[unknown, unknown]> = []
    kept.forEach((values, key) => {
      for (const value of values) out.push([key, value])
    })
    return new ArrayIterator(out)
  }
})
