/**
 * The resilient distributed dataset: an immutable, partitioned collection that
 * knows its lineage (the parents and the operation it was built from), so any
 * lost partition can be recomputed.
 *
 * Mirrors `org.apache.spark.rdd.RDD`. The key-value operations' bodies live in
 * `PairRDDFunctions` and `OrderedRDDFunctions`, each RDD kind in its own module
 * (`MapPartitionsRDD`, `ShuffledRDD`, ...); `RDD` keeps thin methods so chains read as in Spark.
 * The class is built in layers, one module each: lineage and persistence
 * (`internal/rdd/rddBase.ts`), actions (`rddActions.ts`), key-value methods
 * (`rddPairMethods.ts`), and the transformations here.
 *
 * Building RDDs is pure and cheap; actions (`collect`, `count`, ...) return
 * Effects that run a job on the context's scheduler.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import type { TaskNotSerializableError } from "../Closure.js"
import type { SparkConf } from "../SparkConf.js"
import { withEnv } from "../internal/closure/shipping.js"
import type { RDDOp } from "../internal/rdd/op.js"
import { RDDPairMethods } from "../internal/rdd/rddPairMethods.js"
import { positive } from "../internal/rdd/validation.js"
import { compareKeys, type Ordering } from "../util/Ordering.js"
import type { TaskContext } from "../scheduler/TaskContext.js"
import {
  type ActionError,
  type CheckpointError,
  type InvalidArgumentError,
  type PartitionerMismatchError,
  type StorageLevelChangeError
} from "../SparkError.js"
import * as CartesianRDD from "./CartesianRDD.js"
import * as CoalescedRDD from "./CoalescedRDD.js"
import * as MapPartitionsRDD from "./MapPartitionsRDD.js"
import { type PartitionSpec, shuffle } from "./PairRDDFunctions.js"
import { HashPartitioner, type Partitioner, samePartitioner } from "./Partitioner.js"
import * as PartitionerAwareUnionRDD from "./PartitionerAwareUnionRDD.js"
import * as PartitionwiseSampledRDD from "./PartitionwiseSampledRDD.js"
import * as UnionRDD from "./UnionRDD.js"
import * as ZippedPartitionsRDD from "./ZippedPartitionsRDD.js"
import * as ZippedWithIndexRDD from "./ZippedWithIndexRDD.js"

/**
 * What an RDD needs of its `SparkContext`: ids, the default parallelism, a way
 * to run jobs, and the checkpoint directory.
 *
 * @category models
 * @since 0.1.0
 */
export interface RDDContext {
  readonly newRddId: () => number
  readonly newShuffleId: () => number
  readonly defaultParallelism: number
  /** The configuration, where there is one: `spark.default.parallelism` decides default partitioners. */
  readonly conf?: SparkConf
  readonly checkpointDir: string | undefined
  readonly runJob: <T, U>(
    rdd: RDD<T>,
    func: (iterator: Iterator<T>, ctx: TaskContext) => U,
    partitions?: ReadonlyArray<number>
  ) => Effect.Effect<Array<U>, RDDError>
  readonly persistRdd: (rdd: RDD<unknown>) => void
  readonly unpersistRdd: (rddId: number) => void
  /** Removes a shuffle's outputs once the RDD that reads it is garbage collected (Spark's ContextCleaner). */
  readonly cleanShuffleWith: (owner: RDD<unknown>, shuffleId: number) => void
  /** Deletes RDD `rddId`'s checkpoint `directory` once `owner` (its checkpoint RDD) is collected, if so configured. */
  readonly cleanCheckpointWith: (owner: RDD<unknown>, rddId: number, directory: string) => void
}

/**
 * Any error an RDD action can fail with.
 *
 * @category errors
 * @since 0.1.0
 */
export type RDDError =
  | ActionError
  | InvalidArgumentError
  | StorageLevelChangeError
  | PartitionerMismatchError
  | CheckpointError
  | TaskNotSerializableError

// The key-value types live with the key-value operations; re-exported here, where they always were.
export type { Pair, PartitionSpec, Widen } from "./PairRDDFunctions.js"

