// The key-value operations of every RDD, the third of the public `RDD`
// class's layers (RDDBase → RDDActions → RDDPairMethods → RDD). Each is a
// method on `RDD<Pair<K, V>>` (typed through `this`), so chains like
// `rdd.map(...).reduceByKey(...)` read as in Spark; the bodies live in
// rdd/PairRDDFunctions.ts and rdd/OrderedRDDFunctions.ts.
import type { Effect } from "effect"
import { OrderedRDDFunctions } from "../../rdd/OrderedRDDFunctions.js"
import { type Pair, PairRDDFunctions, type PartitionSpec, type Widen } from "../../rdd/PairRDDFunctions.js"
import type { Partitioner } from "../../rdd/Partitioner.js"
import type { RDD, RDDError } from "../../rdd/RDD.js"
import type { KeyMap } from "../../util/KeyMap.js"
import { compareKeys, type Ordering } from "../../util/Ordering.js"
import { RDDActions } from "./rddActions.js"

export abstract class RDDPairMethods<T> extends RDDActions<T> {
  // ------------------------------------------------------------ pair transformations (PairRDDFunctions)

  /** Applies `f` to every value, keeping keys and the partitioner. */
  mapValues<K, V, U>(this: RDD<Pair<K, V>>, f: (value: V) => U): RDD<[K, U]> {
    return new PairRDDFunctions(this).mapValues(f)
  }

  /** Applies `f` to every value and flattens, keeping keys and the partitioner. */
  flatMapValues<K, V, U>(this: RDD<Pair<K, V>>, f: (value: V) => Iterable<U>): RDD<[K, U]> {
    return new PairRDDFunctions(this).flatMapValues(f)
  }

  /** The keys. */
  keys<K, V>(this: RDD<Pair<K, V>>): RDD<K> {
    return new PairRDDFunctions(this).keys()
  }

  /** The values. */
  values<K, V>(this: RDD<Pair<K, V>>): RDD<V> {
    return new PairRDDFunctions(this).values()
  }

  /** Combines the values of each key with three functions (see `PairRDDFunctions.combineByKey`). */
  combineByKey<K, V, C>(
    this: RDD<Pair<K, V>>,
    createCombiner: (value: V) => C,
    mergeValue: (combiner: C, value: V) => C,
    mergeCombiners: (a: C, b: C) => C,
    partitions?: PartitionSpec,
    mapSideCombine = true
  ): RDD<[K, C]> {
    return new PairRDDFunctions(this).combineByKey(createCombiner, mergeValue, mergeCombiners, partitions, mapSideCombine)
  }

  /** Merges the values of each key with an associative, commutative `f`. */
  reduceByKey<K, V>(this: RDD<Pair<K, V>>, f: (a: Widen<V>, b: Widen<V>) => Widen<V>, partitions?: PartitionSpec): RDD<[K, Widen<V>]> {
    return new PairRDDFunctions(this).reduceByKey(f, partitions)
  }

  /** Folds the values of each key, starting from `zero` in every partition. */
  foldByKey<K, V>(
    this: RDD<Pair<K, V>>,
    zero: Widen<V>,
    f: (a: Widen<V>, b: Widen<V>) => Widen<V>,
    partitions?: PartitionSpec
  ): RDD<[K, Widen<V>]> {
    return new PairRDDFunctions(this).foldByKey(zero, f, partitions)
  }

  /** Aggregates the values of each key with `seqOp` within partitions and `combOp` across them. */
  aggregateByKey<K, V, U>(
    this: RDD<Pair<K, V>>,
    zero: U,
    seqOp: (acc: U, value: V) => U,
    combOp: (a: U, b: U) => U,
    partitions?: PartitionSpec
  ): RDD<[K, U]> {
    return new PairRDDFunctions(this).aggregateByKey(zero, seqOp, combOp, partitions)
  }

  /** Groups the values of each key (no map-side combine, as in Spark). */
  groupByKey<K, V>(this: RDD<Pair<K, V>>, partitions?: PartitionSpec): RDD<[K, Array<V>]> {
    return new PairRDDFunctions(this).groupByKey(partitions)
  }

  /**
   * Repartitions the records by key with `partitioner` (a built-in, a subclass
   * of `Partitioner` or a plain `{ numPartitions, getPartition }` object), which
   * becomes the result's `partitioner`. A no-op when already partitioned so.
   */
  partitionBy<K, V>(this: RDD<Pair<K, V>>, partitioner: Partitioner): RDD<[K, V]> {
    return new PairRDDFunctions(this).partitionBy(partitioner)
  }

  /** Repartitions by `partitioner` and sorts each partition by key with `ordering` (see `OrderedRDDFunctions`). */
  repartitionAndSortWithinPartitions<K, V>(
    this: RDD<Pair<K, V>>,
    partitioner: Partitioner,
    ordering: Ordering<K> = compareKeys
  ): RDD<[K, V]> {
    return new OrderedRDDFunctions(this, ordering).repartitionAndSortWithinPartitions(partitioner)
  }

  /** The records whose key `other` does not have (see `PairRDDFunctions.subtractByKey`). */
  subtractByKey<K, V, W>(this: RDD<Pair<K, V>>, other: RDD<Pair<K, W>>, partitions?: PartitionSpec): RDD<[K, V]> {
    return new PairRDDFunctions(this).subtractByKey(other, partitions)
  }

