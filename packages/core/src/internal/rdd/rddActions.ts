// The actions of every RDD, the second of the public `RDD` class's layers
// (RDDBase → RDDActions → RDDPairMethods → RDD). Thin methods, so chains read
// as in Spark; the bodies are in actions.ts.
import type { Effect } from "effect"
import type { Pair, PartitionSpec } from "../../rdd/PairRDDFunctions.js"
import type { RDD, RDDError } from "../../rdd/RDD.js"
import type { TaskContext } from "../../scheduler/TaskContext.js"
import type { UnsupportedOperationError } from "../../SparkError.js"
import { compareKeys, type Ordering } from "../../util/Ordering.js"
import type { StatCounter } from "../../util/StatCounter.js"
import * as actions from "./actions.js"
import * as numeric from "./numericActions.js"
import { RDDBase } from "./rddBase.js"
import * as sampling from "./sampling.js"
import * as tree from "./treeAggregation.js"

export abstract class RDDActions<T> extends RDDBase<T> {
  // ------------------------------------------------------------ actions

  /** Runs `func` on every partition (or the given ones) and returns the results in partition order. */
  runJob<U>(func: (iterator: Iterator<T>, ctx: TaskContext) => U, partitions?: ReadonlyArray<number>): Effect.Effect<Array<U>, RDDError> {
    return this.context.runJob(this.self, func, partitions)
  }

  /** All elements, in partition order. */
  collect(): Effect.Effect<Array<T>, RDDError> {
    return actions.collect(this.self)
  }

  /** The number of elements. */
  count(): Effect.Effect<number, RDDError> {
    return actions.count(this.self)
  }

  /** The first `n` elements, scanning more partitions each round until it has `n`, as Spark's `take`. */
  take(n: number): Effect.Effect<Array<T>, RDDError> {
    return actions.take(this.self, n)
  }

  /** The first element; fails with `UnsupportedOperationError` ("empty collection") when the RDD is empty. */
  first(): Effect.Effect<T, RDDError | UnsupportedOperationError> {
    return actions.first(this.self)
  }

  /** The `n` smallest elements by `ordering`, in order. */
  takeOrdered(n: number, ordering: Ordering<T> = compareKeys): Effect.Effect<Array<T>, RDDError> {
    return actions.takeOrdered(this.self, n, ordering)
  }

  /** The `n` largest elements by `ordering`, largest first. */
  top(n: number, ordering: Ordering<T> = compareKeys): Effect.Effect<Array<T>, RDDError> {
    return actions.top(this.self, n, ordering)
  }

  /** Reduces the elements with an associative, commutative `f`; fails with `UnsupportedOperationError` ("empty collection") when empty. */
  reduce(f: (a: T, b: T) => T): Effect.Effect<T, RDDError | UnsupportedOperationError> {
    return actions.reduce(this.self, f)
  }

  /**
   * Like `reduce`, combining the partitions' results on the executors in a
   * tree of `depth` levels (see `treeAggregate`).
   */
  treeReduce(f: (a: T, b: T) => T, depth = 2): Effect.Effect<T, RDDError | UnsupportedOperationError> {
    return tree.treeReduce(this.self, f, depth)
  }

  /**
   * The largest element by `ordering` (the first of equal ones); fails with
   * `UnsupportedOperationError` ("empty collection") when empty.
   */
  max(ordering: Ordering<T> = compareKeys): Effect.Effect<T, RDDError | UnsupportedOperationError> {
    return actions.max(this.self, ordering)
  }

  /**
   * The smallest element by `ordering` (the first of equal ones); fails with
   * `UnsupportedOperationError` ("empty collection") when empty.
   */
  min(ordering: Ordering<T> = compareKeys): Effect.Effect<T, RDDError | UnsupportedOperationError> {
    return actions.min(this.self, ordering)
  }

  /** Folds the elements from `zero` within each partition, then the partition results. */
  fold(zero: T, f: (a: T, b: T) => T): Effect.Effect<T, RDDError> {
    return actions.fold(this.self, zero, f)
  }

  /** Aggregates with `seqOp` within partitions and `combOp` across them. */
  aggregate<U>(zero: U, seqOp: (acc: U, value: T) => U, combOp: (a: U, b: U) => U): Effect.Effect<U, RDDError> {
    return actions.aggregate(this.self, zero, seqOp, combOp)
  }

