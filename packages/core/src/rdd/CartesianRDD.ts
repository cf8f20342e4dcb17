/**
 * The RDD of `rdd.cartesian(other)`: one partition per pair of parent
 * partitions, holding every pair of their records.
 *
 * Mirrors `org.apache.spark.rdd.CartesianRDD`.
 *
 * @since 0.1.0
 */
import { FlatMapIterator } from "../internal/rdd/iterators.js"
import type { RDDOp } from "../internal/rdd/op.js"
import type { NarrowDependency, ParentRDD } from "./Dependency.js"
import type { Partition } from "./Partition.js"

/**
 * A partition that pairs partition `left` of the first parent with `right` of the second.
 *
 * Mirrors `org.apache.spark.rdd.CartesianPartition`.
 *
 * **Example**
 * ```ts
 * const p: CartesianRDD.CartesianPartition = { index: 5, left: { index: 1 }, right: { index: 2 } }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface CartesianPartition extends Partition {
  readonly left: Partition
  readonly right: Partition
}

/**
 * The two narrow dependencies of a cartesian product: child partition `i`
 * reads left partition `i / rightPartitions` and right partition `i % rightPartitions`.
 *
 * Mirrors `CartesianRDD.getDependencies`.
 *
 * **Example**
 * ```ts
 * const deps = CartesianRDD.dependencies(left, right, right.numPartitions)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const dependencies = <R extends ParentRDD>(
  left: R,
  right: R,
  rightPartitions: number
): [NarrowDependency<R>, NarrowDependency<R>] => [
  { _tag: "Narrow", rdd: left, spec: { _tag: "CartesianLeft", rightPartitions } },
  { _tag: "Narrow", rdd: right, spec: { _tag: "CartesianRight", rightPartitions } }
]

/**
 * The plan of a cartesian product.
 *
 * Mirrors `new CartesianRDD(sc, rdd1, rdd2)`.
 *
 * **Example**
 * ```ts
 * const op = CartesianRDD.cartesian
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const cartesian: RDDOp = {
  factory: "cartesian",
  args: [],
  kind: "CartesianRDD",
  params: {},
  getPartitions: (rdd) => {
    const [left, right] = rdd.dependencies.map((d) => d.rdd.partitions) as [ReadonlyArray<Partition>, ReadonlyArray<Partition>]
    const out: Array<CartesianPartition> = []
    for (const l of left) for (const r of right) out.push({ index: out.length, left: l, right: r })
    return out
  },
  preferredLocations: (rdd, split) => {
    const { left, right } = split as CartesianPartition
    return [...new Set([...rdd.dependencies[0]!.rdd.preferredLocations(left), ...rdd.dependencies[1]!.rdd.preferredLocations(right)])]
  },
  compute: (rdd, split, ctx) => {
    const { left, right } = split as CartesianPartition
    const rights: Array<unknown> = []
    const rightIt = rdd.dependencies[1]!.rdd.iterator(right, ctx)
    for (let r = rightIt.next(); !r.done; r = rightIt.next()) rights.push(r.value)
    return new FlatMapIterator(rdd.dependencies[0]!.rdd.iterator(left, ctx), (x) => rights.map((y) => [x, y]))
  }
}
