/**
 * The discretized stream: a sequence of RDDs, one per batch interval, each
 * computed from its parents' RDDs of the same batch. The class is built in
 * layers, one internal module each: what every DStream shares (generation,
 * remembering, slicing, persistence and checkpointing), then the key-value
 * operations, then this module's transformations, windows and outputs. Each
 * operation's logic lives in the module of its Spark DStream
 * (`MappedDStream`, `WindowedDStream`, ...), and the fluent methods delegate
 * to them so chains read as in Spark.
 *
 * Mirrors `org.apache.spark.streaming.dstream.DStream`.
 *
 * Building DStreams is pure; the `StreamingContext` computes them once per
 * batch. Invalid arguments (a window that is not a multiple of the slide)
 * make `start` fail with a typed error naming the stream.
 *
 * @since 0.1.0
 */
import type { RDD as RDDModule } from "@tspark/core"
import type { Duration, Effect } from "effect"
import { DStreamPairMethods } from "../internal/dstreamPairMethods.js"
import type { IllegalStateError, InvalidStreamError } from "../StreamingError.js"
import type { Time } from "../Time.js"
import * as ForEachDStream from "./ForEachDStream.js"
import * as MappedDStream from "./MappedDStream.js"
import * as ShuffledDStream from "./ShuffledDStream.js"
import * as TransformedDStream from "./TransformedDStream.js"
import * as UnionDStream from "./UnionDStream.js"
import * as WindowedDStream from "./WindowedDStream.js"

type RDD<T> = RDDModule.RDD<T>

/**
 * How a kind of DStream computes: its parents, slide, and the RDD of a batch.
 *
 * @category models
 * @since 0.1.0
 */
export interface DStreamKind<T> {
  readonly name: string
  readonly dependencies: ReadonlyArray<DStream<unknown>>
  /** The slide in ms; defaults to the first parent's. */
  readonly slideDurationMs?: number
  // Method syntax (bivariant in `self`), so that a DStream<[K, V]> is usable where a
  // DStream<readonly [K, V]> is expected: `reduceByKey(...).mapValues(...)`.
  compute(time: Time, self: DStream<T>): RDD<T> | undefined
  /** How long parents must remember RDDs, given this stream's remember duration (windows add the window). */
  readonly parentRememberDurationMs?: (rememberMs: number) => number
  /** Stateful streams whose lineage grows every batch must be checkpointed. */
  readonly mustCheckpoint?: boolean
  /** An argument error found while building. */
  readonly error?: InvalidStreamError | IllegalStateError | undefined
  /** Output streams turn each batch into a job. */
  readonly output?: (rdd: RDD<unknown>, time: Time) => Effect.Effect<void, unknown>
}

