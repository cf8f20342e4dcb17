/**
 * The RDD of `rdd.union(...)` and `sc.union`: the partitions of every parent,
 * one after the other, each read through a range dependency (no shuffle).
 *
 * Mirrors `org.apache.spark.rdd.UnionRDD`.
 *
 * @since 0.1.0
 */
import type { RDDOp } from "../internal/rdd/op.js"
import type { ParentRDD, RangeDependency } from "./Dependency.js"
import type { Partition } from "./Partition.js"

/**
 * A partition that is partition `parentSplit` of parent `parentIndex`.
 *
 * Mirrors `org.apache.spark.rdd.UnionPartition`.
 *
 * **Example**
 * ```ts
 * const p: UnionRDD.UnionPartition = { index: 3, parentIndex: 1, parentSplit: { index: 0 } }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface UnionPartition extends Partition {
  readonly parentIndex: number
  readonly parentSplit: Partition
}

/**
 * The range dependencies of a union: parent `i`'s partitions follow those of
 * the parents before it.
 *
 * Mirrors `UnionRDD.getDependencies`.
 *
 * **Example**
 * ```ts
 * const deps = UnionRDD.dependencies([left, right])
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const dependencies = <R extends ParentRDD & { readonly numPartitions: number }>(
  rdds: ReadonlyArray<R>
): Array<RangeDependency<R>> => {
  let outStart = 0
  return rdds.map((rdd) => {
    const dep = { _tag: "Range" as const, rdd, inStart: 0, outStart, length: rdd.numPartitions }
    outStart += rdd.numPartitions
    return dep
  })
}

/**
 * The plan of a union.
 *
 * Mirrors `new UnionRDD(sc, rdds)`.
 *
 * **Example**
 * ```ts
 * const op = UnionRDD.union
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const union: RDDOp = {
  factory: "union",
  args: [],
  kind: "UnionRDD",
  params: {},
  getPartitions: (rdd) => {
    const out: Array<UnionPartition> = []
    rdd.dependencies.forEach((dep, parentIndex) => {
      for (const parentSplit of dep.rdd.partitions) out.push({ index: out.length, parentIndex, parentSplit })
    })
    return out
  },
  preferredLocations: (rdd, split) => {
    const { parentIndex, parentSplit } = split as UnionPartition
    return rdd.dependencies[parentIndex]!.rdd.preferredLocations(parentSplit)
  },
  compute: (rdd, split, ctx) => {
    const { parentIndex, parentSplit } = split as UnionPartition
    return rdd.dependencies[parentIndex]!.rdd.iterator(parentSplit, ctx)
  }
}
