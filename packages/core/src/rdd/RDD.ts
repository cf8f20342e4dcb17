/**
 * The resilient distributed dataset: an immutable, partitioned collection that
 * knows its lineage (the parents and the operation it was built from), so any
 * lost partition can be recomputed.
 *
 * Mirrors `org.apache.spark.rdd.RDD` and `PairRDDFunctions`.
 *
 * Building RDDs is pure and cheap; actions (`collect`, `count`, ...) return
 * Effects that run a job on the context's scheduler.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"

import { engineFunction } from "../internal/closure/engineFunctions.js"
import { withEnv } from "../internal/closure/shipping.js"
import { ArrayIterator } from "../internal/rdd/iterators.js"
import type { RDDOp } from "../internal/rdd/op.js"
import * as Ops from "../internal/rdd/ops.js"
import type { TaskContext } from "../scheduler/TaskContext.js"
import type { Aggregator } from "../shuffle/Aggregator.js"
import {
  type ActionError,
  CheckpointError,
  describeCause,
  InvalidArgumentError,
  PartitionerMismatchError,
  StorageLevelChangeError
} from "../SparkError.js"
import type { TaskNotSerializableError } from "../Closure.js"
import * as BlockId from "../storage/BlockId.js"
import * as StorageLevel from "../storage/StorageLevel.js"
import { KeyMap } from "../util/KeyMap.js"
import { compareKeys, type Ordering } from "../util/Ordering.js"
import type { Dependency, ShuffleDependency } from "./Dependency.js"
import type { Partition } from "./Partition.js"
import { defaultPartitioner, determineBounds, HashPartitioner, type Partitioner, RangePartitioner } from "./Partitioner.js"

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

/**
 * A key-value record.
 *
 * @category models
 * @since 0.1.0
 */
export type Pair<K, V> = readonly [K, V]

/**
 * Widens literal types (`1` to `number`), so `map(w => [w, 1] as const).reduceByKey((a, b) => a + b)` types.
 *
 * @category models
 * @since 0.1.0
 */
export type Widen<V> = V extends number ? number : V extends string ? string : V extends boolean ? boolean
  : V extends bigint ? bigint
  : V

/**
 * Where a pair operation puts its result: a partitioner, a number of
 * partitions (hash partitioned), or nothing for Spark's default.
 *
 * @category models
 * @since 0.1.0
 */
export type PartitionSpec = Partitioner | number | undefined

type CheckpointState =
  | { readonly _tag: "None" }
  | { readonly _tag: "Marked"; readonly reliable: boolean }
  | { readonly _tag: "Writing" }
  | { readonly _tag: "Done"; readonly rdd: RDD<unknown> }

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
export class RDD<T> {
  /** A unique id within the context. */
  readonly id: number
  /** A name for `toDebugString` and the listener events. */
  name: string | undefined = undefined
  private storage: StorageLevel.StorageLevel = StorageLevel.NONE
  private checkpointState: CheckpointState = { _tag: "None" }
  private partitionsCache: ReadonlyArray<Partition> | undefined
  private readonly deps: ReadonlyArray<Dependency<RDD<unknown>>>
  /** An invalid argument given when this RDD or an ancestor was built; actions fail with it. */
  private readonly buildError: InvalidArgumentError | StorageLevelChangeError | PartitionerMismatchError | undefined
  private levelChangeError: StorageLevelChangeError | undefined

  /** @internal */
  constructor(
    readonly context: RDDContext,
    /** @internal The plan of this RDD: its kind and parameters. */
    readonly op: RDDOp,
    deps: ReadonlyArray<Dependency<RDD<unknown>>>,
    error?: InvalidArgumentError | PartitionerMismatchError
  ) {
    this.id = context.newRddId()
    this.deps = deps
    this.buildError = error ?? deps.map((d) => d.rdd.buildError).find((e) => e !== undefined)
  }

  // ------------------------------------------------------------ lineage

  /** The dependencies on parent RDDs (after a checkpoint: only the checkpoint). */
  get dependencies(): ReadonlyArray<Dependency<RDD<unknown>>> {
    if (this.checkpointState._tag === "Done") return [{ _tag: "OneToOne", rdd: this.checkpointState.rdd }]
    return this.deps
  }

  /** The partitions. */
  get partitions(): ReadonlyArray<Partition> {
    if (this.checkpointState._tag === "Done") return this.checkpointState.rdd.partitions
    if (this.partitionsCache === undefined) this.partitionsCache = this.op.getPartitions(this)
    return this.partitionsCache
  }

  /** The number of partitions. */
  get numPartitions(): number {
    return this.partitions.length
  }

  /** How keys are partitioned, when known. */
  get partitioner(): Partitioner | undefined {
    return this.op.partitioner?.(this)
  }

  /** The storage level set by `persist` (`NONE` when not persisted). */
  get storageLevel(): StorageLevel.StorageLevel {
    return this.storage
  }

  /** The error an action on this RDD fails with before running, if any argument was invalid. */
  get validationError(): InvalidArgumentError | StorageLevelChangeError | PartitionerMismatchError | undefined {
    return this.levelChangeError ?? this.buildError
  }

  /** Whether a checkpoint of this RDD has been written (its lineage is truncated). */
  get isCheckpointed(): boolean {
    return this.checkpointState._tag === "Done"
  }

