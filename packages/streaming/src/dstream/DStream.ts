/**
 * The discretized stream: a sequence of RDDs, one per batch interval, each
 * computed from its parents' RDDs of the same batch.
 *
 * Mirrors `org.apache.spark.streaming.dstream.DStream` and
 * `PairDStreamFunctions`.
 *
 * Building DStreams is pure; the `StreamingContext` computes them once per
 * batch. Invalid arguments (a window that is not a multiple of the slide)
 * make `start` fail with a typed error naming the stream.
 *
 * @since 0.1.0
 */
import { Closure, Partitioner, RDD as RDDModule, StorageLevel } from "@tspark/core"
import { Console, Duration, Effect } from "effect"
import { isMultipleOf, positiveMillis } from "../internal/durations.js"
import type { StreamingContextLike } from "../internal/context.js"
import type { StreamingListener } from "../scheduler/StreamingListener.js"
import { IllegalStateError, InvalidStreamError } from "../StreamingError.js"

type RDD<T> = RDDModule.RDD<T>
const withEnv = Closure.withEnv
type Pair<K, V> = RDDModule.Pair<K, V>
type Widen<V> = RDDModule.Widen<V>
type PartitionSpec = RDDModule.PartitionSpec

/**
 * One output operation's work for one batch.
 *
 * Mirrors `org.apache.spark.streaming.scheduler.Job`.
 *
 * @category models
 * @since 0.1.0
 */
