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
import { indexed, type OpRDD, type RDDOp } from "../internal/rdd/op.js"
import type { TaskContext } from "../scheduler/TaskContext.js"
import * as ShuffleManager from "../shuffle/ShuffleManager.js"
import { KeyMap } from "../util/KeyMap.js"
import type { Dependency, ParentRDD } from "./Dependency.js"
import type { Partition } from "./Partition.js"
import { type Partitioner, samePartitioner } from "./Partitioner.js"

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
): Array<Dependency<R>> =>
  [rdd1, rdd2].map((rdd): Dependency<R> =>
    samePartitioner(partitioner, rdd.partitioner)
      ? { _tag: "OneToOne", rdd }
      : {
        _tag: "Shuffle",
        rdd,
        shuffleId: newShuffleId(),
        partitioner,
        aggregator: undefined,
        mapSideCombine: false,
        keyOrdering: undefined
      }
  )

/** Reads the key-value records of dependency `d` for partition `split`, narrowly or from the shuffle. */
const readPairs = (rdd: OpRDD, d: number, split: Partition, ctx: TaskContext, f: (key: unknown, value: unknown) => void): void => {
  const dep = rdd.dependencies[d]!
  if (dep._tag === "Shuffle") {
    for (const [key, value] of ShuffleManager.read(dep, split.index, ctx)) f(key, value)
    return
  }
  const it = dep.rdd.iterator(dep.rdd.partitions[split.index]!, ctx) as Iterator<readonly [unknown, unknown]>
  for (let r = it.next(); !r.done; r = it.next()) f(r.value[0], r.value[1])
}

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
