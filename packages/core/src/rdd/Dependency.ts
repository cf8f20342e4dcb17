/**
 * How an RDD depends on its parents: narrow dependencies (each child partition
 * reads a known few parent partitions, pipelined in one stage) and shuffle
 * dependencies (each child partition reads every parent partition; a stage
 * boundary).
 *
 * Mirrors `org.apache.spark.Dependency`, `OneToOneDependency`, `RangeDependency`,
 * `NarrowDependency` and `ShuffleDependency`.
 *
 * @since 0.1.0
 */
import type { Aggregator } from "../shuffle/Aggregator.js"
import type { Ordering } from "../util/Ordering.js"
import type { Partitioner } from "./Partitioner.js"

/**
 * The parent side of a dependency, as the scheduler sees it.
 *
 * @category models
 * @since 0.1.0
 */
export interface ParentRDD {
  readonly id: number
}

/**
 * Child partition `i` reads parent partition `i`.
 *
 * @category models
 * @since 0.1.0
 */
export interface OneToOneDependency<R extends ParentRDD = ParentRDD> {
  readonly _tag: "OneToOne"
  readonly rdd: R
}

/**
 * Child partitions `[outStart, outStart + length)` read parent partitions
 * `[inStart, inStart + length)` (a union).
 *
 * @category models
 * @since 0.1.0
 */
export interface RangeDependency<R extends ParentRDD = ParentRDD> {
  readonly _tag: "Range"
  readonly rdd: R
  readonly inStart: number
  readonly outStart: number
  readonly length: number
}

/**
 * How a narrow dependency maps a child partition to parent partitions, as
 * data (so that it ships with a task plan): a list of parent partitions per
 * child (coalesce), or one side of a cartesian product.
 *
 * @category models
 * @since 0.1.0
 */
export type NarrowSpec =
  | { readonly _tag: "Groups"; readonly groups: ReadonlyArray<ReadonlyArray<number>> }
  | { readonly _tag: "CartesianLeft"; readonly rightPartitions: number }
  | { readonly _tag: "CartesianRight"; readonly rightPartitions: number }

/**
 * A narrow dependency with its own parent mapping (coalesce, cartesian).
 *
 * @category models
 * @since 0.1.0
 */
export interface NarrowDependency<R extends ParentRDD = ParentRDD> {
  readonly _tag: "Narrow"
  readonly rdd: R
  readonly spec: NarrowSpec
}

/**
 * Every child partition reads a slice of every parent partition's output.
 *
 * @category models
 * @since 0.1.0
 */
export interface ShuffleDependency<R extends ParentRDD = ParentRDD> {
  readonly _tag: "Shuffle"
  readonly rdd: R
  readonly shuffleId: number
  readonly partitioner: Partitioner
  readonly aggregator: Aggregator<unknown, unknown, unknown> | undefined
  readonly mapSideCombine: boolean
  readonly keyOrdering: Ordering<unknown> | undefined
}

/**
 * Any dependency.
 *
 * @category models
 * @since 0.1.0
 */
export type Dependency<R extends ParentRDD = ParentRDD> =
  | OneToOneDependency<R>
  | RangeDependency<R>
  | NarrowDependency<R>
  | ShuffleDependency<R>

/**
 * The parent partitions a child partition reads through a narrow dependency.
 *
 * **Example**
 * ```ts
 * getParents({ _tag: "Range", rdd, inStart: 0, outStart: 2, length: 3 }, 3) // [1]
 * ```
 *
 * @category getters
 * @since 0.1.0
 */
export const getParents = (
  dep: OneToOneDependency | RangeDependency | NarrowDependency,
  partitionId: number
): ReadonlyArray<number> => {
  switch (dep._tag) {
    case "OneToOne":
      return [partitionId]
    case "Range":
      return partitionId >= dep.outStart && partitionId < dep.outStart + dep.length
        ? [partitionId - dep.outStart + dep.inStart]
        : []
    case "Narrow":
      switch (dep.spec._tag) {
        case "Groups":
          return dep.spec.groups[partitionId] ?? []
        case "CartesianLeft":
          return [Math.floor(partitionId / dep.spec.rightPartitions)]
        case "CartesianRight":
          return [partitionId % dep.spec.rightPartitions]
      }
  }
}

/**
 * Whether a dependency is a shuffle (a stage boundary).
 *
 * @category guards
 * @since 0.1.0
 */
export const isShuffle = <R extends ParentRDD>(dep: Dependency<R>): dep is ShuffleDependency<R> => dep._tag === "Shuffle"