export interface Job {
  readonly time: number
  readonly outputOpId: number
  readonly description: string
  readonly run: Effect.Effect<void, unknown>
}

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
    this.buildError = kind.error ??
      (context.isStarted()
        ? new IllegalStateError({
          message: "Adding new inputs, transformations, and output operations after starting a context is not " +
            "supported: build the whole graph before ssc.start()"
        })
        : undefined)
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
    if (this.zeroTime === undefined) return false
    return time > this.zeroTime && (time - this.zeroTime) % this.slideDurationMs === 0
  }

  /** @internal Sets the zero time and default remember duration, then the parents'. */
  initialize(zeroTime: number): void {
    if (this.zeroTime !== undefined && this.zeroTime === zeroTime) return
    this.zeroTime = zeroTime
    if (this.mustCheckpoint && this.checkpointDurationMs === undefined) {
      // Spark's default: checkpoint stateful streams every max(slide, 10 s) slides.
      const slide = this.slideDurationMs
      this.checkpointDurationMs = slide * Math.max(1, Math.ceil(10_000 / slide))
    }
    let remember = this.rememberDurationMs ?? this.slideDurationMs
    if (this.checkpointDurationMs !== undefined) remember = Math.max(remember, 2 * this.checkpointDurationMs)
    this.rememberDurationMs = remember
    for (const parent of this.dependencies) parent.initialize(zeroTime)
  }

  /** @internal Makes this stream (and its parents) keep RDDs at least `durationMs`. */
  remember(durationMs: number): void {
    if (this.rememberDurationMs === undefined || durationMs > this.rememberDurationMs) this.rememberDurationMs = durationMs
    const forParents = this.kind.parentRememberDurationMs?.(this.rememberDurationMs) ?? this.rememberDurationMs
    for (const parent of this.dependencies) parent.remember(forParents)
  }

  /**
   * The RDD of batch `time`: the remembered one, or computed (then persisted
   * and checkpointed as configured). `undefined` for times off the slide.
   */
  getOrCompute(time: number): RDD<T> | undefined {
    const existing = this.generatedRDDs.get(time)
    if (existing !== undefined) return existing
    if (!this.isTimeValid(time)) return undefined
    const rdd = this.kind.compute(time, this)
    if (rdd === undefined) return undefined
    if (this.storageLevel !== StorageLevel.NONE) rdd.persist(this.storageLevel)
    if (
      this.checkpointDurationMs !== undefined && this.zeroTime !== undefined &&
      (time - this.zeroTime) % this.checkpointDurationMs === 0
    ) {
      rdd.checkpoint()
    }
    this.generatedRDDs.set(time, rdd)
    return rdd
  }

  /** The RDDs of the batches in `[from, to]`. */
  slice(fromTime: number, toTime: number): Array<RDD<T>> {
    const rdds: Array<RDD<T>> = []
    if (this.zeroTime === undefined) return rdds
    const slide = this.slideDurationMs
    // Align to this stream's slide boundaries.
    let time = fromTime
    const offset = (time - this.zeroTime) % slide
    if (offset !== 0) time += slide - ((offset + slide) % slide)
    for (; time <= toTime; time += slide) {
      const rdd = this.getOrCompute(time)
      if (rdd !== undefined) rdds.push(rdd)
    }
    return rdds
  }

  /** @internal Forgets RDDs older than the remember duration (unpersisting them), then the parents'. */
  clearMetadata(time: number): void {
    const horizon = time - (this.rememberDurationMs ?? this.slideDurationMs)
    for (const [batch, rdd] of this.generatedRDDs) {
      if (batch <= horizon) {
        this.generatedRDDs.delete(batch)
        if (rdd.storageLevel !== StorageLevel.NONE) rdd.unpersist()
      }
    }
    for (const parent of this.dependencies) parent.clearMetadata(time)
  }

  /** @internal Checks durations and checkpointing before start. */
  validateAtStart(checkpointDir: string | undefined): InvalidStreamError | IllegalStateError | undefined {
    const error = this.validationError
    if (error !== undefined) return error
    if (this.mustCheckpoint && checkpointDir === undefined) {
      return new InvalidStreamError({
        stream: this.kind.name,
        message: `${this.kind.name} is stateful and must be checkpointed: set a checkpoint directory with ssc.checkpoint(dir)`
      })
    }
    if (this.checkpointDurationMs !== undefined && !isMultipleOf(this.checkpointDurationMs, this.slideDurationMs)) {
      return new InvalidStreamError({
        stream: this.kind.name,
        message: `The checkpoint interval ${this.checkpointDurationMs} ms of ${this.kind.name} must be a multiple of ` +
          `its slide duration ${this.slideDurationMs} ms`
      })
    }
    for (const parent of this.dependencies) {
      const parentError = parent.validateAtStart(checkpointDir)
      if (parentError !== undefined) return parentError
    }
    return undefined
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
    const ms = positiveMillis(interval, this.kind.name, "checkpoint interval")
    if (typeof ms === "number") {
      this.checkpointDurationMs = ms
      if (this.storageLevel === StorageLevel.NONE) this.persist()
    }
    return this
  }

  // ------------------------------------------------------------ transformations

  private derive<U>(name: string, f: (rdd: RDD<T>, time: number) => RDD<U>): DStream<U> {
    return new DStream<U>(this.context, {
      name,
      dependencies: [this as DStream<unknown>],
      compute: (time) => {
        const rdd = this.getOrCompute(time)
        return rdd === undefined ? undefined : f(rdd, time)
      }
    })
  }

  /** Applies `f` to every element. */
  map<U>(f: (value: T) => U): DStream<U> {
    return this.derive("MappedDStream", (rdd) => rdd.map(f))
  }

  /** Applies `f` to every element and flattens. */
  flatMap<U>(f: (value: T) => Iterable<U>): DStream<U> {
    return this.derive("FlatMappedDStream", (rdd) => rdd.flatMap(f))
  }

  /** Keeps the elements that satisfy `f`. */
  filter(f: (value: T) => boolean): DStream<T> {
    return this.derive("FilteredDStream", (rdd) => rdd.filter(f))
  }

  /** Turns each partition of each batch into an array. */
  glom(): DStream<Array<T>> {
    return this.derive("GlommedDStream", (rdd) => rdd.glom())
  }

  /** Applies `f` to each partition of each batch. */
  mapPartitions<U>(f: (iterator: IterableIterator<T>) => Iterable<U> | Iterator<U>, preservesPartitioning = false): DStream<U> {
    return this.derive("MapPartitionedDStream", (rdd) => rdd.mapPartitions(f, preservesPartitioning))
  }

  /** Redistributes each batch over `numPartitions` partitions. */
  repartition(numPartitions: number): DStream<T> {
    return this.derive("RepartitionedDStream", (rdd) => rdd.repartition(numPartitions))
  }

  /** Applies an RDD-to-RDD function to every batch. */
  transform<U>(f: (rdd: RDD<T>, time: number) => RDD<U>): DStream<U> {
    return this.derive("TransformedDStream", f)
  }

  /** Applies a function of this stream's and another stream's RDDs of the same batch. */
  transformWith<U, V>(other: DStream<U>, f: (a: RDD<T>, b: RDD<U>, time: number) => RDD<V>): DStream<V> {
    const error = this.slideDurationMs === other.slideDurationMs ? undefined : new InvalidStreamError({
      stream: "TransformedDStream",
      message: `transformWith needs streams with the same slide duration, got ${this.slideDurationMs} and ` +
        `${other.slideDurationMs} ms`
    })
    return new DStream<V>(this.context, {
      name: "TransformedDStream",
      dependencies: [this as DStream<unknown>, other as DStream<unknown>],
      error,
      compute: (time) => {
        const a = this.getOrCompute(time)
        const b = other.getOrCompute(time)
        return a === undefined || b === undefined ? undefined : f(a, b, time)
      }
    })
  }

  /** The elements of this stream and the others, batch by batch (same slide required). */
  union(...others: ReadonlyArray<DStream<T>>): DStream<T> {
    const all = [this, ...others]
    const mismatch = all.find((s) => s.slideDurationMs !== this.slideDurationMs)
    return new DStream<T>(this.context, {
      name: "UnionDStream",
      dependencies: all as ReadonlyArray<DStream<unknown>>,
      error: mismatch === undefined ? undefined : new InvalidStreamError({
        stream: "UnionDStream",
        message: `union needs streams with the same slide duration, got ${this.slideDurationMs} and ` +
          `${mismatch.slideDurationMs} ms`
      }),
      compute: (time) => {
        const rdds = all.map((s) => s.getOrCompute(time)).filter((r): r is RDD<T> => r !== undefined)
        return rdds.length === 0 ? undefined : this.context.sparkContext.union(rdds)
      }
    })
  }

  /** The number of elements in each batch (a one-element RDD, 0 for an empty batch). */
  count(): DStream<number> {
    return this.derive("CountDStream", (rdd) =>
      rdd.map((): [null, number] => [null, 1])
        .union(this.context.sparkContext.parallelize<[null, number]>([[null, 0]], 1))
        .reduceByKey((a, b) => a + b, 1)
        .values())
  }

  /** How many times each distinct element occurs in each batch. */
  countByValue(numPartitions?: number): DStream<[T, number]> {
    return this.map((x) => [x, 1] as const).reduceByKey((a, b) => a + b, numPartitions)
  }

  /** Reduces each batch to one element with `f` (empty batches give empty RDDs). */
  reduce(f: (a: T, b: T) => T): DStream<T> {
    return this.map((x) => [null, x] as Pair<null, T>).reduceByKey(f as never, 1).map((kv) => kv[1] as T)
  }

  // ------------------------------------------------------------ windows

  /**
   * Each RDD holds the elements of the last `window` of time, every `slide`
   * (default: this stream's slide). Both must be multiples of this stream's slide.
   */
  window(window: Duration.Input, slide?: Duration.Input): DStream<T> {
    const parentSlide = this.slideDurationMs
    const { error, s, w } = resolveWindow("WindowedDStream", window, slide, parentSlide)
    if (error === undefined) this.persist()
    return new DStream<T>(this.context, {
      name: "WindowedDStream",
      dependencies: [this as DStream<unknown>],
      slideDurationMs: s,
      error,
      parentRememberDurationMs: (remember) => remember + w,
      compute: (time) => {
        const rdds = this.slice(time - w + parentSlide, time)
        return this.context.sparkContext.union(rdds)
      }
    })
  }

  /** Reduces the elements of each window with `f`. */
  reduceByWindow(f: (a: T, b: T) => T, window: Duration.Input, slide: Duration.Input): DStream<T>
  /**
   * Reduces the elements of each window incrementally: adds the batches that
   * enter with `f` and removes the batches that leave with `invF`.
   */
  reduceByWindow(f: (a: T, b: T) => T, invF: (a: T, b: T) => T, window: Duration.Input, slide: Duration.Input): DStream<T>
  reduceByWindow(
    f: (a: T, b: T) => T,
    a: ((a: T, b: T) => T) | Duration.Input,
    b: Duration.Input,
    c?: Duration.Input
  ): DStream<T> {
    if (typeof a === "function") {
      return this.map((x) => [0, x] as Pair<number, T>)
        .reduceByKeyAndWindow(f as never, a as never, b, c, 1)
        .map((kv) => kv[1] as T)
    }
    return this.reduce(f).window(a, b).reduce(f)
  }

  /** The number of elements in each window. */
  countByWindow(window: Duration.Input, slide: Duration.Input): DStream<number> {
    return this.map(() => 1).reduceByWindow((x, y) => x + y, (x, y) => x - y, window, slide)
  }

  /** How many times each distinct element occurs in each window. */
  countByValueAndWindow(window: Duration.Input, slide: Duration.Input, numPartitions?: number): DStream<[T, number]> {
    return this.map((x) => [x, 1] as const).reduceByKeyAndWindow(
      (x, y) => x + y,
      (x, y) => x - y,
      window,
      slide,
      numPartitions,
      (kv) => kv[1] !== 0
    )
  }

  // ------------------------------------------------------------ pair operations

  private pairDerive<U>(name: string, f: (rdd: RDD<T>) => RDD<U>): DStream<U> {
    return this.derive(name, f)
  }

  /** Applies `f` to every value. */
  mapValues<K, V, U>(this: DStream<Pair<K, V>>, f: (value: V) => U): DStream<[K, U]> {
    return this.pairDerive("MapValuedDStream", (rdd) => rdd.mapValues(f))
  }

  /** Applies `f` to every value and flattens. */
  flatMapValues<K, V, U>(this: DStream<Pair<K, V>>, f: (value: V) => Iterable<U>): DStream<[K, U]> {
    return this.pairDerive("FlatMapValuedDStream", (rdd) => rdd.flatMapValues(f))
  }

  /** Groups the values of each key in each batch. */
  groupByKey<K, V>(this: DStream<Pair<K, V>>, partitions?: PartitionSpec): DStream<[K, Array<V>]> {
    return this.pairDerive("ShuffledDStream", (rdd) => rdd.groupByKey(partitions))
  }

  /** Merges the values of each key in each batch. */
  reduceByKey<K, V>(
    this: DStream<Pair<K, V>>,
    f: (a: Widen<V>, b: Widen<V>) => Widen<V>,
    partitions?: PartitionSpec
  ): DStream<[K, Widen<V>]> {
    return this.pairDerive("ShuffledDStream", (rdd) => rdd.reduceByKey(f, partitions))
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
    return this.pairDerive(
      "ShuffledDStream",
      (rdd) => rdd.combineByKey(createCombiner, mergeValue, mergeCombiners, partitions, mapSideCombine)
    )
  }

  /** Groups the values of each key over each window. */
  groupByKeyAndWindow<K, V>(
    this: DStream<Pair<K, V>>,
    window: Duration.Input,
    slide?: Duration.Input,
    partitions?: PartitionSpec
  ): DStream<[K, Array<V>]> {
    return this.window(window, slide).groupByKey(partitions)
  }

  /**
   * Merges the values of each key over each window. With `invF`, the window is
   * updated incrementally: batches entering are merged with `f`, batches
   * leaving are removed with `invF`, and `filter` drops keys (for example
   * those whose count fell to zero). Without `invF`, each window is reduced
   * from scratch.
   */
  reduceByKeyAndWindow<K, V>(
    this: DStream<Pair<K, V>>,
    f: (a: Widen<V>, b: Widen<V>) => Widen<V>,
    window: Duration.Input,
    slide?: Duration.Input,
    partitions?: PartitionSpec
  ): DStream<[K, Widen<V>]>
  reduceByKeyAndWindow<K, V>(
    this: DStream<Pair<K, V>>,
    f: (a: Widen<V>, b: Widen<V>) => Widen<V>,
    invF: (a: Widen<V>, b: Widen<V>) => Widen<V>,
    window: Duration.Input,
    slide?: Duration.Input,
    partitions?: PartitionSpec,
    filter?: (kv: Pair<K, Widen<V>>) => boolean
  ): DStream<[K, Widen<V>]>
  reduceByKeyAndWindow<K, V>(
    this: DStream<Pair<K, V>>,
    f: (a: Widen<V>, b: Widen<V>) => Widen<V>,
    ...rest: ReadonlyArray<unknown>
  ): DStream<[K, Widen<V>]> {
    if (typeof rest[0] !== "function") {
      const [window, slide, partitions] = rest as [Duration.Input, Duration.Input | undefined, PartitionSpec]
      const windowed = this.reduceByKey(f, partitions).window(window, slide) as unknown as DStream<Pair<K, V>>
      return windowed.reduceByKey(f, partitions)
    }
    const [invF, window, slide, partitions, filter] = rest as [
      (a: Widen<V>, b: Widen<V>) => Widen<V>,
      Duration.Input,
      Duration.Input | undefined,
      PartitionSpec,
      ((kv: Pair<K, Widen<V>>) => boolean) | undefined
    ]
    return reducedWindow(this, f, invF, window, slide, partitions, filter)
  }

  /**
   * Keeps a state per key across batches: `update(newValues, previousState)`
   * returns the new state, or `undefined` to drop the key. Needs a checkpoint
   * directory (the state's lineage grows every batch).
   */
  updateStateByKey<K, V, S>(
    this: DStream<Pair<K, V>>,
    update: (values: Array<V>, state: S | undefined) => S | undefined,
    partitions?: PartitionSpec,
    initialState?: RDD<Pair<K, S>>
  ): DStream<[K, S]> {
    const parent = this
    const sc = this.context.sparkContext
    const partitioner = resolvePartitioner(partitions, sc.defaultParallelism)
    const stream = new DStream<[K, S]>(this.context, {
      name: "StateDStream",
      dependencies: [this as DStream<unknown>],
      mustCheckpoint: true,
      compute: (time, self) => {
        const previous = self.getOrCompute(time - self.slideDurationMs) ??
          (initialState === undefined ? undefined : initialState.partitionBy(partitioner) as RDD<[K, S]>)
        const batch = parent.getOrCompute(time)
        if (previous === undefined && batch === undefined) return undefined
        const prev = previous ?? sc.emptyRDD<[K, S]>()
        const data = batch ?? sc.emptyRDD<Pair<K, V>>()
        return prev.cogroup(data as RDD<Pair<K, V>>, partitioner).flatMap(
          withEnv({ update }, ({ update }) => ([key, [states, values]]: [K, [Array<S>, Array<V>]]) => {
            const next = update(values, states[0])
            return next === undefined ? [] : [[key, next] as [K, S]]
          })
        )
      }
    })
    // As Spark's StateDStream: keep each batch's state serialized, so the next batch
    // reads a copy (an update function that mutates its state cannot change an earlier
    // batch's state) and does not recompute the whole state lineage.
    return stream.persist(StorageLevel.MEMORY_ONLY_SER)
  }

  /**
   * Maps each record with a function that can read and update a state kept
   * per key, with optional timeouts. See `StateSpec`.
   */
  mapWithState<K, V, S, M>(this: DStream<Pair<K, V>>, spec: StateSpec<K, V, S, M>): MapWithStateDStream<K, S, M> {
    return mapWithState(this, spec)
  }

  /** Groups the values of each key in this stream and another, batch by batch. */
  cogroup<K, V, W>(this: DStream<Pair<K, V>>, other: DStream<Pair<K, W>>, partitions?: PartitionSpec): DStream<[K, [Array<V>, Array<W>]]> {
    return this.transformWith(other, (a, b) => a.cogroup(b, partitions))
  }

  /** Joins this stream with another, batch by batch. */
  join<K, V, W>(this: DStream<Pair<K, V>>, other: DStream<Pair<K, W>>, partitions?: PartitionSpec): DStream<[K, [V, W]]> {
    return this.transformWith(other, (a, b) => a.join(b, partitions))
  }

  /** Left outer join with another stream, batch by batch. */
  leftOuterJoin<K, V, W>(this: DStream<Pair<K, V>>, other: DStream<Pair<K, W>>, partitions?: PartitionSpec): DStream<[K, [V, W | undefined]]> {
    return this.transformWith(other, (a, b) => a.leftOuterJoin(b, partitions))
  }

  /** Right outer join with another stream, batch by batch. */
  rightOuterJoin<K, V, W>(this: DStream<Pair<K, V>>, other: DStream<Pair<K, W>>, partitions?: PartitionSpec): DStream<[K, [V | undefined, W]]> {
    return this.transformWith(other, (a, b) => a.rightOuterJoin(b, partitions))
  }

  /** Full outer join with another stream, batch by batch. */
  fullOuterJoin<K, V, W>(
    this: DStream<Pair<K, V>>,
    other: DStream<Pair<K, W>>,
    partitions?: PartitionSpec
  ): DStream<[K, [V | undefined, W | undefined]]> {
    return this.transformWith(other, (a, b) => a.fullOuterJoin(b, partitions))
  }

  // ------------------------------------------------------------ output operations

  /**
   * Runs `f` on every batch's RDD (on the driver; actions inside run jobs).
   * `f` may return an Effect, which the job waits for.
   */
  foreachRDD(f: (rdd: RDD<T>, time: number) => Effect.Effect<unknown, unknown> | void): void {
    const output = new DStream<never>(this.context, {
      name: "ForEachDStream",
      dependencies: [this as DStream<unknown>],
      compute: () => undefined,
      output: (rdd, time) =>
        Effect.suspend(() => {
          const result = f(rdd as RDD<T>, time)
          return Effect.isEffect(result) ? Effect.asVoid(result) : Effect.void
        })
    })
    this.context.registerOutputStream(output as unknown as DStream<unknown>)
  }

  /**
   * Prints the first `num` elements of every batch, after a header with the
   * batch time, as Spark's `print()`.
   */
  print(num = 10): void {
    this.foreachRDD((rdd, time) =>
      Effect.gen(function*() {
        const first = yield* rdd.take(num + 1)
        const lines = ["-------------------------------------------", `Time: ${time} ms`, "-------------------------------------------"]
        for (const x of first.slice(0, num)) lines.push(formatElement(x))
        if (first.length > num) lines.push("...")
        lines.push("")
        yield* Console.log(lines.join("\n"))
      })
    )
  }

  /** Saves every batch as text files in `prefix-TIME_IN_MS[.suffix]`. */
  saveAsTextFiles(prefix: string, suffix?: string): void {
    this.foreachRDD((rdd, time) => rdd.saveAsTextFile(suffix === undefined ? `${prefix}-${time}` : `${prefix}-${time}.${suffix}`))
  }
}