  /** Hosts where a partition is best computed (data locality). */
  preferredLocations(split: Partition): ReadonlyArray<string> {
    if (this.checkpointState._tag === "Done") return this.checkpointState.rdd.preferredLocations(split)
    return this.op.preferredLocations?.(this, split) ?? []
  }

  /** Computes a partition from the parents (ignores cache and checkpoint). */
  compute(split: Partition, ctx: TaskContext): Iterator<T> {
    return this.op.compute(this, split, ctx) as Iterator<T>
  }

  /**
   * The records of a partition: from the cache when persisted, from the
   * checkpoint when checkpointed, otherwise computed. Mirrors `RDD.iterator`.
   */
  iterator(split: Partition, ctx: TaskContext): Iterator<T> {
    if (this.storage !== StorageLevel.NONE) {
      const values = ctx.env.blockManager.getOrElseUpdate(
        BlockId.rdd(this.id, split.index),
        this.storage,
        () => ({ [Symbol.iterator]: () => this.computeOrReadCheckpoint(split, ctx) })
      )
      return new ArrayIterator(values)
    }
    return this.computeOrReadCheckpoint(split, ctx)
  }

  private computeOrReadCheckpoint(split: Partition, ctx: TaskContext): Iterator<T> {
    if (this.checkpointState._tag === "Done") return this.checkpointState.rdd.iterator(split, ctx) as Iterator<T>
    return this.compute(split, ctx)
  }

  /** A description of the lineage, one RDD per line, indented at shuffle boundaries. */
  toDebugString(): string {
    const lines: Array<string> = []
    const visit = (rdd: RDD<unknown>, depth: number, prefix: string) => {
      const level = rdd.storage === StorageLevel.NONE ? "" : ` [${rdd.storage.name}]`
      const name = rdd.name === undefined ? "" : `${rdd.name} `
      lines.push(`${"   ".repeat(depth)}${prefix}(${rdd.numPartitions}) ${name}${rdd.op.kind}[${rdd.id}]${level}`)
      for (const dep of rdd.dependencies) {
        if (dep._tag === "Shuffle") visit(dep.rdd, depth + 1, "+-")
        else visit(dep.rdd, depth, " | ")
      }
    }
    visit(this as RDD<unknown>, 0, "")
    return lines.join("\n")
  }

  /** Names the RDD. */
  setName(name: string): this {
    this.name = name
    return this
  }

  // ------------------------------------------------------------ persistence

  /**
   * Keeps computed partitions at a storage level. Changing the level of an RDD
   * that already has one is refused: the next action fails with
   * `StorageLevelChangeError` (call `unpersist` first).
   */
  persist(level: StorageLevel.StorageLevel = StorageLevel.MEMORY_ONLY): this {
    if (this.storage !== StorageLevel.NONE && !StorageLevel.equals(this.storage, level)) {
      this.levelChangeError = new StorageLevelChangeError({
        rddId: this.id,
        message: `Cannot change storage level of RDD ${this.id} from ${this.storage.name} to ${level.name} ` +
          "after it was already assigned a level; call unpersist() first"
      })
      return this
    }
    this.storage = level
    this.context.persistRdd(this as RDD<unknown>)
    return this
  }

  /** `persist(MEMORY_ONLY)`. */
  cache(): this {
    return this.persist(StorageLevel.MEMORY_ONLY)
  }

  /** Drops the cached partitions and the storage level. */
  unpersist(): this {
    this.context.unpersistRdd(this.id)
    this.storage = StorageLevel.NONE
    this.levelChangeError = undefined
    return this
  }

  /**
   * Marks this RDD to be saved to the context's checkpoint directory after the
   * next job that computes it; its lineage is then truncated.
   */
  checkpoint(): this {
    if (this.checkpointState._tag === "None") this.checkpointState = { _tag: "Marked", reliable: true }
    return this
  }

  /**
   * Marks this RDD for a local checkpoint: its partitions are kept in the
   * executors' block managers (memory and disk) and the lineage is truncated.
   * Faster than `checkpoint()`, but not fault tolerant.
   */
  localCheckpoint(): this {
    if (this.checkpointState._tag !== "None") return this
    if (this.storage === StorageLevel.NONE) this.persist(StorageLevel.MEMORY_AND_DISK)
    else if (!this.storage.useDisk) {
      this.storage = { ...this.storage, useDisk: true, name: `${this.storage.name}+DISK` }
    }
    this.checkpointState = { _tag: "Marked", reliable: false }
    return this
  }

  /**
   * @internal Writes pending checkpoints after a job: this RDD's when it is
   * marked, otherwise its ancestors'. Mirrors `RDD.doCheckpoint`.
   */
  doCheckpoint(): Effect.Effect<void, RDDError> {
    return Effect.suspend(() => {
      const state = this.checkpointState
      switch (state._tag) {
        case "Done":
        case "Writing":
          return Effect.void
        case "None":
          return Effect.forEach(this.deps, (d) => d.rdd.doCheckpoint(), { discard: true })
        case "Marked": {
          this.checkpointState = { _tag: "Writing" }
          const write = state.reliable ? this.writeReliableCheckpoint() : this.truncateLocally()
          // A failed write leaves the RDD marked, so the next job tries again.
          return Effect.tapError(write, () => Effect.sync(() => (this.checkpointState = state)))
        }
      }
    })
  }

