// The plan of one RDD: its kind, its parameters (plain data and user
// functions) and how to compute it from its parents. An RDD is a node with an
// op and dependencies, so a stage's lineage is data that an executor can
// rebuild with the engine's own code, shipping only user functions. Each RDD
// kind lives in its own module under rdd/ (named as in Spark); ops.ts is the
// registry of their factories.
import type { Dependency } from "../../rdd/Dependency.js"
import type { Partition } from "../../rdd/Partition.js"
import type { Partitioner } from "../../rdd/Partitioner.js"
import type { TaskContext } from "../../scheduler/TaskContext.js"

/** What an op sees of the RDD it computes. */
export interface OpRDD {
  readonly id: number
  readonly dependencies: ReadonlyArray<Dependency<OpRDD>>
  readonly partitions: ReadonlyArray<Partition>
  readonly partitioner: Partitioner | undefined
  iterator(split: Partition, ctx: TaskContext): Iterator<unknown>
  preferredLocations(split: Partition): ReadonlyArray<string>
}

export interface RDDOp {
  /** The RDD kind, as Spark names its RDD classes (`MapPartitionsRDD`, `ShuffledRDD`, ...). */
  readonly kind: string
  /** Plain data and user functions, for display. */
  readonly params: Readonly<Record<string, unknown>>
  /** The factory in `ops.factories` that made this op, and its arguments: what a plan of this RDD carries. */
  readonly factory: string
  readonly args: ReadonlyArray<unknown>
  readonly getPartitions: (rdd: OpRDD) => ReadonlyArray<Partition>
  readonly compute: (rdd: OpRDD, split: Partition, ctx: TaskContext) => Iterator<unknown>
  readonly partitioner?: (rdd: OpRDD) => Partitioner | undefined
  readonly preferredLocations?: (rdd: OpRDD, split: Partition) => ReadonlyArray<string>
  /**
   * Asynchronous input to fetch before a task computing `split` starts (a
   * direct stream's source read through an asynchronous client): the task
   * runner awaits it, then `compute` takes what it stored, synchronously, as
   * a task reads the remote blocks fetched for it. `undefined`: nothing to wait for.
   */
  readonly prefetch?: (rdd: OpRDD, split: Partition) => PromiseLike<void> | undefined
}

export const firstParent = (rdd: OpRDD): OpRDD => rdd.dependencies[0]!.rdd

export const sameAsParent = (rdd: OpRDD): ReadonlyArray<Partition> => firstParent(rdd).partitions

export const parentPartitioner = (rdd: OpRDD): Partitioner | undefined => firstParent(rdd).partitioner

// An op whose partitions are its own objects (carrying a seed, a start index...)
// must hand its parent the parent's partition of the same index, not its own.
export const parentSplit = (rdd: OpRDD, split: Partition, parent = 0): Partition => rdd.dependencies[parent]!.rdd.partitions[split.index]!

export const parentLocations = (rdd: OpRDD, split: Partition): ReadonlyArray<string> =>
  firstParent(rdd).preferredLocations(parentSplit(rdd, split))

export const indexed = (count: number): Array<Partition> => Array.from({ length: count }, (_, index) => ({ index }))