const formatElement = (x: unknown): string =>
  Array.isArray(x) ? `(${x.map(formatElement).join(",")})` : typeof x === "string" ? x : String(x)

/**
 * A window's duration and slide in ms (the slide defaults to the parent's),
 * with the error that makes `start` fail when they do not fit the parent.
 * On error the parent's slide stands in, so the stream can still be built.
 */
const resolveWindow = (stream: string, window: Duration.Input, slide: Duration.Input | undefined, parentSlide: number) => {
  const windowMs = positiveMillis(window, stream, "window duration")
  const slideMs = slide === undefined ? parentSlide : positiveMillis(slide, stream, "slide duration")
  return {
    error: windowError(stream, windowMs, slideMs, parentSlide),
    w: typeof windowMs === "number" ? windowMs : parentSlide,
    s: typeof slideMs === "number" ? slideMs : parentSlide
  }
}

const windowError = (
  stream: string,
  windowMs: number | InvalidStreamError,
  slideMs: number | InvalidStreamError,
  parentSlide: number
): InvalidStreamError | undefined => {
  if (typeof windowMs !== "number") return windowMs
  if (typeof slideMs !== "number") return slideMs
  if (!isMultipleOf(windowMs, parentSlide)) {
    return new InvalidStreamError({
      stream,
      message: `The window duration ${windowMs} ms must be a multiple of the parent stream's slide duration ${parentSlide} ms`
    })
  }
  if (!isMultipleOf(slideMs, parentSlide)) {
    return new InvalidStreamError({
      stream,
      message: `The slide duration ${slideMs} ms must be a multiple of the parent stream's slide duration ${parentSlide} ms`
    })
  }
  return undefined
}