  private writeReliableCheckpoint(): Effect.Effect<void, RDDError> {
    const baseDir = this.context.checkpointDir
    if (baseDir === undefined) {
      return Effect.fail(
        new CheckpointError({
          rddId: this.id,
          message: `RDD ${this.id} is marked for checkpointing but the checkpoint directory has not been set; ` +
            "call sc.setCheckpointDir(dir) first"
        })
      )
    }
    const directory = path.join(baseDir, `rdd-${this.id}`)
    const partitioner = this.partitioner
    const numPartitions = this.numPartitions
    return Effect.gen({ self: this }, function*() {
      yield* Effect.try({
        try: () => fs.mkdirSync(directory, { recursive: true }),
        catch: (cause) =>
          new CheckpointError({ rddId: this.id, message: `cannot create ${directory}: ${describeCause(cause)}`, cause })
      })
      yield* this.context.runJob(this, engineFunction("writeCheckpointPartition", { directory }))
      this.checkpointState = {
        _tag: "Done",
        rdd: new RDD<unknown>(this.context, Ops.reliableCheckpoint(directory, numPartitions, partitioner), [])
      }
      this.partitionsCache = undefined
    })
  }

  private truncateLocally(): Effect.Effect<void, RDDError> {
    return Effect.gen({ self: this }, function*() {
      // The job that triggered the checkpoint may have computed only some partitions (take, zipWithIndex):
      // make sure every partition is cached before the lineage is cut, as Spark's LocalRDDCheckpointData does.
      // Cached partitions are only read back.
      yield* this.context.runJob(this, engineFunction<{}, (it: Iterator<T>) => number>("count", {}))
      this.checkpointState = {
        _tag: "Done",
        rdd: new RDD<unknown>(this.context, Ops.localCheckpoint(this.id, this.numPartitions, this.partitioner), [])
      }
    })
  }

  // ------------------------------------------------------------ transformations

  private derive<U>(op: RDDOp, error?: InvalidArgumentError | PartitionerMismatchError): RDD<U> {
    return new RDD<U>(this.context, op, [{ _tag: "OneToOne", rdd: this as RDD<unknown> }], error)
  }

  /** Applies `f` to every element. */
  map<U>(f: (value: T) => U): RDD<U> {
    return this.derive(Ops.map(f as (a: unknown) => unknown))
  }

  /** Applies `f` to every element and flattens the results. */
  flatMap<U>(f: (value: T) => Iterable<U>): RDD<U> {
    return this.derive(Ops.flatMap(f as (a: unknown) => Iterable<unknown>))
  }

  /** Keeps the elements that satisfy `f`. */
  filter(f: (value: T) => boolean): RDD<T> {
    return this.derive(Ops.filter(f as (a: unknown) => boolean))
  }

  /** Applies `f` to each partition's iterator. */
  mapPartitions<U>(
    f: (iterator: IterableIterator<T>) => Iterable<U> | Iterator<U>,
    preservesPartitioning = false
  ): RDD<U> {
    return this.derive(Ops.mapPartitions(f as Ops.PartitionFunction, preservesPartitioning))
  }

  /** Applies `f` to each partition's index and iterator. */
  mapPartitionsWithIndex<U>(
    f: (index: number, iterator: IterableIterator<T>) => Iterable<U> | Iterator<U>,
    preservesPartitioning = false
  ): RDD<U> {
    const byIndex = withEnv({ f }, ({ f }) => (it: IterableIterator<unknown>, index: number) => f(index, it as IterableIterator<T>))
    return this.derive(Ops.mapPartitions(byIndex, preservesPartitioning))
  }

  /** Turns each partition into one array. */
  glom(): RDD<Array<T>> {
    return this.derive(Ops.mapPartitions((it) => [Array.from(it)], false))
  }

  /** Pairs every element with `f(element)` as its key. */
  keyBy<K>(f: (value: T) => K): RDD<[K, T]> {
    return this.map(withEnv({ f }, ({ f }) => (x: T): [K, T] => [f(x), x]))
  }

  /** The distinct elements (compared structurally). */
  distinct(numPartitions?: number): RDD<T> {
    return this.map((x) => [x, null] as const).reduceByKey((a) => a, numPartitions).keys() as RDD<T>
  }

  /** The elements of both RDDs (duplicates kept). */
  union(...others: ReadonlyArray<RDD<T>>): RDD<T> {
    const all = [this, ...others] as ReadonlyArray<RDD<unknown>>
    let outStart = 0
    const deps: Array<Dependency<RDD<unknown>>> = all.map((rdd) => {
      const dep = { _tag: "Range" as const, rdd, inStart: 0, outStart, length: rdd.numPartitions }
      outStart += rdd.numPartitions
      return dep
    })
    return new RDD<T>(this.context, Ops.union, deps)
  }

  /** The elements present in both RDDs, without duplicates. */
  intersection(other: RDD<T>, numPartitions?: number): RDD<T> {
    const left = this.map((x) => [x, null] as const)
    const right = other.map((x) => [x, null] as const)
    return left.cogroup(right, numPartitions)
      .filter(([, [a, b]]) => a.length > 0 && b.length > 0)
      .keys() as RDD<T>
  }

  /** The elements of this RDD that are not in `other` (duplicates of kept elements stay). */
  subtract(other: RDD<T>, numPartitions?: number): RDD<T> {
    const left = this.map((x) => [x, null] as const)
    const right = other.map((x) => [x, null] as const)
    return left.cogroup(right, numPartitions ?? this.numPartitions)
      .flatMap(([key, [a, b]]) => (b.length === 0 ? a.map(() => key) : [])) as RDD<T>
  }