/**
 * An RDD of `T`.
 *
 * **Example**
 * ```ts
 * const counts = sc.textFile("words.txt")
 *   .flatMap((line) => line.split(" "))
 *   .map((word) => [word, 1] as const)
 *   .reduceByKey((a, b) => a + b)
 * const top = yield* counts.top(10, (a, b) => a[1] - b[1])
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export class RDD<T> extends RDDPairMethods<T> {
  protected fromOp(op: RDDOp): RDD<unknown> {
    return new RDD<unknown>(this.context, op, [])
  }

  // ------------------------------------------------------------ transformations

  private derive<U>(op: RDDOp, error?: InvalidArgumentError | PartitionerMismatchError): RDD<U> {
    return new RDD<U>(this.context, op, [{ _tag: "OneToOne", rdd: this as RDD<unknown> }], error)
  }

  /** Applies `f` to every element. */
  map<U>(f: (value: T) => U): RDD<U> {
    return this.derive(MapPartitionsRDD.map(f as (a: unknown) => unknown))
  }

  /** Applies `f` to every element and flattens the results. */
  flatMap<U>(f: (value: T) => Iterable<U>): RDD<U> {
    return this.derive(MapPartitionsRDD.flatMap(f as (a: unknown) => Iterable<unknown>))
  }

  /** Keeps the elements that satisfy `f`. */
  filter(f: (value: T) => boolean): RDD<T> {
    return this.derive(MapPartitionsRDD.filter(f as (a: unknown) => boolean))
  }

  /** Applies `f` to each partition's iterator. */
  mapPartitions<U>(f: (iterator: IterableIterator<T>) => Iterable<U> | Iterator<U>, preservesPartitioning = false): RDD<U> {
    return this.derive(MapPartitionsRDD.mapPartitions(f as MapPartitionsRDD.PartitionFunction, preservesPartitioning))
  }

  /** Applies `f` to each partition's index and iterator. */
  mapPartitionsWithIndex<U>(
    f: (index: number, iterator: IterableIterator<T>) => Iterable<U> | Iterator<U>,
    preservesPartitioning = false
  ): RDD<U> {
    const byIndex = withEnv({ f }, ({ f }) => (it: IterableIterator<unknown>, index: number) => f(index, it as IterableIterator<T>))
    return this.derive(MapPartitionsRDD.mapPartitions(byIndex, preservesPartitioning))
  }

  /** Turns each partition into one array. */
  glom(): RDD<Array<T>> {
    return this.derive(MapPartitionsRDD.mapPartitions((it) => [Array.from(it)], false))
  }

  /** Pairs every element with `f(element)` as its key. */
  keyBy<K>(f: (value: T) => K): RDD<[K, T]> {
    return this.map(withEnv({ f }, ({ f }) => (x: T): [K, T] => [f(x), x]))
  }

  /** The distinct elements (compared structurally). */
  distinct(numPartitions?: number): RDD<T> {
    return this.map((x) => [x, null] as const).reduceByKey((a) => a, numPartitions).keys() as RDD<T>
  }

  /**
   * The elements of this RDD and the others (duplicates kept), as Spark's
   * `RDD.union` (which is `SparkContext.union`): partition-wise, keeping the
   * partitioner, when every non-empty input has the same partitioner; else
   * the inputs' partitions one after the other.
   */
  union(...others: ReadonlyArray<RDD<T>>): RDD<T> {
    return unionOf(this.context, [this, ...others])
  }

  /** The elements present in both RDDs, without duplicates. */
  intersection(other: RDD<T>, numPartitions?: number): RDD<T> {
    const left = this.map((x) => [x, null] as const)
    const right = other.map((x) => [x, null] as const)
    return left.cogroup(right, numPartitions)
      .filter(([, [a, b]]) => a.length > 0 && b.length > 0)
      .keys() as RDD<T>
  }

  /**
   * The elements of this RDD that are not in `other` (duplicates of kept
   * elements stay), partitioned by `partitions`, else like this RDD (its
   * partitioner, or hash partitioning into as many partitions), as Spark's.
   */
  subtract(other: RDD<T>, partitions?: PartitionSpec): RDD<T> {
    const left = this.map((x) => [x, null] as const)
    const right = other.map((x) => [x, null] as const)
    // An invalid count fails as subtractByKey's numPartitions.
    if (typeof partitions === "number" && positive("subtract", "numPartitions", partitions) !== undefined) {
      return left.subtractByKey(right, partitions).keys() as RDD<T>
    }
    const p: Partitioner = partitions === undefined
      ? this.partitioner ?? new HashPartitioner(this.numPartitions)
      : typeof partitions === "number"
      ? new HashPartitioner(partitions)
      : partitions
    // Already partitioned by p (so the elements are pairs): place each element by its own key, as Spark's.
    const byElementKey: Partitioner = samePartitioner(p, this.partitioner)
      ? { numPartitions: p.numPartitions, getPartition: withEnv({ p }, ({ p }) => (x: unknown) => p.getPartition((x as [unknown])[0])) }
      : p
    return left.subtractByKey(right, byElementKey).keys() as RDD<T>
  }

  /** Every pair of an element of this RDD and an element of `other`. */
  cartesian<U>(other: RDD<U>): RDD<[T, U]> {
    const deps = CartesianRDD.dependencies(this as RDD<unknown>, other as RDD<unknown>, other.numPartitions)
    return new RDD<[T, U]>(this.context, CartesianRDD.cartesian, deps)
  }

  /**
   * Pairs the i-th element of each partition with the i-th element of the same
   * partition of `other`. Both must have the same partitions and element counts.
   */
  zip<U>(other: RDD<U>): RDD<[T, U]> {
    const error = ZippedPartitionsRDD.partitionCountMismatch(this.numPartitions, other.numPartitions)
    return new RDD<[T, U]>(this.context, ZippedPartitionsRDD.zip, [
      { _tag: "OneToOne", rdd: this as RDD<unknown> },
      { _tag: "OneToOne", rdd: other as RDD<unknown> }
    ], error)
  }

  /**
   * Pairs each element with its index (partition by partition). Runs a job to
   * count the partitions' elements first, as Spark does.
   */
  zipWithIndex(): Effect.Effect<RDD<[T, number]>, RDDError> {
    return Effect.map(
      ZippedWithIndexRDD.startIndicesOf(this as RDD<unknown>),
      (starts) => this.derive<[T, number]>(ZippedWithIndexRDD.zippedWithIndex(starts))
    )
  }

  /**
   * Pairs each element with a unique id: the elements of partition `k` of `n`
   * get `k, n + k, 2n + k, ...`. Unlike `zipWithIndex`, runs no job; the ids
   * are not consecutive.
   */
  zipWithUniqueId(): RDD<[T, number]> {
    const n = this.numPartitions
    return this.mapPartitionsWithIndex(withEnv({ n }, ({ n }) =>
      function*(k: number, it: IterableIterator<T>): Generator<[T, number]> {
        let i = 0
        for (const x of it) yield [x, i++ * n + k]
      }))
  }

  /**
   * A random sample: each element kept with probability `fraction` (without
   * replacement), or repeated a Poisson(`fraction`) number of times (with).
   * The same seed gives the same sample on every run.
   */
  sample(withReplacement: boolean, fraction: number, seed = 42): RDD<T> {
    const error = PartitionwiseSampledRDD.invalidFraction(withReplacement, fraction)
    return this.derive(PartitionwiseSampledRDD.sample(withReplacement, fraction, seed), error)
  }

  /**
   * Sorts by `f(element)`, comparing keys with `ordering`. Samples the keys in
   * a job first to choose balanced ranges. An empty RDD sorts to an empty RDD.
   */
  sortBy<K>(
    f: (value: T) => K,
    ascending = true,
    numPartitions: number = this.numPartitions,
    ordering: Ordering<K> = compareKeys
  ): Effect.Effect<RDD<T>, RDDError> {
    return Effect.map(this.keyBy(f).sortByKey(ascending, numPartitions, ordering), (sorted) => sorted.values())
  }

  /**
   * Changes the number of partitions. Without `shuffle` it merges neighbouring
   * partitions (a narrow dependency; never more partitions than now). With
   * `shuffle`, elements are spread evenly over `numPartitions` partitions:
   * each input partition deals its elements round-robin from a start position
   * chosen by its index, as Spark's.
   */
  coalesce(numPartitions: number, shuffle = false): RDD<T> {
    return coalesceTo(this, "coalesce", numPartitions, shuffle)
  }

  /** Redistributes the elements evenly over `numPartitions` partitions with a shuffle (`coalesce(n, true)`). */
  repartition(numPartitions: number): RDD<T> {
    return coalesceTo(this, "repartition", numPartitions, true)
  }

  /** Groups elements by `f(element)`. */
  groupBy<K>(f: (value: T) => K, numPartitions?: PartitionSpec): RDD<[K, Array<T>]> {
    return this.keyBy(f).groupByKey(numPartitions)
  }
}