  /**
   * Like `aggregate`, but the partitions' results are combined on the
   * executors in a tree: each level folds groups of about
   * `numPartitions^(1/depth)` of them by key into fewer partitions, while a
   * level still saves time, so the driver merges a few values instead of one
   * per partition. An RDD without partitions gives (a copy of) `zero`.
   *
   * **Example**
   * ```ts
   * const total = yield* sc.parallelize(numbers, 100).treeAggregate(0, (acc, x) => acc + x, (a, b) => a + b, 2)
   * ```
   */
  treeAggregate<U>(zero: U, seqOp: (acc: U, value: T) => U, combOp: (a: U, b: U) => U, depth = 2): Effect.Effect<U, RDDError> {
    return tree.treeAggregate(this.self, zero, seqOp, combOp, depth)
  }

  /** Runs `f` on every element (on the executors). */
  foreach(f: (value: T) => void): Effect.Effect<void, RDDError> {
    return actions.foreach(this.self, f)
  }

  /**
   * Runs `f` on every partition's iterator (on the executors). When `f`
   * returns a promise, its task runs until it settles and fails when it
   * rejects, so a partition can be written to a database asynchronously.
   * Read the iterator before the first `await`, and use `ctx` (not
   * `TaskContext.get()`) after it.
   */
  foreachPartition(f: (iterator: IterableIterator<T>, ctx: TaskContext) => void | PromiseLike<void>): Effect.Effect<void, RDDError> {
    return actions.foreachPartition(this.self, f)
  }

  /**
   * A sample of exactly `num` elements (fewer only when the RDD has fewer and
   * `withReplacement` is false; none when the RDD is empty), in random order.
   * The same seed gives the same sample; without a seed it is random, as in
   * Spark. A negative or fractional `num`, or one above Spark's limit
   * (`Int.MaxValue - 10 * sqrt(Int.MaxValue)`), fails with `InvalidArgumentError`.
   *
   * **Example**
   * ```ts
   * const five = yield* sc.parallelize(range, 4).takeSample(false, 5, 42)
   * ```
   */
  takeSample(withReplacement: boolean, num: number, seed: number = Math.floor(Math.random() * 2 ** 31)): Effect.Effect<Array<T>, RDDError> {
    return sampling.takeSample(this.self, withReplacement, num, seed)
  }

  /**
   * The approximate number of distinct elements (compared structurally), from
   * a HyperLogLog sketch: with `relativeSD` (accuracy, > 0.000017, default
   * 0.05), or with precision `p` (2^p registers, >= 4) and Spark's sparse
   * precision `sp` (validated; the sparse form is automatic here). At most
   * 2^26 registers are kept (`p <= 26`, `relativeSD >= 0.000129`).
   *
   * **Example**
   * ```ts
   * yield* sc.parallelize(words).countApproxDistinct(0.01) // within about 1% of the distinct words
   * ```
   */
  countApproxDistinct(relativeSD?: number): Effect.Effect<number, RDDError>
  countApproxDistinct(p: number, sp: number): Effect.Effect<number, RDDError>
  countApproxDistinct(relativeSDOrP = 0.05, sp?: number): Effect.Effect<number, RDDError> {
    return sp === undefined
      ? numeric.countApproxDistinct(this.self, relativeSDOrP)
      : numeric.countApproxDistinctWithPrecision(this.self, relativeSDOrP, sp)
  }

  /**
   * The approximate number of distinct values of each key, from a HyperLogLog
   * sketch per key (combined by key, like `combineByKey`).
   */
  countApproxDistinctByKey<K, V>(this: RDD<Pair<K, V>>, relativeSD = 0.05, partitions?: PartitionSpec): RDD<[K, number]> {
    return numeric.countApproxDistinctByKey(this, relativeSD, partitions)
  }

  // ------------------------------------------------------------ numeric actions (DoubleRDDFunctions)

