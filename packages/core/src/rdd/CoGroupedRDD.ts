/**
 * The RDD of `cogroup` (and so of the joins): groups the values of every
 * parent by key, `[key, [values of parent 0, values of parent 1, ...]]`.
 * Parents already partitioned like the result are read narrowly; the others
 * through a shuffle.
 *
 * Mirrors `org.apache.spark.rdd.CoGroupedRDD`.
 *
 * @since 0.1.0
 */
import { ArrayIterator } from "../internal/rdd/iterators.js"
import { readPairs } from "../internal/rdd/keyedInputs.js"
import { indexed, type RDDOp } from "../internal/rdd/op.js"
import { KeyMap } from "../util/KeyMap.js"
import type { Dependency, ParentRDD } from "./Dependency.js"
import { type Partitioner, samePartitioner } from "./Partitioner.js"

/**
 * One dependency per parent: one-to-one when the parent is already
 * partitioned by `partitioner`, otherwise a new shuffle (ids from `newShuffleId`).
 *
 * Mirrors `CoGroupedRDD.getDependencies`.
 *
 * **Example**
 * ```ts
 * const deps = CoGroupedRDD.dependencies([left, right], new HashPartitioner(4), sc.newShuffleId)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const dependencies = <R extends ParentRDD & { readonly partitioner: Partitioner | undefined }>(
  rdds: ReadonlyArray<R>,
  partitioner: Partitioner,
  newShuffleId: () => number
): Array<Dependency<R>> =>
  rdds.map((rdd): Dependency<R> =>
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

/**
 * The plan of a cogroup into `partitioner`'s partitions.
 *
 * Mirrors `new CoGroupedRDD[K](rdds, partitioner)`.
 *
 * **Example**
 * ```ts
 * const op = CoGroupedRDD.coGrouped(new HashPartitioner(4))
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const coGrouped = (partitioner: Partitioner): RDDOp => ({
  factory: "coGrouped",
  args: [partitioner],
  kind: "CoGroupedRDD",
  params: { partitioner },
  getPartitions: () => indexed(partitioner.numPartitions),
  partitioner: () => partitioner,
  compute: (rdd, split, ctx) => {
    const width = rdd.dependencies.length
    const groups = new KeyMap<unknown, Array<Array<unknown>>>()
    const add = (parent: number, key: unknown, value: unknown) => {
      let group = groups.get(key)
      if (group === undefined) {
        group = Array.from({ length: width }, () => [])
        groups.set(key, group)
      }
      group[parent]!.push(value)
    }
    for (let parent = 0; parent < width; parent++) readPairs(rdd, parent, split, ctx, (key, value) => add(parent, key, value))
    const out: Array<[unknown, Array<Array<unknown>>]> = []
    groups.forEach((group, key) => out.push([key, group]))
    return new ArrayIterator(out)
  }
})