  /** Every pair of an element of this RDD and an element of `other`. */
  cartesian<U>(other: RDD<U>): RDD<[T, U]> {
    const rightPartitions = other.numPartitions
    return new RDD<[T, U]>(this.context, Ops.cartesian, [
      Ops.narrow(this as RDD<unknown>, { _tag: "CartesianLeft", rightPartitions }),
      Ops.narrow(other as RDD<unknown>, { _tag: "CartesianRight", rightPartitions })
    ])
  }

  /**
   * Pairs the i-th element of each partition with the i-th element of the same
   * partition of `other`. Both must have the same partitions and element counts.
   */
  zip<U>(other: RDD<U>): RDD<[T, U]> {
    const error = this.numPartitions === other.numPartitions ? undefined : new InvalidArgumentError({
      method: "zip",
      message: `Can only zip RDDs with the same number of partitions, got ${this.numPartitions} and ${other.numPartitions}`
    })
    return new RDD<[T, U]>(this.context, Ops.zip, [
      { _tag: "OneToOne", rdd: this as RDD<unknown> },
      { _tag: "OneToOne", rdd: other as RDD<unknown> }
    ], error)
  }

  /**
   * Pairs each element with its index (partition by partition). Runs a job to
   * count the partitions' elements first, as Spark does.
   */
  zipWithIndex(): Effect.Effect<RDD<[T, number]>, RDDError> {
    return Effect.gen({ self: this }, function*() {
      const counts = this.numPartitions <= 1 ? [] : yield* this.context.runJob(
        this,
        (it) => {
          let n = 0
          for (let r = it.next(); !r.done; r = it.next()) n++
          return n
        },
        Array.from({ length: this.numPartitions - 1 }, (_, i) => i)
      )
      const starts = [0]
      for (const count of counts) starts.push(starts[starts.length - 1]! + count)
      return this.derive<[T, number]>(Ops.zippedWithIndex(starts))
    })
  }

  /**
   * A random sample: each element kept with probability `fraction` (without
   * replacement), or repeated a Poisson(`fraction`) number of times (with).
   * The same seed gives the same sample on every run.
   */
  sample(withReplacement: boolean, fraction: number, seed = 42): RDD<T> {
    const error = Number.isFinite(fraction) && fraction >= 0 && (withReplacement || fraction <= 1)
      ? undefined
      : new InvalidArgumentError({
        method: "sample",
        message: withReplacement
          ? `fraction must be >= 0 when sampling with replacement, got ${fraction}`
          : `fraction must be in [0, 1] when sampling without replacement, got ${fraction}`
      })
    return this.derive(Ops.sample(withReplacement, fraction, seed), error)
  }

  /** Sorts by `f(element)`. Samples the keys in a job first to choose balanced ranges. */
  sortBy<K>(
    f: (value: T) => K,
    ascending = true,
    numPartitions: number = this.numPartitions
  ): Effect.Effect<RDD<T>, RDDError> {
    return Effect.map(this.keyBy(f).sortByKey(ascending, numPartitions), (sorted) => sorted.values())
  }

  /**
   * Reduces the number of partitions; without `shuffle` it merges neighbouring
   * partitions (a narrow dependency, no shuffle).
   */
  coalesce(numPartitions: number, shuffle = false): RDD<T> {
    if (shuffle) return this.repartition(numPartitions)
    const error = positive("coalesce", "numPartitions", numPartitions)
    const groups = Ops.coalesceGroups(this.numPartitions, Math.max(1, numPartitions))
    return new RDD<T>(this.context, Ops.coalesced(groups), [Ops.narrow(this as RDD<unknown>, { _tag: "Groups", groups })], error)
  }

  /** Redistributes the elements evenly over `numPartitions` partitions with a shuffle. */
  repartition(numPartitions: number): RDD<T> {
    const error = positive("repartition", "numPartitions", numPartitions)
    const n = Math.max(1, numPartitions)
    const keyed = this.mapPartitionsWithIndex(withEnv({ n }, ({ n }) => (index: number, it: IterableIterator<T>) => {
      // Round-robin from a position derived from the partition index, as Spark does.
      let position = (index * 7919) % n
      const out: Array<[number, T]> = []
      for (const x of it) out.push([position++ % n, x])
      return out
    }))
    const shuffled = keyed.shuffle<number, T, T>(new HashPartitioner(n), undefined, false, undefined, error)
    return shuffled.values()
  }

  /** Groups elements by `f(element)`. */
  groupBy<K>(f: (value: T) => K, numPartitions?: PartitionSpec): RDD<[K, Array<T>]> {
    return this.keyBy(f).groupByKey(numPartitions)
  }

  // ------------------------------------------------------------ pair transformations

  /** @internal A shuffle of key-value records to `partitioner`. */
  shuffle<K, V, C>(
    this: RDD<Pair<K, V>>,
    partitioner: Partitioner,
    aggregator: Aggregator<K, V, C> | undefined,
    mapSideCombine: boolean,
    keyOrdering: Ordering<K> | undefined,
    error?: InvalidArgumentError | PartitionerMismatchError
  ): RDD<[K, C]> {
    const dep: ShuffleDependency<RDD<unknown>> = {
      _tag: "Shuffle",
      rdd: this as RDD<unknown>,
      shuffleId: this.context.newShuffleId(),
      partitioner,
      aggregator: aggregator as Aggregator<unknown, unknown, unknown> | undefined,
      mapSideCombine: mapSideCombine && aggregator !== undefined,
      keyOrdering: keyOrdering as Ordering<unknown> | undefined
    }
    const shuffled = new RDD<[K, C]>(this.context, Ops.shuffled(partitioner), [dep], error)
    this.context.cleanShuffleWith(shuffled as RDD<unknown>, dep.shuffleId)
    return shuffled
  }

