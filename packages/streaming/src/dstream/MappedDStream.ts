/**
 * The element-wise DStreams: mapped, flat-mapped, filtered, glommed,
 * map-partitioned, and their key-value forms (mapped and flat-mapped values).
 * Each batch's RDD is the parent's with the RDD operation of the same name.
 *
 * Mirrors `org.apache.spark.streaming.dstream.MappedDStream`,
 * `FlatMappedDStream`, `FilteredDStream`, `GlommedDStream`,
 * `MapPartitionedDStream`, `MapValuedDStream` and `FlatMapValuedDStream`.
 *
 * @since 0.1.0
 */
import type { RDD as RDDModule } from "@tspark/core"
import { derive } from "../internal/derive.js"
import type { DStream } from "./DStream.js"

type Pair<K, V> = RDDModule.Pair<K, V>

/**
 * Applies `f` to every element (`stream.map(f)`).
 *
 * Mirrors `org.apache.spark.streaming.dstream.MappedDStream`.
 *
 * **Example**
 * ```ts
 * const doubled = MappedDStream.map(numbers, (x) => x * 2)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const map = <T, U>(parent: DStream<T>, f: (value: T) => U): DStream<U> => derive(parent, "MappedDStream", (rdd) => rdd.map(f))

/**
 * Applies `f` to every element and flattens (`stream.flatMap(f)`).
 *
 * Mirrors `org.apache.spark.streaming.dstream.FlatMappedDStream`.
 *
 * **Example**
 * ```ts
 * const words = MappedDStream.flatMap(lines, (line) => line.split(" "))
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const flatMap = <T, U>(parent: DStream<T>, f: (value: T) => Iterable<U>): DStream<U> =>
  derive(parent, "FlatMappedDStream", (rdd) => rdd.flatMap(f))

/**
 * Keeps the elements that satisfy `f` (`stream.filter(f)`).
 *
 * Mirrors `org.apache.spark.streaming.dstream.FilteredDStream`.
 *
 * **Example**
 * ```ts
 * const even = MappedDStream.filter(numbers, (x) => x % 2 === 0)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const filter = <T>(parent: DStream<T>, f: (value: T) => boolean): DStream<T> =>
  derive(parent, "FilteredDStream", (rdd) => rdd.filter(f))

/**
 * Turns each partition of each batch into an array (`stream.glom()`).
 *
 * Mirrors `org.apache.spark.streaming.dstream.GlommedDStream`.
 *
 * **Example**
 * ```ts
 * const partitions = MappedDStream.glom(numbers)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const glom = <T>(parent: DStream<T>): DStream<Array<T>> => derive(parent, "GlommedDStream", (rdd) => rdd.glom())

/**
 * Applies `f` to each partition of each batch (`stream.mapPartitions(f)`).
 *
 * Mirrors `org.apache.spark.streaming.dstream.MapPartitionedDStream`.
 *
 * **Example**
 * ```ts
 * const sums = MappedDStream.mapPartitions(numbers, (it) => [[...it].reduce((a, b) => a + b, 0)])
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const mapPartitions = <T, U>(
  parent: DStream<T>,
  f: (iterator: IterableIterator<T>) => Iterable<U> | Iterator<U>,
  preservesPartitioning = false
): DStream<U> => derive(parent, "MapPartitionedDStream", (rdd) => rdd.mapPartitions(f, preservesPartitioning))

/**
 * Applies `f` to every value of a key-value stream (`pairs.mapValues(f)`).
 *
 * Mirrors `org.apache.spark.streaming.dstream.MapValuedDStream`.
 *
 * **Example**
 * ```ts
 * const lengths = MappedDStream.mapValues(pairs, (v: string) => v.length)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const mapValues = <K, V, U>(parent: DStream<Pair<K, V>>, f: (value: V) => U): DStream<[K, U]> =>
  derive(parent, "MapValuedDStream", (rdd) => rdd.mapValues(f))

/**
 * Applies `f` to every value of a key-value stream and flattens
 * (`pairs.flatMapValues(f)`).
 *
 * Mirrors `org.apache.spark.streaming.dstream.FlatMapValuedDStream`.
 *
 * **Example**
 * ```ts
 * const chars = MappedDStream.flatMapValues(pairs, (v: string) => v.split(""))
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const flatMapValues = <K, V, U>(parent: DStream<Pair<K, V>>, f: (value: V) => Iterable<U>): DStream<[K, U]> =>
  derive(parent, "FlatMapValuedDStream", (rdd) => rdd.flatMapValues(f))
