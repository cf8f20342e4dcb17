/**
 * The discretized stream: a sequence of RDDs, one per batch interval, each
 * computed from its parents' RDDs of the same batch. This module holds what
 * every DStream shares (generation, remembering, slicing, persistence and
 * checkpointing, whose bookkeeping lives in an internal module); each
 * operation's logic lives in the module of its Spark DStream
 * (`MappedDStream`, `WindowedDStream`, ...), and the fluent methods here
 * delegate to them so chains read as in Spark.
 *
 * Mirrors `org.apache.spark.streaming.dstream.DStream`.
 *
 * Building DStreams is pure; the `StreamingContext` computes them once per
 * batch. Invalid arguments (a window that is not a multiple of the slide)
 * make `start` fail with a typed error naming the stream.
 *
 * @since 0.1.0
 */
import { type RDD as RDDModule, StorageLevel } from "@tspark/core"
import type { Duration, Effect } from "effect"
import { addedAfterStart, type StreamingContextLike } from "../internal/context.js"
import * as metadata from "../internal/dstreamMetadata.js"
import type { StreamingListener } from "../scheduler/StreamingListener.js"
import type { IllegalStateError, InvalidStreamError } from "../StreamingError.js"
import * as ForEachDStream from "./ForEachDStream.js"
import * as MappedDStream from "./MappedDStream.js"
import type { MapWithStateDStream } from "./MapWithStateDStream.js"
import * as PairFunctions from "./PairDStreamFunctions.js"
import * as ShuffledDStream from "./ShuffledDStream.js"
import type { StateSpec } from "./StateSpec.js"
import * as TransformedDStream from "./TransformedDStream.js"
import * as UnionDStream from "./UnionDStream.js"
import * as WindowedDStream from "./WindowedDStream.js"

type RDD<T> = RDDModule.RDD<T>
type Pair<K, V> = RDDModule.Pair<K, V>
type Widen<V> = RDDModule.Widen<V>
type PartitionSpec = RDDModule.PartitionSpec
type Reduce<V> = (a: Widen<V>, b: Widen<V>) => Widen<V>

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
  compute(time: number, self: DStream<T>): RDD<T> | undefined
  /** How long parents must remember RDDs, given this stream's remember duration (windows add the window). */
  readonly parentRememberDurationMs?: (rememberMs: number) => number
  /** Stateful streams whose lineage grows every batch must be checkpointed. */
  readonly mustCheckpoint?: boolean
  /** An argument error found while building. */
  readonly error?: InvalidStreamError | IllegalStateError | undefined
  /** Output streams turn each batch into a job. */
  readonly output?: (rdd: RDD<unknown>, time: number) => Effect.Effect<void, unknown>
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
export class DStream<T> {
  readonly id: number
  /** The RDD generated for each batch time (ms) still remembered. */
  readonly generatedRDDs = new Map<number, RDD<T>>()
  /** Set by `initialize` when the context starts. */
  zeroTime: number | undefined = undefined
  /** How long generated RDDs are kept (ms); set at start. */
  rememberDurationMs: number | undefined = undefined
  /** The level generated RDDs are persisted at. */
  storageLevel: StorageLevel.StorageLevel = StorageLevel.NONE
  /** Checkpoint every this many ms (a multiple of the slide), when set. */
  checkpointDurationMs: number | undefined = undefined
  /** @internal A `checkpoint(interval)` whose interval was not a positive duration: `start` fails with it. */
  checkpointIntervalError: InvalidStreamError | undefined = undefined
  /**
   * The rate controller slot of an input stream: a listener that hears every
   * completed batch (Spark's `InputDStream.rateController`). The context
   * registers it on start; backpressure wiring fills it.
   */
  rateController: StreamingListener | undefined = undefined
  private readonly buildError: InvalidStreamError | IllegalStateError | undefined

  /** @internal */
  constructor(readonly context: StreamingContextLike, readonly kind: DStreamKind<T>) {
    this.id = context.newStreamId()
    this.buildError = kind.error ?? (context.isStarted() ? addedAfterStart() : undefined)
  }

  /** The parent streams. */
  get dependencies(): ReadonlyArray<DStream<unknown>> {
    return this.kind.dependencies
  }

  /** Computes the RDD of batch `time` from the parents (no memoization; see `getOrCompute`). */
  compute(time: number): RDD<T> | undefined {
    return this.kind.compute(time, this)
  }

  /** The time between two RDDs of this stream (ms). */
  get slideDurationMs(): number {
    return this.kind.slideDurationMs ?? this.kind.dependencies[0]?.slideDurationMs ?? this.context.batchDurationMs
  }

  /** Whether this stream must be checkpointed (stateful streams). */
  get mustCheckpoint(): boolean {
    return this.kind.mustCheckpoint === true
  }