const resolvePartitioner = (spec: PartitionSpec, defaultParallelism: number): Partitioner.Partitioner =>
  typeof spec === "number"
    ? new Partitioner.HashPartitioner(Math.max(1, spec))
    : spec ?? new Partitioner.HashPartitioner(defaultParallelism)

/**
 * reduceByKeyAndWindow with an inverse function: each window's RDD is the
 * previous window's, minus the batches that left (invF), plus the batches
 * that entered (f). Mirrors `ReducedWindowedDStream`.
 */
const reducedWindow = <K, V>(
  parent: DStream<Pair<K, V>>,
  f: (a: Widen<V>, b: Widen<V>) => Widen<V>,
  invF: (a: Widen<V>, b: Widen<V>) => Widen<V>,
  window: Duration.Input,
  slide: Duration.Input | undefined,
  partitions: PartitionSpec,
  filter: ((kv: Pair<K, Widen<V>>) => boolean) | undefined
): DStream<[K, Widen<V>]> => {
  const sc = parent.context.sparkContext
  const reduced = parent.reduceByKey(f, partitions).persist()
  const parentSlide = parent.slideDurationMs
  const { error, s, w } = resolveWindow("ReducedWindowedDStream", window, slide, parentSlide)
  const partitioner = resolvePartitioner(partitions, sc.defaultParallelism)
  return new DStream<[K, Widen<V>]>(parent.context, {
    name: "ReducedWindowedDStream",
    dependencies: [reduced as DStream<unknown>],
    slideDurationMs: s,
    error,
    mustCheckpoint: true,
    parentRememberDurationMs: (remember) => remember + w,
    compute: (time, self) => {
      const currentStart = time - w
      const previousTime = time - s
      const previousStart = previousTime - w
      // Batches that left the window: (previousStart, currentStart]; entered: (previousTime, time].
      const oldRDDs = reduced.slice(previousStart + parentSlide, currentStart)
      const newRDDs = reduced.slice(previousTime + parentSlide, time)
      // Before the first window there is no previous one: start from nothing.
      const previousWindow = self.getOrCompute(previousTime) ?? sc.emptyRDD<[K, Widen<V>]>()
      const all = [previousWindow, ...oldRDDs, ...newRDDs] as Array<RDD<Pair<K, Widen<V>>>>
      const numOld = oldRDDs.length
      const tagged = all.map((rdd, i) => rdd.mapValues(withEnv({ i }, ({ i }) => (v: Widen<V>) => [i, v] as const)))
      const grouped = sc.union(tagged).groupByKey(partitioner)
      const merged = grouped.flatMap(withEnv({ numOld, f, invF }, ({ numOld, f, invF }) => ([key, tags]: [K, Array<readonly [number, Widen<V>]>]) => {
        let previous: Widen<V> | undefined
        const olds: Array<Widen<V>> = []
        const news: Array<Widen<V>> = []
        for (const [i, v] of tags) {
          if (i === 0) previous = v
          else if (i <= numOld) olds.push(v)
          else news.push(v)
        }
        let value = previous
        if (olds.length > 0) {
          if (value === undefined) {
            throw new Error(`Neither previous window has value for key ${String(key)}, nor new values found; ` +
              "is the inverse function consistent with the reduce function?")
          }
          value = olds.reduce(invF, value)
        }
        if (news.length > 0) {
          const added = news.reduce(f)
          value = value === undefined ? added : f(value, added)
        }
        return value === undefined ? [] : [[key, value] as [K, Widen<V>]]
      }))
      return filter === undefined ? merged : merged.filter(filter)
    }
  })
}