  /**
   * The count, mean, variance, maximum and minimum of the numbers, in one job.
   * An RDD without partitions fails with `UnsupportedOperationError`.
   *
   * **Example**
   * ```ts
   * const s = yield* sc.parallelize([1, 2, 3, 4]).stats()
   * s.mean // 2.5
   * ```
   */
  stats(this: RDD<number>): Effect.Effect<StatCounter, RDDError | UnsupportedOperationError> {
    return numeric.stats(this)
  }

  /** The sum of the numbers (0 when empty). */
  sum(this: RDD<number>): Effect.Effect<number, RDDError> {
    return numeric.sum(this)
  }

  /** The mean of the numbers (`stats().mean`). */
  mean(this: RDD<number>): Effect.Effect<number, RDDError | UnsupportedOperationError> {
    return numeric.statistic(this, (s) => s.mean)
  }

  /** The population variance (`stats().variance`). */
  variance(this: RDD<number>): Effect.Effect<number, RDDError | UnsupportedOperationError> {
    return numeric.statistic(this, (s) => s.variance)
  }

  /** The population variance (`stats().popVariance`, the same as `variance()`). */
  popVariance(this: RDD<number>): Effect.Effect<number, RDDError | UnsupportedOperationError> {
    return numeric.statistic(this, (s) => s.popVariance)
  }

  /** The population standard deviation (`stats().popStdev`, the same as `stdev()`). */
  popStdev(this: RDD<number>): Effect.Effect<number, RDDError | UnsupportedOperationError> {
    return numeric.statistic(this, (s) => s.popStdev)
  }

  /** The sample variance, dividing by N - 1 (`stats().sampleVariance`). */
  sampleVariance(this: RDD<number>): Effect.Effect<number, RDDError | UnsupportedOperationError> {
    return numeric.statistic(this, (s) => s.sampleVariance)
  }

  /** The population standard deviation (`stats().stdev`). */
  stdev(this: RDD<number>): Effect.Effect<number, RDDError | UnsupportedOperationError> {
    return numeric.statistic(this, (s) => s.stdev)
  }

  /** The sample standard deviation, dividing by N - 1 (`stats().sampleStdev`). */
  sampleStdev(this: RDD<number>): Effect.Effect<number, RDDError | UnsupportedOperationError> {
    return numeric.statistic(this, (s) => s.sampleStdev)
  }

  /**
   * A histogram. With `bucketCount`: that many even buckets from the minimum
   * to the maximum (one bucket `[x, x]` when all numbers equal `x`), returned
   * with their counts; fails with `UnsupportedOperationError` on NaN or an
   * infinite number. With `buckets` (sorted edges, at least two): the counts
   * of `[b0, b1), [b1, b2), ..., [bn-1, bn]` (the last closed; elements outside
   * are not counted); `evenBuckets` promises even spacing, for a constant-time lookup.
   *
   * **Example**
   * ```ts
   * yield* sc.parallelize([1, 2, 3, 4]).histogram(2) // [[1, 2.5, 4], [2, 2]]
   * yield* sc.parallelize([1, 2, 3, 5, 6]).histogram([0, 5, 10]) // [3, 2]
   * ```
   */
  histogram(this: RDD<number>, bucketCount: number): Effect.Effect<[Array<number>, Array<number>], RDDError | UnsupportedOperationError>
  histogram(this: RDD<number>, buckets: ReadonlyArray<number>, evenBuckets?: boolean): Effect.Effect<Array<number>, RDDError>
  histogram(
    this: RDD<number>,
    buckets: number | ReadonlyArray<number>,
    evenBuckets = false
  ): Effect.Effect<[Array<number>, Array<number>] | Array<number>, RDDError | UnsupportedOperationError> {
    return typeof buckets === "number" ? numeric.histogram(this, buckets) : numeric.histogramOf(this, buckets, evenBuckets)
  }

  /** Whether the RDD has no elements. */
  isEmpty(): Effect.Effect<boolean, RDDError> {
    return actions.isEmpty(this.self)
  }

  /**
   * Writes each partition as a text file `part-NNNNN` (one element per line,
   * `String(element)`) in a new directory, then an empty `_SUCCESS` marker.
   * Fails when the directory already exists, as Spark does.
   */
  saveAsTextFile(directory: string): Effect.Effect<void, RDDError> {
    return actions.saveAsTextFile(this.self, directory)
  }
}
