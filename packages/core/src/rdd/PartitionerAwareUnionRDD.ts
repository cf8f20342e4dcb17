/**
 * The RDD of a union of RDDs that share one partitioner: partition `i` reads
 * partition `i` of every parent (one-to-one dependencies), so the result keeps
 * the partitioner and has as many partitions as it, where a `UnionRDD` would
 * put the parents' partitions one after the other and lose it.
 * `SparkContext.union` and `RDD.union` choose it when every (non-empty)
 * input has the same partitioner.
 *
 * Mirrors `org.apache.spark.rdd.PartitionerAwareUnionRDD`.
 *
 * @since 0.1.0
 */
import { concatIterators } from "../internal/rdd/iterators.js"
import { indexed, type RDDOp } from "../internal/rdd/op.js"
import type { OneToOneDependency, ParentRDD } from "./Dependency.js"
import type { Partition } from "./Partition.js"
import type { Partitioner } from "./Partitioner.js"

/**
 * A partition of the union: the partitions of the same index of every parent.
 *
 * Mirrors `org.apache.spark.rdd.PartitionerAwareUnionRDDPartition`.
 *
 * **Example**
 * ```ts
 * const p: PartitionerAwareUnionRDD.PartitionerAwareUnionPartition = { index: 1, parents: [{ index: 1 }, { index: 1 }] }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface PartitionerAwareUnionPartition extends Partition {
  readonly parents: ReadonlyArray<Partition>
}

/**
 * The dependencies of the union: one-to-one on every parent.
 *
 * Mirrors `rdds.map(x => new OneToOneDependency(x))`.
 *
 * **Example**
 * ```ts
 * const deps = PartitionerAwareUnionRDD.dependencies([left, right])
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const dependencies = <R extends ParentRDD>(rdds: ReadonlyArray<R>): Array<OneToOneDependency<R>> =>
  rdds.map((rdd) => ({ _tag: "OneToOne", rdd }))

/**
 * The plan of a union of parents partitioned by `partitioner`.
 *
 * Mirrors `new PartitionerAwareUnionRDD(sc, rdds)`.
 *
 * **Example**
 * ```ts
 * const op = PartitionerAwareUnionRDD.partitionerAwareUnion(new HashPartitioner(4))
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const partitionerAwareUnion = (partitioner: Partitioner): RDDOp => ({
  factory: "partitionerAwareUnion",
  args: [partitioner],
  kind: "PartitionerAwareUnionRDD",
  params: { partitioner },
  getPartitions: (rdd) =>
    indexed(partitioner.numPartitions).map((p): PartitionerAwareUnionPartition => ({
      index: p.index,
      parents: rdd.dependencies.map((dep) => dep.rdd.partitions[p.index]!)
    })),
  partitioner: () => partitioner,
  // The host most of the parents' partitions prefer (the parents' own preferences; Spark asks the DAGScheduler, which also knows cached blocks).
  preferredLocations: (rdd, split) => {
    const counts = new Map<string, number>()
    const parents = (split as PartitionerAwareUnionPartition).parents
    rdd.dependencies.forEach((dep, i) => {
      for (const host of dep.rdd.preferredLocations(parents[i]!)) counts.set(host, (counts.get(host) ?? 0) + 1)
    })
    let best: string | undefined
    let bestCount = 0
    for (const [host, count] of counts) {
      if (count > bestCount) {
        best = host
        bestCount = count
      }
    }
    return best === undefined ? [] : [best]
  },
  compute: (rdd, split, ctx) => {
    const parents = (split as PartitionerAwareUnionPartition).parents
    const deps = rdd.dependencies
    return concatIterators(deps.length, (i) => deps[i]!.rdd.iterator(parents[i]!, ctx))
  }
})