// ------------------------------------------------------------ mapWithState

/**
 * Builds the `State` class. A function of nothing, so that tasks which need
 * the class (mapWithState's) can ship it to executors in their environment.
 */
const makeStateClass = () => {
  class State<S> {
    private value: S | undefined
    private defined: boolean
    private removed = false
    private updated = false

    /** @internal */
    constructor(value: S | undefined, defined: boolean, readonly isTimingOut: boolean) {
      this.value = value
      this.defined = defined
    }

    /** Whether the key has a state. */
    exists(): boolean {
      return this.defined
    }

    /** The state; `undefined` when there is none. */
    getOption(): S | undefined {
      return this.defined ? this.value : undefined
    }

    /** The state; throws (failing the task) when there is none: check `exists()` first. */
    get(): S {
      if (!this.defined) throw new Error("State is not set: check exists() before get()")
      return this.value as S
    }

    /** Sets the state. Not allowed while the key is timing out. */
    update(value: S): void {
      if (this.isTimingOut) throw new Error("Cannot update the state of a key that is timing out")
      if (this.removed) throw new Error("Cannot update the state after it has been removed")
      this.value = value
      this.defined = true
      this.updated = true
    }

    /** Removes the state. */
    remove(): void {
      if (this.isTimingOut) throw new Error("Cannot remove the state of a key that is timing out")
      this.removed = true
      this.defined = false
      this.value = undefined
    }

    /** @internal */
    get wasRemoved(): boolean {
      return this.removed
    }

    /** @internal */
    get wasUpdated(): boolean {
      return this.updated
    }
  }
  return State
}