/**
 * A DStream of `T`.
 *
 * **Example**
 * ```ts
 * const counts = ssc.textFileStream(dir)
 *   .flatMap((line) => line.split(" "))
 *   .map((word) => [word, 1] as const)
 *   .reduceByKey((a, b) => a + b)
 * counts.print()
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export class DStream<T> extends DStreamPairMethods<T> {
  // ------------------------------------------------------------ transformations (see each family's module)

  /** Applies `f` to every element (`MappedDStream`). */
  map<U>(f: (value: T) => U): DStream<U> {
    return MappedDStream.map(this, f)
  }
  /** Applies `f` to every element and flattens (`FlatMappedDStream`). */
  flatMap<U>(f: (value: T) => Iterable<U>): DStream<U> {
    return MappedDStream.flatMap(this, f)
  }
  /** Keeps the elements that satisfy `f` (`FilteredDStream`). */
  filter(f: (value: T) => boolean): DStream<T> {
    return MappedDStream.filter(this, f)
  }
  /** Turns each partition of each batch into an array (`GlommedDStream`). */
  glom(): DStream<Array<T>> {
    return MappedDStream.glom(this)
  }
  /** Applies `f` to each partition of each batch (`MapPartitionedDStream`). */
  mapPartitions<U>(f: (iterator: IterableIterator<T>) => Iterable<U> | Iterator<U>, preservesPartitioning = false): DStream<U> {
    return MappedDStream.mapPartitions(this, f, preservesPartitioning)
  }
  /** Redistributes each batch over `numPartitions` partitions. */
  repartition(numPartitions: number): DStream<T> {
    return TransformedDStream.repartition(this, numPartitions)
  }
  /** Applies an RDD-to-RDD function to every batch (`TransformedDStream`); a batch with no parent RDD fails. */
  transform<U>(f: (rdd: RDD<T>, time: Time) => RDD<U>): DStream<U> {
    return TransformedDStream.transform(this, f)
  }
  /** Applies a function of this stream's and another stream's RDDs of the same batch (both must have one). */
  transformWith<U, V>(other: DStream<U>, f: (a: RDD<T>, b: RDD<U>, time: Time) => RDD<V>): DStream<V> {
    return TransformedDStream.transformWith(this, other, f)
  }
  /** The elements of this stream and the others, batch by batch (`UnionDStream`; same slide required, each must have an RDD). */
  union(...others: ReadonlyArray<DStream<T>>): DStream<T> {
    return UnionDStream.union(this, others)
  }
  /** The number of elements in each batch (a one-element RDD, 0 for an empty batch). */
  count(): DStream<number> {
    return ShuffledDStream.count(this)
  }
  /** How many times each distinct element occurs in each batch. */
  countByValue(numPartitions?: number): DStream<[T, number]> {
    return ShuffledDStream.countByValue(this, numPartitions)
  }
  /** Reduces each batch to one element with `f` (empty batches give empty RDDs). */
  reduce(f: (a: T, b: T) => T): DStream<T> {
    return ShuffledDStream.reduce(this, f)
  }

  // ------------------------------------------------------------ windows (WindowedDStream)

  /** The elements of the last `window` of time, every `slide` (multiples of this stream's slide). */
  window(window: Duration.Input, slide?: Duration.Input): DStream<T> {
    return WindowedDStream.window(this, window, slide)
  }
  /** Reduces the elements of each window with `f`. */
  reduceByWindow(f: (a: T, b: T) => T, window: Duration.Input, slide: Duration.Input): DStream<T>
  /** Reduces each window incrementally: adds entering batches with `f`, removes leaving ones with `invF`. */
  reduceByWindow(f: (a: T, b: T) => T, invF: (a: T, b: T) => T, window: Duration.Input, slide: Duration.Input): DStream<T>
  reduceByWindow(f: (a: T, b: T) => T, a: ((a: T, b: T) => T) | Duration.Input, b: Duration.Input, c?: Duration.Input): DStream<T> {
    return typeof a === "function"
      ? WindowedDStream.reduceByWindow(this, f, a as (a: T, b: T) => T, b, c)
      : WindowedDStream.reduceByWindow(this, f, undefined, a, b)
  }
  /** The number of elements in each window. */
  countByWindow(window: Duration.Input, slide: Duration.Input): DStream<number> {
    return WindowedDStream.countByWindow(this, window, slide)
  }
  /** How many times each distinct element occurs in each window. */
  countByValueAndWindow(window: Duration.Input, slide: Duration.Input, numPartitions?: number): DStream<[T, number]> {
    return WindowedDStream.countByValueAndWindow(this, window, slide, numPartitions)
  }

  // ------------------------------------------------------------ output operations (ForEachDStream)

  /** Runs `f` on every batch's RDD, on the driver; `f` may return an Effect, which the job waits for. */
  foreachRDD(f: (rdd: RDD<T>, time: Time) => Effect.Effect<unknown, unknown> | void): void {
    // The output stream passes its batch times, which are Times.
    ForEachDStream.foreachRDD(this, f as (rdd: RDD<T>, time: number) => Effect.Effect<unknown, unknown> | void)
  }
  /** Prints the first `num` elements of every batch after a header with the batch time, as Spark's `print()`. */
  print(num = 10): void {
    ForEachDStream.print(this, num)
  }
  /** Saves every batch as text files in `prefix-TIME_IN_MS[.suffix]`. */
  saveAsTextFiles(prefix: string, suffix?: string): void {
    ForEachDStream.saveAsTextFiles(this, prefix, suffix)
  }
}