/** `coalesce` and `repartition`: Spark's `RDD.coalesce`. */
const coalesceTo = <T>(self: RDD<T>, method: string, numPartitions: number, withShuffle: boolean): RDD<T> => {
  const error = positive(method, "numPartitions", numPartitions)
  const n = Math.max(1, Math.floor(numPartitions) || 1)
  if (!withShuffle) {
    const groups = CoalescedRDD.coalesceGroups(self.numPartitions, n)
    return new RDD<T>(self.context, CoalescedRDD.coalesced(groups), [CoalescedRDD.dependency(self as RDD<unknown>, groups)], error)
  }
  // Spark's distributePartition: a start position from the partition index (a hash standing in for
  // `new XORShiftRandom(index).nextInt(n)`), then one position more per element; HashPartitioner(n) of an integer is it modulo n.
  const keyed = self.mapPartitionsWithIndex(
    withEnv({ n }, ({ n }) =>
      function*(index: number, it: IterableIterator<T>): Generator<[number, T]> {
        let h = Math.imul(index ^ 0x5bd1e995, 0x85ebca6b)
        h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35)
        let position = ((h ^ (h >>> 16)) >>> 0) % n
        for (const x of it) yield [++position, x]
      })
  )
  const shuffled = shuffle<number, T, T>(keyed, new HashPartitioner(n), undefined, false, undefined, error)
  const groups = CoalescedRDD.coalesceGroups(n, n)
  return new RDD<[number, T]>(self.context, CoalescedRDD.coalesced(groups), [CoalescedRDD.dependency(shuffled as RDD<unknown>, groups)])
    .values()
}