/**
 * The state of one key, as a `mapWithState` function sees it.
 *
 * Mirrors `org.apache.spark.streaming.State`.
 *
 * @category models
 * @since 0.1.0
 */
export interface State<S> {
  /** Whether the key is being removed for inactivity (its last call; `update` and `remove` are not allowed). */
  readonly isTimingOut: boolean
  /** Whether the key has a state. */
  exists(): boolean
  /** The state; `undefined` when there is none. */
  getOption(): S | undefined
  /** The state; throws (failing the task) when there is none: check `exists()` first. */
  get(): S
  /** Sets the state. */
  update(value: S): void
  /** Removes the state. */
  remove(): void
  /** @internal */
  readonly wasRemoved: boolean
  /** @internal */
  readonly wasUpdated: boolean
}

/**
 * Creates a key's state (the engine does, for each call of a `mapWithState` function).
 *
 * @category constructors
 * @since 0.1.0
 */
export const State: new<S>(value: S | undefined, defined: boolean, isTimingOut: boolean) => State<S> = makeStateClass()

/**
 * What `mapWithState` needs: the function, and optionally an initial state,
 * a partitioner and an idle timeout after which a key's state is removed (the
 * function is then called once more with no value and `state.isTimingOut`).
 *
 * Mirrors `org.apache.spark.streaming.StateSpec`.
 *
 * @category models
 * @since 0.1.0
 */
