/**
 * The RDD of `rdd.coalesce(n)` without a shuffle: each partition reads a
 * contiguous run of parent partitions (a narrow dependency).
 *
 * Mirrors `org.apache.spark.rdd.CoalescedRDD`.
 *
 * @since 0.1.0
 */
import { concatIterators } from "../internal/rdd/iterators.js"
import { firstParent, type RDDOp } from "../internal/rdd/op.js"
import type { NarrowDependency, ParentRDD } from "./Dependency.js"
import type { Partition } from "./Partition.js"

/**
 * A partition made of several parent partitions.
 *
 * Mirrors `org.apache.spark.rdd.CoalescedRDDPartition`.
 *
 * **Example**
 * ```ts
 * const p: CoalescedRDD.CoalescedPartition = { index: 0, parents: [{ index: 0 }, { index: 1 }] }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface CoalescedPartition extends Partition {
  readonly parents: ReadonlyArray<Partition>
}

/**
 * Groups parent partitions into `n` contiguous runs.
 *
 * Mirrors `DefaultPartitionCoalescer` without locality (tspark groups neighbours).
 *
 * **Example**
 * ```ts
 * CoalescedRDD.coalesceGroups(5, 2) // [[0, 1], [2, 3, 4]]
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const coalesceGroups = (parentCount: number, n: number): Array<Array<number>> => {
  const count = Math.min(n, parentCount)
  return Array.from({ length: count }, (_, i) => {
    const from = Math.floor((i * parentCount) / count)
    const to = Math.floor(((i + 1) * parentCount) / count)
    return Array.from({ length: to - from }, (_, j) => from + j)
  })
}

/**
 * The narrow dependency of a coalesce: child partition `i` reads `groups[i]`.
 *
 * Mirrors `CoalescedRDD.getDependencies`.
 *
 * **Example**
 * ```ts
 * const dep = CoalescedRDD.dependency(parent, CoalescedRDD.coalesceGroups(parent.numPartitions, 2))
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const dependency = <R extends ParentRDD>(
  rdd: R,
  groups: ReadonlyArray<ReadonlyArray<number>>
): NarrowDependency<R> => ({ _tag: "Narrow", rdd, spec: { _tag: "Groups", groups } })

/**
 * The plan of a coalesce into the given groups of parent partitions.
 *
 * Mirrors `new CoalescedRDD(this, numPartitions)`.
 *
 * **Example**
 * ```ts
 * const op = CoalescedRDD.coalesced([[0, 1], [2, 3]])
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const coalesced = (groups: ReadonlyArray<ReadonlyArray<number>>): RDDOp => ({
  factory: "coalesced",
  args: [groups],
  kind: "CoalescedRDD",
  params: { groups },
  getPartitions: (rdd) => {
    const parentPartitions = firstParent(rdd).partitions
    return groups.map((group, index): CoalescedPartition => ({ index, parents: group.map((p) => parentPartitions[p]!) }))
  },
  preferredLocations: (rdd, split) => {
    const counts = new Map<string, number>()
    for (const p of (split as CoalescedPartition).parents) {
      for (const host of firstParent(rdd).preferredLocations(p)) counts.set(host, (counts.get(host) ?? 0) + 1)
    }
    return [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([host]) => host)
  },
  compute: (rdd, split, ctx) => {
    const parent = firstParent(rdd)
    const parents = (split as CoalescedPartition).parents
    return concatIterators(parents.length, (i) => parent.iterator(parents[i]!, ctx))
  }
})