  private resolvePartitioner(spec: PartitionSpec, method: string, others: ReadonlyArray<RDD<unknown>> = []) {
    if (typeof spec === "number") {
      return { partitioner: new HashPartitioner(Math.max(1, spec)), error: positive(method, "numPartitions", spec) }
    }
    if (spec !== undefined) return { partitioner: spec, error: invalidPartitioner(method, spec) }
    const inputs = [this as RDD<unknown>, ...others]
    return { partitioner: defaultPartitioner(inputs, undefined), error: undefined }
  }

  /** Applies `f` to every value, keeping keys and the partitioner. */
  mapValues<K, V, U>(this: RDD<Pair<K, V>>, f: (value: V) => U): RDD<[K, U]> {
    return this.derive(Ops.map(withEnv({ f }, ({ f }) => (kv: unknown) => [(kv as Pair<K, V>)[0], f((kv as Pair<K, V>)[1])]), true))
  }

  /** Applies `f` to every value and flattens, keeping keys and the partitioner. */
  flatMapValues<K, V, U>(this: RDD<Pair<K, V>>, f: (value: V) => Iterable<U>): RDD<[K, U]> {
    return this.derive(Ops.flatMap(
      withEnv({ f }, ({ f }) => (kv: unknown) => {
        const [k, v] = kv as Pair<K, V>
        const out: Array<[K, U]> = []
        for (const u of f(v)) out.push([k, u])
        return out
      }),
      true
    ))
  }

  /** The keys. */
  keys<K, V>(this: RDD<Pair<K, V>>): RDD<K> {
    return this.map((kv) => kv[0])
  }

  /** The values. */
  values<K, V>(this: RDD<Pair<K, V>>): RDD<V> {
    return this.map((kv) => kv[1])
  }

  /**
   * Combines the values of each key with three functions, combining on the map
   * side before the shuffle when `mapSideCombine` (the default).
   */
  combineByKey<K, V, C>(
    this: RDD<Pair<K, V>>,
    createCombiner: (value: V) => C,
    mergeValue: (combiner: C, value: V) => C,
    mergeCombiners: (a: C, b: C) => C,
    partitions?: PartitionSpec,
    mapSideCombine = true
  ): RDD<[K, C]> {
    const { error, partitioner } = this.resolvePartitioner(partitions, "combineByKey")
    const aggregator: Aggregator<K, V, C> = { createCombiner, mergeValue, mergeCombiners }
    if (partitioner.equals(this.partitioner)) {
      // Already partitioned by key: combine within each partition, no shuffle.
      return this.mapPartitions(
        engineFunction<{ createCombiner: typeof createCombiner; mergeValue: typeof mergeValue }, (it: IterableIterator<Pair<K, V>>) => IterableIterator<[K, C]>>(
          "combineValuesByKey",
          { createCombiner, mergeValue }
        ),
        true
      )
    }
    return this.shuffle(partitioner, aggregator, mapSideCombine, undefined, error)
  }

  /** Merges the values of each key with an associative, commutative `f`. */
  reduceByKey<K, V>(this: RDD<Pair<K, V>>, f: (a: Widen<V>, b: Widen<V>) => Widen<V>, partitions?: PartitionSpec): RDD<[K, Widen<V>]> {
    return (this as unknown as RDD<Pair<K, Widen<V>>>).combineByKey((v) => v, f, f, partitions)
  }

  /** Folds the values of each key, starting from `zero` in every partition. */
  foldByKey<K, V>(
    this: RDD<Pair<K, V>>,
    zero: Widen<V>,
    f: (a: Widen<V>, b: Widen<V>) => Widen<V>,
    partitions?: PartitionSpec
  ): RDD<[K, Widen<V>]> {
    const create = withEnv({ zero, f }, ({ zero, f }) => (v: Widen<V>) =>
      f(typeof zero === "object" && zero !== null ? structuredClone(zero) : zero, v))
    return (this as unknown as RDD<Pair<K, Widen<V>>>).combineByKey(create, f, f, partitions)
  }

  /** Aggregates the values of each key with `seqOp` within partitions and `combOp` across them. */
  aggregateByKey<K, V, U>(
    this: RDD<Pair<K, V>>,
    zero: U,
    seqOp: (acc: U, value: V) => U,
    combOp: (a: U, b: U) => U,
    partitions?: PartitionSpec
  ): RDD<[K, U]> {
    const create = withEnv({ zero, seqOp }, ({ zero, seqOp }) => (v: V) =>
      seqOp(typeof zero === "object" && zero !== null ? structuredClone(zero) : zero, v))
    return this.combineByKey(create, seqOp, combOp, partitions)
  }

  /** Groups the values of each key (no map-side combine, as in Spark). */
  groupByKey<K, V>(this: RDD<Pair<K, V>>, partitions?: PartitionSpec): RDD<[K, Array<V>]> {
    return this.combineByKey(
      (v) => [v],
      (c: Array<V>, v) => {
        c.push(v)
        return c
      },
      (a, b) => a.concat(b),
      partitions,
      false
    )
  }