export interface StateSpec<K, V, S, M> {
  readonly func: (key: K, value: V | undefined, state: State<S>, time: number) => M | undefined
  readonly initialState?: RDD<Pair<K, S>>
  readonly partitions?: PartitionSpec
  readonly timeout?: Duration.Input
}

/**
 * The stream of mapped values of `mapWithState`, with the state snapshots.
 *
 * @category models
 * @since 0.1.0
 */
export interface MapWithStateDStream<K, S, M> extends DStream<M> {
  /** Every key's state after each batch. */
  readonly stateSnapshots: () => DStream<[K, S]>
}

interface StateEntry<S> {
  readonly state: S
  readonly updatedAt: number
}

const mapWithState = <K, V, S, M>(parent: DStream<Pair<K, V>>, spec: StateSpec<K, V, S, M>): MapWithStateDStream<K, S, M> => {
  const sc = parent.context.sparkContext
  const partitioner = resolvePartitioner(spec.partitions, sc.defaultParallelism)
  const timeoutMs = spec.timeout === undefined ? undefined : positiveMillis(spec.timeout, "MapWithStateDStream", "timeout")
  type Record = readonly [K, { readonly entry: StateEntry<S> | undefined; readonly mapped: Array<M> }]
  // The internal stream: per key, the state after the batch and the values mapped in it.
  const records = new DStream<Record>(parent.context, {
    name: "InternalMapWithStateDStream",
    dependencies: [parent as DStream<unknown>],
    mustCheckpoint: true,
    error: typeof timeoutMs === "number" || timeoutMs === undefined ? undefined : timeoutMs,
    compute: (time, self) => {
      const previousRecords = self.getOrCompute(time - self.slideDurationMs)
      const previous: RDD<Pair<K, StateEntry<S>>> = previousRecords !== undefined
        ? previousRecords.flatMap(([k, r]) => (r.entry === undefined ? [] : [[k, r.entry] as const]))
        : spec.initialState !== undefined
        ? spec.initialState.map(withEnv({ time }, ({ time }) => ([k, s]: Pair<K, S>) => [k, { state: s, updatedAt: time }] as const))
        : sc.emptyRDD()
      const batch = parent.getOrCompute(time) ?? sc.emptyRDD<Pair<K, V>>()
      const timeout = typeof timeoutMs === "number" ? timeoutMs : undefined
      const func = spec.func
      return previous.cogroup(batch, partitioner).map(withEnv({ func, time, timeout, makeStateClass }, ({ func, time, timeout, makeStateClass }) => {
        const State = makeStateClass()
        return ([key, [entries, values]]: [K, [Array<StateEntry<S>>, Array<V>]]): Record => {
        let entry: StateEntry<S> | undefined = entries[0]
        const mapped: Array<M> = []
        for (const value of values) {
          const state: State<S> = new State<S>(entry?.state, entry !== undefined, false)
          const out = func(key, value, state, time)
          if (out !== undefined) mapped.push(out)
          if (state.wasRemoved) entry = undefined
          else if (state.wasUpdated) entry = { state: state.get(), updatedAt: time }
          else if (entry !== undefined) entry = { state: entry.state, updatedAt: time }
        }
        if (values.length === 0 && entry !== undefined && timeout !== undefined && entry.updatedAt <= time - timeout) {
          const state = new State<S>(entry.state, true, true)
          const out = func(key, undefined, state, time)
          if (out !== undefined) mapped.push(out)
          entry = undefined
        }
        return [key, { entry, mapped }]
      }
      }))
    }
  })
  // As Spark's InternalMapWithStateDStream: each batch's state is persisted, so the next
  // batch starts from it rather than recomputing every earlier batch.
  records.persist(StorageLevel.MEMORY_ONLY_SER)
  const mappedStream = records.flatMap(([, r]) => r.mapped) as MapWithStateDStream<K, S, M>
  Object.defineProperty(mappedStream, "stateSnapshots", {
    value: () => records.flatMap(([k, r]) => (r.entry === undefined ? [] : [[k, r.entry.state] as [K, S]]))
  })
  return mappedStream
}
