/**
 * Per-batch shuffles of a key-value stream: group, reduce and combine the
 * values of each key within each batch; and the counts and reductions built
 * on them.
 *
 * Mirrors `org.apache.spark.streaming.dstream.ShuffledDStream`.
 *
 * @since 0.1.0
 */
import type { RDD as RDDModule } from "@tspark/core"
import { derive } from "../internal/derive.js"
import type { DStream } from "./DStream.js"

type Pair<K, V> = RDDModule.Pair<K, V>
type Widen<V> = RDDModule.Widen<V>
type PartitionSpec = RDDModule.PartitionSpec

/**
 * Groups the values of each key in each batch (`pairs.groupByKey()`).
 *
 * Mirrors `org.apache.spark.streaming.dstream.ShuffledDStream` (Spark's groupByKey).
 *
 * **Example**
 * ```ts
 * const grouped = ShuffledDStream.groupByKey(pairs)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const groupByKey = <K, V>(parent: DStream<Pair<K, V>>, partitions?: PartitionSpec): DStream<[K, Array<V>]> =>
  derive(parent, "ShuffledDStream", (rdd) => rdd.groupByKey(partitions))

/**
 * Merges the values of each key in each batch (`pairs.reduceByKey(f)`).
 *
 * Mirrors `org.apache.spark.streaming.dstream.ShuffledDStream` (Spark's reduceByKey).
 *
 * **Example**
 * ```ts
 * const counts = ShuffledDStream.reduceByKey(pairs, (a, b) => a + b)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const reduceByKey = <K, V>(
  parent: DStream<Pair<K, V>>,
  f: (a: Widen<V>, b: Widen<V>) => Widen<V>,
  partitions?: PartitionSpec
): DStream<[K, Widen<V>]> => derive(parent, "ShuffledDStream", (rdd) => rdd.reduceByKey(f, partitions))

/**
 * Combines the values of each key in each batch (`pairs.combineByKey(...)`).
 *
 * Mirrors `org.apache.spark.streaming.dstream.ShuffledDStream`.
 *
 * **Example**
 * ```ts
 * const lists = ShuffledDStream.combineByKey(pairs, (v) => [v], (c, v) => [...c, v], (a, b) => [...a, ...b])
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const combineByKey = <K, V, C>(
  parent: DStream<Pair<K, V>>,
  createCombiner: (value: V) => C,
  mergeValue: (c: C, value: V) => C,
  mergeCombiners: (a: C, b: C) => C,
  partitions?: PartitionSpec,
  mapSideCombine = true
): DStream<[K, C]> =>
  derive(
    parent,
    "ShuffledDStream",
    (rdd) => rdd.combineByKey(createCombiner, mergeValue, mergeCombiners, partitions, mapSideCombine)
  )

/**
 * The number of elements in each batch: a one-element RDD, 0 for an empty batch.
 *
 * Mirrors `org.apache.spark.streaming.dstream.DStream.count`.
 *
 * **Example**
 * ```ts
 * ShuffledDStream.count(lines).print()
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const count = <T>(parent: DStream<T>): DStream<number> =>
  derive(parent, "CountDStream", (rdd) =>
    rdd.map((): [null, number] => [null, 1])
      .union(parent.context.sparkContext.parallelize<[null, number]>([[null, 0]], 1))
      .reduceByKey((a, b) => a + b, 1)
      .values())

/**
 * How many times each distinct element occurs in each batch.
 *
 * Mirrors `org.apache.spark.streaming.dstream.DStream.countByValue`.
 *
 * **Example**
 * ```ts
 * const wordCounts = ShuffledDStream.countByValue(words)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const countByValue = <T>(parent: DStream<T>, numPartitions?: number): DStream<[T, number]> =>
  parent.map((x) => [x, 1] as const).reduceByKey((a, b) => a + b, numPartitions)

/**
 * Reduces each batch to one element with `f` (empty batches give empty RDDs).
 *
 * Mirrors `org.apache.spark.streaming.dstream.DStream.reduce`.
 *
 * **Example**
 * ```ts
 * const sums = ShuffledDStream.reduce(numbers, (a, b) => a + b)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const reduce = <T>(parent: DStream<T>, f: (a: T, b: T) => T): DStream<T> =>
  parent.map((x) => [null, x] as Pair<null, T>).reduceByKey(f as never, 1).map((kv) => kv[1] as T)