  /** @internal The first error in this stream's lineage, if any. */
  get validationError(): InvalidStreamError | IllegalStateError | undefined {
    if (this.buildError !== undefined) return this.buildError
    for (const parent of this.kind.dependencies) {
      const error = parent.validationError
      if (error !== undefined) return error
    }
    return undefined
  }

  /** Whether an RDD is generated at `time`: a slide boundary after the zero time. */
  isTimeValid(time: number): boolean {
    return metadata.isTimeValid(this, time)
  }

  /** @internal Sets the zero time and default remember duration, then the parents'. */
  initialize(zeroTime: number): void {
    metadata.initialize(this, zeroTime)
  }

  /** @internal Makes this stream (and its parents) keep RDDs at least `durationMs`. */
  remember(durationMs: number): void {
    metadata.remember(this, durationMs)
  }

  /**
   * The RDD of batch `time`: the remembered one, or computed (then persisted
   * and checkpointed as configured). `undefined` for times off the slide.
   */
  getOrCompute(time: number): RDD<T> | undefined {
    return metadata.getOrCompute(this, time)
  }

  /** The RDDs of the batches in `[from, to]`. */
  slice(fromTime: number, toTime: number): Array<RDD<T>> {
    return metadata.slice(this, fromTime, toTime)
  }

  /** @internal Forgets RDDs older than the remember duration (unpersisting them, appending them to `forgotten`), then the parents'. */
  clearMetadata(time: number, forgotten: Array<RDD<unknown>> = []): void {
    metadata.clearMetadata(this, time, forgotten)
  }

  /** @internal Checks durations and checkpointing before start. */
  validateAtStart(checkpointDir: string | undefined): InvalidStreamError | IllegalStateError | undefined {
    return metadata.validateAtStart(this, checkpointDir)
  }

  // ------------------------------------------------------------ persistence

  /** Persists every generated RDD at `level`. */
  persist(level: StorageLevel.StorageLevel = StorageLevel.MEMORY_ONLY_SER): this {
    this.storageLevel = level
    return this
  }

  /** `persist(MEMORY_ONLY_SER)`, Spark's default for DStreams. */
  cache(): this {
    return this.persist()
  }

  /** Checkpoints generated RDDs every `interval` (a multiple of the slide), truncating their lineage. */
  checkpoint(interval: Duration.Input): this {
    metadata.checkpoint(this, interval)
    return this
  }

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
  /** Applies an RDD-to-RDD function to every batch (`TransformedDStream`). */
  transform<U>(f: (rdd: RDD<T>, time: number) => RDD<U>): DStream<U> {
    return TransformedDStream.transform(this, f)
  }
  /** Applies a function of this stream's and another stream's RDDs of the same batch. */
  transformWith<U, V>(other: DStream<U>, f: (a: RDD<T>, b: RDD<U>, time: number) => RDD<V>): DStream<V> {
    return TransformedDStream.transformWith(this, other, f)
  }
  /** The elements of this stream and the others, batch by batch (`UnionDStream`; same slide required). */
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

  // ------------------------------------------------------------ key-value operations (PairDStreamFunctions)