/**
 * The union of `rdds`, as Spark's `SparkContext.union`: the inputs without
 * partitions are left out; when every other one has the same partitioner, a
 * `PartitionerAwareUnionRDD` (partition-wise, keeping the partitioner), else a
 * `UnionRDD` (the partitions one after the other). No inputs: an RDD with no partitions.
 *
 * **Example**
 * ```ts
 * const all = RDD.unionOf(sc, [a, b, c]) // what sc.union([a, b, c]) and a.union(b, c) return
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const unionOf = <T>(context: RDDContext, rdds: ReadonlyArray<RDD<T>>): RDD<T> => {
  const nonEmpty = rdds.filter((rdd) => rdd.numPartitions > 0) as ReadonlyArray<RDD<unknown>>
  const partitioner = nonEmpty[0]?.partitioner
  if (partitioner !== undefined && nonEmpty.every((rdd) => samePartitioner(partitioner, rdd.partitioner))) {
    return new RDD<T>(context, PartitionerAwareUnionRDD.partitionerAwareUnion(partitioner), PartitionerAwareUnionRDD.dependencies(nonEmpty))
  }
  return new RDD<T>(context, UnionRDD.union, UnionRDD.dependencies(nonEmpty))
}

/**
 * Whether a value is an RDD.
 *
 * @category guards
 * @since 0.1.0
 */
export const isRDD = (u: unknown): u is RDD<unknown> => u instanceof RDD