  /**
   * Groups the values of each key in this RDD and the others:
   * `[key, [values here, values in others[0], ...]]`.
   */
  cogroup<K, V, W>(this: RDD<Pair<K, V>>, other: RDD<Pair<K, W>>, partitions?: PartitionSpec): RDD<[K, [Array<V>, Array<W>]]>
  cogroup<K, V, W1, W2>(
    this: RDD<Pair<K, V>>,
    other1: RDD<Pair<K, W1>>,
    other2: RDD<Pair<K, W2>>,
    partitions?: PartitionSpec
  ): RDD<[K, [Array<V>, Array<W1>, Array<W2>]]>
  cogroup<K, V, W1, W2, W3>(
    this: RDD<Pair<K, V>>,
    other1: RDD<Pair<K, W1>>,
    other2: RDD<Pair<K, W2>>,
    other3: RDD<Pair<K, W3>>,
    partitions?: PartitionSpec
  ): RDD<[K, [Array<V>, Array<W1>, Array<W2>, Array<W3>]]>
  cogroup(this: RDD<Pair<unknown, unknown>>, ...args: ReadonlyArray<RDD<Pair<unknown, unknown>> | PartitionSpec>): RDD<unknown> {
    return new PairRDDFunctions(this).cogroup(...args)
  }

  /** `cogroup` with one, two or three other RDDs and the default partitioner (Spark's alias). */
  groupWith<K, V, W>(this: RDD<Pair<K, V>>, other: RDD<Pair<K, W>>): RDD<[K, [Array<V>, Array<W>]]>
  groupWith<K, V, W1, W2>(
    this: RDD<Pair<K, V>>,
    other1: RDD<Pair<K, W1>>,
    other2: RDD<Pair<K, W2>>
  ): RDD<[K, [Array<V>, Array<W1>, Array<W2>]]>
  groupWith<K, V, W1, W2, W3>(
    this: RDD<Pair<K, V>>,
    other1: RDD<Pair<K, W1>>,
    other2: RDD<Pair<K, W2>>,
    other3: RDD<Pair<K, W3>>
  ): RDD<[K, [Array<V>, Array<W1>, Array<W2>, Array<W3>]]>
  groupWith(this: RDD<Pair<unknown, unknown>>, ...others: ReadonlyArray<RDD<Pair<unknown, unknown>>>): RDD<unknown> {
    return new PairRDDFunctions(this).cogroup(...others)
  }

  /** Pairs of values for every key present in both RDDs. */
  join<K, V, W>(this: RDD<Pair<K, V>>, other: RDD<Pair<K, W>>, partitions?: PartitionSpec): RDD<[K, [V, W]]> {
    return new PairRDDFunctions(this).join(other, partitions)
  }

  /** Like `join`, keeping keys missing from `other` with `undefined`. */
  leftOuterJoin<K, V, W>(this: RDD<Pair<K, V>>, other: RDD<Pair<K, W>>, partitions?: PartitionSpec): RDD<[K, [V, W | undefined]]> {
    return new PairRDDFunctions(this).leftOuterJoin(other, partitions)
  }

  /** Like `join`, keeping keys missing from this RDD with `undefined`. */
  rightOuterJoin<K, V, W>(this: RDD<Pair<K, V>>, other: RDD<Pair<K, W>>, partitions?: PartitionSpec): RDD<[K, [V | undefined, W]]> {
    return new PairRDDFunctions(this).rightOuterJoin(other, partitions)
  }

  /** Like `join`, keeping keys missing on either side with `undefined`. */
  fullOuterJoin<K, V, W>(
    this: RDD<Pair<K, V>>,
    other: RDD<Pair<K, W>>,
    partitions?: PartitionSpec
  ): RDD<[K, [V | undefined, W | undefined]]> {
    return new PairRDDFunctions(this).fullOuterJoin(other, partitions)
  }

  /** Sorts by key into `numPartitions` ordered ranges (see `OrderedRDDFunctions.sortByKey`). */
  sortByKey<K, V>(
    this: RDD<Pair<K, V>>,
    ascending = true,
    numPartitions: number = this.numPartitions,
    ordering: Ordering<K> = compareKeys
  ): Effect.Effect<RDD<[K, V]>, RDDError> {
    return new OrderedRDDFunctions(this, ordering).sortByKey(ascending, numPartitions)
  }

  // ------------------------------------------------------------ counting actions (over pairs)

  /** How many times each distinct element occurs. */
  countByValue(): Effect.Effect<KeyMap<T, number>, RDDError> {
    return this.self.map((x) => [x, null] as const).countByKey()
  }

  /** How many records each key has. */
  countByKey<K, V>(this: RDD<Pair<K, V>>): Effect.Effect<KeyMap<K, number>, RDDError> {
    return new PairRDDFunctions(this).countByKey()
  }

  /** The pairs as a map on the driver; the last value collected for a key wins. */
  collectAsMap<K, V>(this: RDD<Pair<K, V>>): Effect.Effect<KeyMap<K, V>, RDDError> {
    return new PairRDDFunctions(this).collectAsMap()
  }

  /** The values of `key`; only the partition the partitioner names is read when there is one. */
  lookup<K, V>(this: RDD<Pair<K, V>>, key: K): Effect.Effect<Array<V>, RDDError> {
    return new PairRDDFunctions(this).lookup(key)
  }
}