  /** Applies `f` to every value. */
  mapValues<K, V, U>(this: DStream<Pair<K, V>>, f: (value: V) => U): DStream<[K, U]> {
    return PairFunctions.mapValues(this, f)
  }
  /** Applies `f` to every value and flattens. */
  flatMapValues<K, V, U>(this: DStream<Pair<K, V>>, f: (value: V) => Iterable<U>): DStream<[K, U]> {
    return PairFunctions.flatMapValues(this, f)
  }
  /** Groups the values of each key in each batch. */
  groupByKey<K, V>(this: DStream<Pair<K, V>>, partitions?: PartitionSpec): DStream<[K, Array<V>]> {
    return PairFunctions.groupByKey(this, partitions)
  }
  /** Merges the values of each key in each batch. */
  reduceByKey<K, V>(this: DStream<Pair<K, V>>, f: Reduce<V>, partitions?: PartitionSpec): DStream<[K, Widen<V>]> {
    return PairFunctions.reduceByKey(this, f, partitions)
  }
  /** Combines the values of each key in each batch. */
  combineByKey<K, V, C>(
    this: DStream<Pair<K, V>>,
    createCombiner: (value: V) => C,
    mergeValue: (c: C, value: V) => C,
    mergeCombiners: (a: C, b: C) => C,
    partitions?: PartitionSpec,
    mapSideCombine = true
  ): DStream<[K, C]> {
    return PairFunctions.combineByKey(this, createCombiner, mergeValue, mergeCombiners, partitions, mapSideCombine)
  }
  /** Groups the values of each key over each window. */
  groupByKeyAndWindow<K, V>(
    this: DStream<Pair<K, V>>,
    window: Duration.Input,
    slide?: Duration.Input,
    partitions?: PartitionSpec
  ): DStream<[K, Array<V>]> {
    return PairFunctions.groupByKeyAndWindow(this, window, slide, partitions)
  }
  /**
   * Merges the values of each key over each window. With `invF`, the window is
   * updated incrementally (`ReducedWindowedDStream`) and `filter` drops keys
   * (for example those whose count fell to zero); without, each window is
   * reduced from scratch.
   */
  reduceByKeyAndWindow<K, V>(
    this: DStream<Pair<K, V>>,
    f: Reduce<V>,
    window: Duration.Input,
    slide?: Duration.Input,
    partitions?: PartitionSpec
  ): DStream<[K, Widen<V>]>
  reduceByKeyAndWindow<K, V>(
    this: DStream<Pair<K, V>>,
    f: Reduce<V>,
    invF: Reduce<V>,
    window: Duration.Input,
    slide?: Duration.Input,
    partitions?: PartitionSpec,
    filter?: (kv: Pair<K, Widen<V>>) => boolean
  ): DStream<[K, Widen<V>]>
  reduceByKeyAndWindow<K, V>(this: DStream<Pair<K, V>>, f: Reduce<V>, ...rest: ReadonlyArray<unknown>): DStream<[K, Widen<V>]> {
    // Without an inverse function the arguments after f shift by one.
    const args = typeof rest[0] === "function" ? rest : [undefined, ...rest]
    return (PairFunctions.reduceByKeyAndWindow as (...args: ReadonlyArray<unknown>) => DStream<[K, Widen<V>]>)(this, f, ...args)
  }
  /**
   * Keeps a state per key across batches (`StateDStream`): `update(newValues,
   * previousState)` returns the new state, or `undefined` to drop the key.
   * Needs a checkpoint directory.
   */
  updateStateByKey<K, V, S>(
    this: DStream<Pair<K, V>>,
    update: (values: Array<V>, state: S | undefined) => S | undefined,
    partitions?: PartitionSpec,
    initialState?: RDD<Pair<K, S>>
  ): DStream<[K, S]> {
    return PairFunctions.updateStateByKey(this, update, partitions, initialState)
  }
  /** Maps each record with a function of a per-key state, with optional timeouts (`MapWithStateDStream`). */
  mapWithState<K, V, S, M>(this: DStream<Pair<K, V>>, spec: StateSpec<K, V, S, M>): MapWithStateDStream<K, S, M> {
    return PairFunctions.mapWithState(this, spec)
  }
  /** Groups the values of each key in this stream and another, batch by batch. */
  cogroup<K, V, W>(this: DStream<Pair<K, V>>, other: DStream<Pair<K, W>>, partitions?: PartitionSpec): DStream<[K, [Array<V>, Array<W>]]> {
    return PairFunctions.cogroup(this, other, partitions)
  }
  /** Joins this stream with another, batch by batch. */
  join<K, V, W>(this: DStream<Pair<K, V>>, other: DStream<Pair<K, W>>, partitions?: PartitionSpec): DStream<[K, [V, W]]> {
    return PairFunctions.join(this, other, partitions)
  }
  /** Left outer join with another stream, batch by batch. */
  leftOuterJoin<K, V, W>(
    this: DStream<Pair<K, V>>,
    other: DStream<Pair<K, W>>,
    partitions?: PartitionSpec
  ): DStream<[K, [V, W | undefined]]> {
    return PairFunctions.leftOuterJoin(this, other, partitions)
  }
  /** Right outer join with another stream, batch by batch. */
  rightOuterJoin<K, V, W>(
    this: DStream<Pair<K, V>>,
    other: DStream<Pair<K, W>>,
    partitions?: PartitionSpec
  ): DStream<[K, [V | undefined, W]]> {
    return PairFunctions.rightOuterJoin(this, other, partitions)
  }
  /** Full outer join with another stream, batch by batch. */
  fullOuterJoin<K, V, W>(
    this: DStream<Pair<K, V>>,
    other: DStream<Pair<K, W>>,
    partitions?: PartitionSpec
  ): DStream<[K, [V | undefined, W | undefined]]> {
    return PairFunctions.fullOuterJoin(this, other, partitions)
  }

  // ------------------------------------------------------------ output operations (ForEachDStream)

  /** Runs `f` on every batch's RDD, on the driver; `f` may return an Effect, which the job waits for. */
  foreachRDD(f: (rdd: RDD<T>, time: number) => Effect.Effect<unknown, unknown> | void): void {
    ForEachDStream.foreachRDD(this, f)
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