  /** Repartitions the records by key with `partitioner`. */
  partitionBy<K, V>(this: RDD<Pair<K, V>>, partitioner: Partitioner): RDD<[K, V]> {
    const error = invalidPartitioner("partitionBy", partitioner)
    if (error === undefined && partitioner.equals(this.partitioner)) return this as unknown as RDD<[K, V]>
    return this.shuffle<K, V, V>(partitioner, undefined, false, undefined, error)
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
  cogroup(this: RDD<Pair<unknown, unknown>>, ...args: ReadonlyArray<RDD<Pair<unknown, unknown>> | PartitionSpec>): RDD<unknown> {
    const others = args.filter((a): a is RDD<Pair<unknown, unknown>> => a instanceof RDD)
    const spec = args.find((a) => !(a instanceof RDD)) as PartitionSpec
    const { error, partitioner } = this.resolvePartitioner(spec, "cogroup", others as ReadonlyArray<RDD<unknown>>)
    const deps = [this, ...others].map((rdd): Dependency<RDD<unknown>> =>
      partitioner.equals(rdd.partitioner)
        ? { _tag: "OneToOne", rdd: rdd as RDD<unknown> }
        : {
          _tag: "Shuffle",
          rdd: rdd as RDD<unknown>,
          shuffleId: this.context.newShuffleId(),
          partitioner,
          aggregator: undefined,
          mapSideCombine: false,
          keyOrdering: undefined
        }
    )
    const cogrouped = new RDD<unknown>(this.context, Ops.coGrouped(partitioner), deps, error)
    for (const dep of deps) if (dep._tag === "Shuffle") this.context.cleanShuffleWith(cogrouped, dep.shuffleId)
    return cogrouped
  }

  /** Pairs of values for every key present in both RDDs. */
  join<K, V, W>(this: RDD<Pair<K, V>>, other: RDD<Pair<K, W>>, partitions?: PartitionSpec): RDD<[K, [V, W]]> {
    return this.cogroup(other, partitions).flatMapValues(([vs, ws]) => {
      const out: Array<[V, W]> = []
      for (const v of vs) for (const w of ws) out.push([v, w])
      return out
    })
  }

  /** Like `join`, keeping keys missing from `other` with `undefined`. */
  leftOuterJoin<K, V, W>(this: RDD<Pair<K, V>>, other: RDD<Pair<K, W>>, partitions?: PartitionSpec): RDD<[K, [V, W | undefined]]> {
    return this.cogroup(other, partitions).flatMapValues(([vs, ws]) => {
      const out: Array<[V, W | undefined]> = []
      for (const v of vs) {
        if (ws.length === 0) out.push([v, undefined])
        else for (const w of ws) out.push([v, w])
      }
      return out
    })
  }

  /** Like `join`, keeping keys missing from this RDD with `undefined`. */
  rightOuterJoin<K, V, W>(this: RDD<Pair<K, V>>, other: RDD<Pair<K, W>>, partitions?: PartitionSpec): RDD<[K, [V | undefined, W]]> {
    return this.cogroup(other, partitions).flatMapValues(([vs, ws]) => {
      const out: Array<[V | undefined, W]> = []
      for (const w of ws) {
        if (vs.length === 0) out.push([undefined, w])
        else for (const v of vs) out.push([v, w])
      }
      return out
    })
  }

  /** Like `join`, keeping keys missing on either side with `undefined`. */
  fullOuterJoin<K, V, W>(
    this: RDD<Pair<K, V>>,
    other: RDD<Pair<K, W>>,
    partitions?: PartitionSpec
  ): RDD<[K, [V | undefined, W | undefined]]> {
    return this.cogroup(other, partitions).flatMapValues(([vs, ws]) => {
      const out: Array<[V | undefined, W | undefined]> = []
      if (vs.length === 0) for (const w of ws) out.push([undefined, w])
      else if (ws.length === 0) for (const v of vs) out.push([v, undefined])
      else for (const v of vs) for (const w of ws) out.push([v, w])
      return out
    })
  }

  /**
   * Sorts by key into `numPartitions` ordered ranges. Samples the keys in a job
   * first to choose the range bounds (`RangePartitioner`), as Spark does.
   */
  sortByKey<K, V>(
    this: RDD<Pair<K, V>>,
    ascending = true,
    numPartitions: number = this.numPartitions,
    ordering: Ordering<K> = compareKeys
  ): Effect.Effect<RDD<[K, V]>, RDDError> {
    const error = positive("sortByKey", "numPartitions", numPartitions)
    if (error !== undefined) return Effect.fail(error)
    return Effect.map(
      makeRangePartitioner(this, numPartitions, ascending, ordering),
      (partitioner) =>
        this.shuffle<K, V, V>(partitioner as unknown as Partitioner, undefined, false, ascending ? ordering : withEnv({ ordering }, ({ ordering }) => (a: K, b: K) => ordering(b, a)))
    )
  }

  // ------------------------------------------------------------ actions

  /** Runs `func` on every partition (or the given ones) and returns the results in partition order. */
  runJob<U>(func: (iterator: Iterator<T>, ctx: TaskContext) => U, partitions?: ReadonlyArray<number>): Effect.Effect<Array<U>, RDDError> {
    return this.context.runJob(this, func, partitions)
  }

  /** All elements, in partition order. */
  collect(): Effect.Effect<Array<T>, RDDError> {
    return Effect.map(
      this.runJob(engineFunction<{}, (it: Iterator<T>) => Array<T>>("toArray", {})),
      (parts) => ([] as Array<T>).concat(...parts)
    )
  }

  /** The number of elements. */
  count(): Effect.Effect<number, RDDError> {
    return Effect.map(
      this.runJob(engineFunction<{}, (it: Iterator<T>) => number>("count", {})),
      (counts) => counts.reduce((a, b) => a + b, 0)
    )
  }

  /**
   * The first `n` elements. Scans one partition first, then more (up to 4x
   * as many each round) until it has `n`, as Spark's `take`.
   */
  take(n: number): Effect.Effect<Array<T>, RDDError> {
    return Effect.gen({ self: this }, function*() {
      if (!Number.isInteger(n) || n < 0) {
        return yield* new InvalidArgumentError({ method: "take", message: `n must be a non-negative integer, got ${n}` })
      }
      const out: Array<T> = []
      const total = this.numPartitions
      let scanned = 0
      while (out.length < n && scanned < total) {
        let count = 1
        if (scanned > 0) {
          count = out.length === 0 ? scanned * 4 : Math.ceil((1.5 * n * scanned) / out.length) - scanned
          count = Math.min(Math.max(count, 1), scanned * 4)
        }
        const parts = Array.from({ length: Math.min(count, total - scanned) }, (_, i) => scanned + i)
        const left = n - out.length
        const results = yield* this.runJob(
          withEnv({ left }, ({ left }) => (it: Iterator<T>) => {
            const taken: Array<T> = []
            for (let r = it.next(); !r.done && taken.length < left; r = it.next()) taken.push(r.value)
            return taken
          }),
          parts
        )
        for (const result of results) for (const x of result) if (out.length < n) out.push(x)
        scanned += parts.length
      }
      return out
    })
  }

  /** The first element; fails when the RDD is empty. */
  first(): Effect.Effect<T, RDDError> {
    return Effect.flatMap(this.take(1), (xs) =>
      xs.length > 0
        ? Effect.succeed(xs[0]!)
        : Effect.fail(new InvalidArgumentError({ method: "first", message: "first() on an empty RDD: check isEmpty() first" })))
  }

  /** The `n` smallest elements by `ordering`, in order. */
  takeOrdered(n: number, ordering: Ordering<T> = compareKeys): Effect.Effect<Array<T>, RDDError> {
    if (!Number.isInteger(n) || n < 0) {
      return Effect.fail(new InvalidArgumentError({ method: "takeOrdered", message: `n must be a non-negative integer, got ${n}` }))
    }
    return Effect.map(
      this.runJob(engineFunction<{ n: number; ordering: Ordering<T> }, (it: Iterator<T>) => Array<T>>("takeOrdered", { n, ordering })),
      (parts) => ([] as Array<T>).concat(...parts).sort(ordering).slice(0, n)
    )
  }

  /** The `n` largest elements by `ordering`, largest first. */
  top(n: number, ordering: Ordering<T> = compareKeys): Effect.Effect<Array<T>, RDDError> {
    return this.takeOrdered(n, withEnv({ ordering }, ({ ordering }) => (a: T, b: T) => ordering(b, a)))
  }

  /** Reduces the elements with an associative, commutative `f`; fails when empty. */
  reduce(f: (a: T, b: T) => T): Effect.Effect<T, RDDError> {
    return Effect.flatMap(
      this.runJob(withEnv({ f }, ({ f }) => (it: Iterator<T>) => {
        let r = it.next()
        if (r.done) return { empty: true as const }
        let acc = r.value
        for (r = it.next(); !r.done; r = it.next()) acc = f(acc, r.value)
        return { empty: false as const, value: acc }
      })),
      (parts) => {
        const values = parts.flatMap((p) => (p.empty ? [] : [p.value]))
        if (values.length === 0) {
          return Effect.fail(new InvalidArgumentError({ method: "reduce", message: "reduce() on an empty RDD: use fold() with a zero value" }))
        }
        return Effect.succeed(values.reduce(f))
      }
    )
  }

  /** Folds the elements from `zero` within each partition, then the partition results. */
  fold(zero: T, f: (a: T, b: T) => T): Effect.Effect<T, RDDError> {
    return Effect.map(
      this.runJob(withEnv({ zero, f }, ({ zero, f }) => (it: Iterator<T>) => {
        let acc = typeof zero === "object" && zero !== null ? structuredClone(zero) : zero
        for (let r = it.next(); !r.done; r = it.next()) acc = f(acc, r.value)
        return acc
      })),
      (parts) => parts.reduce(f, cloneZero(zero)())
    )
  }

  /** Aggregates with `seqOp` within partitions and `combOp` across them. */
  aggregate<U>(zero: U, seqOp: (acc: U, value: T) => U, combOp: (a: U, b: U) => U): Effect.Effect<U, RDDError> {
    return Effect.map(
      this.runJob(withEnv({ zero, seqOp }, ({ zero, seqOp }) => (it: Iterator<T>) => {
        let acc = typeof zero === "object" && zero !== null ? structuredClone(zero) : zero
        for (let r = it.next(); !r.done; r = it.next()) acc = seqOp(acc, r.value)
        return acc
      })),
      (parts) => parts.reduce(combOp, cloneZero(zero)())
    )
  }

  /** Runs `f` on every element (on the executors). */
  foreach(f: (value: T) => void): Effect.Effect<void, RDDError> {
    return Effect.asVoid(this.runJob(withEnv({ f }, ({ f }) => (it: Iterator<T>) => {
      for (let r = it.next(); !r.done; r = it.next()) f(r.value)
    })))
  }

  /** Runs `f` on every partition's iterator (on the executors). */
  foreachPartition(f: (iterator: IterableIterator<T>) => void): Effect.Effect<void, RDDError> {
    return Effect.asVoid(this.runJob(engineFunction<{ f: typeof f }, (it: Iterator<T>) => void>("foreachPartition", { f })))
  }

  /** How many times each distinct element occurs. */
  countByValue(): Effect.Effect<KeyMap<T, number>, RDDError> {
    return this.map((x) => [x, null] as const).countByKey()
  }

  /** How many records each key has. */
  countByKey<K, V>(this: RDD<Pair<K, V>>): Effect.Effect<KeyMap<K, number>, RDDError> {
    return Effect.map(
      this.mapValues(() => 1).reduceByKey((a, b) => a + b).collect(),
      (pairs) => {
        const counts = new KeyMap<K, number>()
        for (const [k, n] of pairs) counts.set(k, n)
        return counts
      }
    )
  }

  /** Whether the RDD has no elements. */
  isEmpty(): Effect.Effect<boolean, RDDError> {
    if (this.numPartitions === 0) return Effect.succeed(true)
    return Effect.map(this.take(1), (xs) => xs.length === 0)
  }

  /**
   * Writes each partition as a text file `part-NNNNN` (one element per line,
   * `String(element)`) in a new directory, then an empty `_SUCCESS` marker.
   * Fails when the directory already exists, as Spark does.
   */
  saveAsTextFile(directory: string): Effect.Effect<void, RDDError> {
    return Effect.gen({ self: this }, function*() {
      if (fs.existsSync(directory)) {
        return yield* new InvalidArgumentError({
          method: "saveAsTextFile",
          message: `Output directory ${directory} already exists: remove it or choose another path`
        })
      }
      fs.mkdirSync(directory, { recursive: true })
      yield* this.runJob(engineFunction<{ directory: string }, (it: Iterator<T>, ctx: TaskContext) => void>("saveTextPartition", { directory }))
      fs.writeFileSync(path.join(directory, "_SUCCESS"), "")
    })
  }
}

// ------------------------------------------------------------ helpers

const positive = (method: string, name: string, value: number): InvalidArgumentError | undefined =>
  Number.isInteger(value) && value > 0
    ? undefined
    : new InvalidArgumentError({ method, message: `${name} must be a positive integer, got ${value}` })

const invalidPartitioner = (method: string, partitioner: Partitioner): PartitionerMismatchError | undefined =>
  Number.isInteger(partitioner.numPartitions) && partitioner.numPartitions > 0
    ? undefined
    : new PartitionerMismatchError({
      message: `${method}: the partitioner has ${partitioner.numPartitions} partitions; ` +
        "a partitioner needs a positive whole number of partitions (e.g. new HashPartitioner(4))"
    })

/** Zero values are copied per use so a mutable zero (an array) is never shared between partitions. */
const cloneZero = <A>(zero: A): () => A =>
  typeof zero === "object" && zero !== null ? () => structuredClone(zero) : () => zero



/**
 * Samples an RDD's keys in a job and builds a `RangePartitioner` with about
 * equal weight per range. Mirrors `RangePartitioner`'s sketch-and-bound.
 */
const makeRangePartitioner = <K, V>(
  rdd: RDD<Pair<K, V>>,
  partitions: number,
  ascending: boolean,
  ordering: Ordering<K>
): Effect.Effect<RangePartitioner<K>, RDDError> => {
  if (partitions <= 1 || rdd.numPartitions === 0) return Effect.succeed(new RangePartitioner<K>([], ascending, ordering))
  const sampleSize = Math.min(20 * partitions, 1_000_000)
  const perPartition = Math.ceil((3 * sampleSize) / rdd.numPartitions)
  return Effect.map(
    rdd.runJob(withEnv({ perPartition }, ({ perPartition }) => (it: Iterator<Pair<K, V>>, ctx: TaskContext) => {
      // Reservoir sampling with a seed per partition: reruns sample the same keys.
      let seen = 0
      const reservoir: Array<K> = []
      let state = (ctx.partitionId + 1) * 2654435761
      for (let r = it.next(); !r.done; r = it.next()) {
        seen++
        if (reservoir.length < perPartition) reservoir.push(r.value[0])
        else {
          state = (Math.imul(state, 1103515245) + 12345) >>> 0
          const j = state % seen
          if (j < perPartition) reservoir[j] = r.value[0]
        }
      }
      return { seen, reservoir }
    })),
    (samples) => {
      const candidates: Array<readonly [K, number]> = []
      for (const { reservoir, seen } of samples) {
        const weight = reservoir.length === 0 ? 0 : seen / reservoir.length
        for (const key of reservoir) candidates.push([key, weight])
      }
      return new RangePartitioner(determineBounds(candidates, partitions, ordering), ascending, ordering)
    }
  )
}

/**
 * Whether a value is an RDD.
 *
 * @category guards
 * @since 0.1.0
 */
export const isRDD = (u: unknown): u is RDD<unknown> => u instanceof RDD
