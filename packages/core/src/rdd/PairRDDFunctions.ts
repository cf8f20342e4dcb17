/**
 * Operations on RDDs of key-value pairs: combining, grouping and joining by
 * key. `RDD` exposes each of them as a method on `RDD<Pair<K, V>>`, so chains
 * like `rdd.map(...).reduceByKey(...)` read as in Spark; the bodies live here.
 *
 * Mirrors `org.apache.spark.rdd.PairRDDFunctions`.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { engineFunction } from "../internal/closure/engineFunctions.js"
import { withEnv } from "../internal/closure/shipping.js"
import type { RDDOp } from "../internal/rdd/op.js"
import { invalidPartitioner, positive } from "../internal/rdd/validation.js"
import type { Aggregator } from "../shuffle/Aggregator.js"
import { InvalidArgumentError, type PartitionerMismatchError } from "../SparkError.js"
import { KeyMap } from "../util/KeyMap.js"
import { compareKeys, type Ordering } from "../util/Ordering.js"
import * as CoGroupedRDD from "./CoGroupedRDD.js"
import * as MapPartitionsRDD from "./MapPartitionsRDD.js"
import { defaultPartitioner, HashPartitioner, type Partitioner, samePartitioner } from "./Partitioner.js"
import { RDD, type RDDContext, type RDDError } from "./RDD.js"
import * as ShuffledRDD from "./ShuffledRDD.js"
import * as SubtractedRDD from "./SubtractedRDD.js"

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

/**
 * A shuffle of `self`'s records to `partitioner`: a `ShuffledRDD` whose
 * shuffle outputs are removed once it is garbage collected.
 *
 * Mirrors `new ShuffledRDD[K, V, C](self, partitioner).setAggregator(...).setMapSideCombine(...).setKeyOrdering(...)`.
 *
 * **Example**
 * ```ts
 * const shuffled = PairRDDFunctions.shuffle(pairs, new HashPartitioner(4), undefined, false, undefined)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const shuffle = <K, V, C>(
  self: RDD<Pair<K, V>>,
  partitioner: Partitioner,
  aggregator: Aggregator<K, V, C> | undefined,
  mapSideCombine: boolean,
  keyOrdering: Ordering<K> | undefined,
  error?: InvalidArgumentError | PartitionerMismatchError
): RDD<[K, C]> => {
  const dep = ShuffledRDD.dependency(
    self as RDD<unknown>,
    self.context.newShuffleId(),
    partitioner,
    aggregator,
    mapSideCombine,
    keyOrdering
  )
  const shuffled = new RDD<[K, C]>(self.context, ShuffledRDD.shuffled(partitioner), [dep], error)
  self.context.cleanShuffleWith(shuffled as RDD<unknown>, dep.shuffleId)
  return shuffled
}

// `spark.default.parallelism` as the context reads it (its `defaultParallelism`), when set; else `undefined`.
const configuredParallelism = (context: RDDContext): number | undefined =>
  context.conf?.entries.has("spark.default.parallelism") === true ? context.defaultParallelism : undefined

/**
 * Key-value operations on an RDD of pairs.
 *
 * **Example**
 * ```ts
 * const counts = new PairRDDFunctions(words.map((w) => [w, 1] as const)).reduceByKey((a, b) => a + b)
 * // the same as words.map((w) => [w, 1] as const).reduceByKey((a, b) => a + b)
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export class PairRDDFunctions<K, V> {
  constructor(readonly self: RDD<Pair<K, V>>) {}

  private narrow<U>(op: RDDOp): RDD<U> {
    return new RDD<U>(this.self.context, op, [{ _tag: "OneToOne", rdd: this.self as RDD<unknown> }])
  }

  private resolvePartitioner(spec: PartitionSpec, method: string, others: ReadonlyArray<RDD<unknown>> = []) {
    if (typeof spec === "number") {
      return { partitioner: new HashPartitioner(Math.max(1, spec)), error: positive(method, "numPartitions", spec) }
    }
    if (spec !== undefined) return { partitioner: spec, error: invalidPartitioner(method, spec) }
    const context = this.self.context
    return { partitioner: defaultPartitioner([this.self as RDD<unknown>, ...others], configuredParallelism(context)), error: undefined }
  }

  /** Applies `f` to every value, keeping keys and the partitioner. */
  mapValues<U>(f: (value: V) => U): RDD<[K, U]> {
    return this.narrow(
      MapPartitionsRDD.map(withEnv({ f }, ({ f }) => (kv: unknown) => [(kv as Pair<K, V>)[0], f((kv as Pair<K, V>)[1])]), true)
    )
  }

  /** Applies `f` to every value and flattens, keeping keys and the partitioner. */
  flatMapValues<U>(f: (value: V) => Iterable<U>): RDD<[K, U]> {
    return this.narrow(MapPartitionsRDD.flatMap(
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
  keys(): RDD<K> {
    return this.self.map((kv) => kv[0])
  }

  /** The values. */
  values(): RDD<V> {
    return this.self.map((kv) => kv[1])
  }

  /**
   * Combines the values of each key with three functions, combining on the map
   * side before the shuffle when `mapSideCombine` (the default).
   */
  combineByKey<C>(
    createCombiner: (value: V) => C,
    mergeValue: (combiner: C, value: V) => C,
    mergeCombiners: (a: C, b: C) => C,
    partitions?: PartitionSpec,
    mapSideCombine = true
  ): RDD<[K, C]> {
    const { error, partitioner } = this.resolvePartitioner(partitions, "combineByKey")
    const aggregator: Aggregator<K, V, C> = { createCombiner, mergeValue, mergeCombiners }
    if (error === undefined && samePartitioner(partitioner, this.self.partitioner)) {
      // Already partitioned by key: combine within each partition, no shuffle.
      const combine = engineFunction<
        { createCombiner: typeof createCombiner; mergeValue: typeof mergeValue },
        MapPartitionsRDD.PartitionFunction
      >(
        "combineValuesByKey",
        { createCombiner, mergeValue }
      )
      return this.narrow(MapPartitionsRDD.mapPartitions(combine, true))
    }
    return shuffle(this.self, partitioner, aggregator, mapSideCombine, undefined, error)
  }

  /** Merges the values of each key with an associative, commutative `f`. */
  reduceByKey(f: (a: Widen<V>, b: Widen<V>) => Widen<V>, partitions?: PartitionSpec): RDD<[K, Widen<V>]> {
    return new PairRDDFunctions(this.self as unknown as RDD<Pair<K, Widen<V>>>).combineByKey((v) => v, f, f, partitions)
  }

  /** Folds the values of each key, starting from `zero` in every partition. */
  foldByKey(zero: Widen<V>, f: (a: Widen<V>, b: Widen<V>) => Widen<V>, partitions?: PartitionSpec): RDD<[K, Widen<V>]> {
    const create = withEnv(
      { zero, f },
      ({ zero, f }) => (v: Widen<V>) => f(typeof zero === "object" && zero !== null ? structuredClone(zero) : zero, v)
    )
    return new PairRDDFunctions(this.self as unknown as RDD<Pair<K, Widen<V>>>).combineByKey(create, f, f, partitions)
  }

  /** Aggregates the values of each key with `seqOp` within partitions and `combOp` across them. */
  aggregateByKey<U>(zero: U, seqOp: (acc: U, value: V) => U, combOp: (a: U, b: U) => U, partitions?: PartitionSpec): RDD<[K, U]> {
    const create = withEnv(
      { zero, seqOp },
      ({ zero, seqOp }) => (v: V) => seqOp(typeof zero === "object" && zero !== null ? structuredClone(zero) : zero, v)
    )
    return this.combineByKey(create, seqOp, combOp, partitions)
  }

  /** Groups the values of each key (no map-side combine, as in Spark). */
  groupByKey(partitions?: PartitionSpec): RDD<[K, Array<V>]> {
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
  partitionBy(partitioner: Partitioner): RDD<[K, V]> {
    const error = invalidPartitioner("partitionBy", partitioner)
    if (error === undefined && samePartitioner(partitioner, this.self.partitioner)) return this.self as unknown as RDD<[K, V]>
    return shuffle<K, V, V>(this.self, partitioner, undefined, false, undefined, error)
  }

  /**
   * Groups the values of each key in this RDD and the others:
   * `[key, [values here, values in others[0], ...]]`.
   */
  cogroup(...args: ReadonlyArray<RDD<Pair<unknown, unknown>> | PartitionSpec>): RDD<unknown> {
    const others = args.filter((a): a is RDD<Pair<unknown, unknown>> => a instanceof RDD) as ReadonlyArray<RDD<unknown>>
    const spec = args.find((a) => !(a instanceof RDD)) as PartitionSpec
    const { error, partitioner } = this.resolvePartitioner(spec, "cogroup", others)
    const context = this.self.context
    const deps = CoGroupedRDD.dependencies([this.self as RDD<unknown>, ...others], partitioner, () => context.newShuffleId())
    const cogrouped = new RDD<unknown>(context, CoGroupedRDD.coGrouped(partitioner), deps, error)
    for (const dep of deps) if (dep._tag === "Shuffle") context.cleanShuffleWith(cogrouped, dep.shuffleId)
    return cogrouped
  }

  private cogroup2<W>(other: RDD<Pair<K, W>>, partitions: PartitionSpec): PairRDDFunctions<K, [Array<V>, Array<W>]> {
    return new PairRDDFunctions(this.cogroup(other as RDD<Pair<unknown, unknown>>, partitions) as RDD<Pair<K, [Array<V>, Array<W>]>>)
  }

  /** Pairs of values for every key present in both RDDs. */
  join<W>(other: RDD<Pair<K, W>>, partitions?: PartitionSpec): RDD<[K, [V, W]]> {
    return this.cogroup2(other, partitions).flatMapValues(([vs, ws]) => {
      const out: Array<[V, W]> = []
      for (const v of vs) for (const w of ws) out.push([v, w])
      return out
    })
  }

  /** Like `join`, keeping keys missing from `other` with `undefined`. */
  leftOuterJoin<W>(other: RDD<Pair<K, W>>, partitions?: PartitionSpec): RDD<[K, [V, W | undefined]]> {
    return this.cogroup2(other, partitions).flatMapValues(([vs, ws]) => {
      const out: Array<[V, W | undefined]> = []
      for (const v of vs) {
        if (ws.length === 0) out.push([v, undefined])
        else for (const w of ws) out.push([v, w])
      }
      return out
    })
  }

  /** Like `join`, keeping keys missing from this RDD with `undefined`. */
  rightOuterJoin<W>(other: RDD<Pair<K, W>>, partitions?: PartitionSpec): RDD<[K, [V | undefined, W]]> {
    return this.cogroup2(other, partitions).flatMapValues(([vs, ws]) => {
      const out: Array<[V | undefined, W]> = []
      for (const w of ws) {
        if (vs.length === 0) out.push([undefined, w])
        else for (const v of vs) out.push([v, w])
      }
      return out
    })
  }

  /** Like `join`, keeping keys missing on either side with `undefined`. */
  fullOuterJoin<W>(other: RDD<Pair<K, W>>, partitions?: PartitionSpec): RDD<[K, [V | undefined, W | undefined]]> {
    return this.cogroup2(other, partitions).flatMapValues(([vs, ws]) => {
      const out: Array<[V | undefined, W | undefined]> = []
      if (vs.length === 0) { for (const w of ws) out.push([undefined, w]) }
      else if (ws.length === 0) { for (const v of vs) out.push([v, undefined]) }
      else for (const v of vs) for (const w of ws) out.push([v, w])
      return out
    })
  }

  /**
   * The records whose key `other` does not have. Partitioned by `partitions`,
   * else by this RDD's partitioner when it has one (then this side is read
   * without a shuffle), else hash partitioned into as many partitions as this RDD has.
   */
  subtractByKey<W>(other: RDD<Pair<K, W>>, partitions?: PartitionSpec): RDD<[K, V]> {
    const { error, partitioner } = partitions === undefined
      ? { error: undefined, partitioner: this.self.partitioner ?? new HashPartitioner(this.self.numPartitions) }
      : this.resolvePartitioner(partitions, "subtractByKey")
    const context = this.self.context
    const deps = SubtractedRDD.dependencies(this.self as RDD<unknown>, other as RDD<unknown>, partitioner, () => context.newShuffleId())
    const subtracted = new RDD<[K, V]>(context, SubtractedRDD.subtracted(partitioner), deps, error)
    for (const dep of deps) if (dep._tag === "Shuffle") context.cleanShuffleWith(subtracted as RDD<unknown>, dep.shuffleId)
    return subtracted
  }

  /** The pairs as a map, on the driver; for a key with several values, the last one collected wins. */
  collectAsMap(): Effect.Effect<KeyMap<K, V>, RDDError> {
    return Effect.map(this.self.collect(), (pairs) => {
      const map = new KeyMap<K, V>()
      for (const [k, v] of pairs) map.set(k, v)
      return map
    })
  }

  /**
   * The values of `key`. With a partitioner, only the partition it names for
   * `key` is read (a one-task job); otherwise every partition is.
   */
  lookup(key: K): Effect.Effect<Array<V>, RDDError> {
    const matching = withEnv({ key, compareKeys }, ({ compareKeys, key }) => (it: Iterator<Pair<K, V>>) => {
      const values: Array<V> = []
      for (let r = it.next(); !r.done; r = it.next()) if (compareKeys(r.value[0], key) === 0) values.push(r.value[1])
      return values
    })
    const partitioner = this.self.partitioner
    if (partitioner === undefined) return Effect.map(this.self.runJob(matching), (parts) => parts.flat())
    const index = partitioner.getPartition(key)
    const numPartitions = this.self.numPartitions
    if (!Number.isInteger(index) || index < 0 || index >= numPartitions) {
      return Effect.fail(
        new InvalidArgumentError({
          method: "lookup",
          message: `the RDD's partitioner puts key ${String(key)} in partition ${index}, but the RDD has ${numPartitions} ` +
            `partitions (0 to ${numPartitions - 1}); the partitioner's getPartition must return an index in that range`
        })
      )
    }
    return Effect.map(this.self.runJob(matching, [index]), (parts) => parts[0] ?? [])
  }

  /** How many records each key has. */
  countByKey(): Effect.Effect<KeyMap<K, number>, RDDError> {
    return Effect.map(
      new PairRDDFunctions(this.mapValues(() => 1)).reduceByKey((a, b) => a + b).collect(),
      (pairs) => {
        const counts = new KeyMap<K, number>()
        for (const [k, n] of pairs) counts.set(k, n)
        return counts
      }
    )
  }
}
