/**
 * The key-value operations of a `DStream<readonly [K, V]>`: per-batch
 * shuffles, windows, state, and joins. DStream's methods of the same names
 * delegate here; each names the DStream family that holds its logic.
 *
 * Mirrors `org.apache.spark.streaming.dstream.PairDStreamFunctions`.
 *
 * @since 0.1.0
 */
import type { RDD as RDDModule } from "@tspark/core"
import type { Duration } from "effect"
import type { Time } from "../Time.js"
import type { DStream } from "./DStream.js"
import { updateStateByKeyForms } from "../internal/state.js"
import * as MappedDStream from "./MappedDStream.js"
import * as MapWithStateDStream from "./MapWithStateDStream.js"
import * as ReducedWindowedDStream from "./ReducedWindowedDStream.js"
import * as ShuffledDStream from "./ShuffledDStream.js"
import type * as StateDStream from "./StateDStream.js"
import type { StateSpec } from "./StateSpec.js"
import * as TransformedDStream from "./TransformedDStream.js"

type Pair<K, V> = RDDModule.Pair<K, V>
type Widen<V> = RDDModule.Widen<V>
type PartitionSpec = RDDModule.PartitionSpec
type Reduce<V> = (a: Widen<V>, b: Widen<V>) => Widen<V>

/**
 * Groups the values of each key in each batch (see `ShuffledDStream`).
 *
 * Mirrors `PairDStreamFunctions.groupByKey`.
 *
 * **Example**
 * ```ts
 * const grouped = PairDStreamFunctions.groupByKey(pairs)
 * ```
 *
 * @category combinators
 * @since 0.1.0
 */
export const groupByKey = <K, V>(self: DStream<Pair<K, V>>, partitions?: PartitionSpec): DStream<[K, Array<V>]> =>
  ShuffledDStream.groupByKey(self, partitions)

/**
 * Merges the values of each key in each batch (see `ShuffledDStream`).
 *
 * Mirrors `PairDStreamFunctions.reduceByKey`.
 *
 * **Example**
 * ```ts
 * const counts = PairDStreamFunctions.reduceByKey(pairs, (a, b) => a + b)
 * ```
 *
 * @category combinators
 * @since 0.1.0
 */
export const reduceByKey = <K, V>(self: DStream<Pair<K, V>>, f: Reduce<V>, partitions?: PartitionSpec): DStream<[K, Widen<V>]> =>
  ShuffledDStream.reduceByKey(self, f, partitions)

/**
 * Combines the values of each key in each batch (see `ShuffledDStream`).
 *
 * Mirrors `PairDStreamFunctions.combineByKey`.
 *
 * **Example**
 * ```ts
 * const lists = PairDStreamFunctions.combineByKey(pairs, (v) => [v], (c, v) => [...c, v], (a, b) => [...a, ...b])
 * ```
 *
 * @category combinators
 * @since 0.1.0
 */
export const combineByKey = <K, V, C>(
  self: DStream<Pair<K, V>>,
  createCombiner: (value: V) => C,
  mergeValue: (c: C, value: V) => C,
  mergeCombiners: (a: C, b: C) => C,
  partitions?: PartitionSpec,
  mapSideCombine = true
): DStream<[K, C]> => ShuffledDStream.combineByKey(self, createCombiner, mergeValue, mergeCombiners, partitions, mapSideCombine)

/**
 * Applies `f` to every value (see `MappedDStream`).
 *
 * Mirrors `PairDStreamFunctions.mapValues`.
 *
 * **Example**
 * ```ts
 * const lengths = PairDStreamFunctions.mapValues(pairs, (v: string) => v.length)
 * ```
 *
 * @category combinators
 * @since 0.1.0
 */
export const mapValues = <K, V, U>(self: DStream<Pair<K, V>>, f: (value: V) => U): DStream<[K, U]> => MappedDStream.mapValues(self, f)

/**
 * Applies `f` to every value and flattens (see `MappedDStream`).
 *
 * Mirrors `PairDStreamFunctions.flatMapValues`.
 *
 * **Example**
 * ```ts
 * const chars = PairDStreamFunctions.flatMapValues(pairs, (v: string) => v.split(""))
 * ```
 *
 * @category combinators
 * @since 0.1.0
 */
export const flatMapValues = <K, V, U>(self: DStream<Pair<K, V>>, f: (value: V) => Iterable<U>): DStream<[K, U]> =>
  MappedDStream.flatMapValues(self, f)

/**
 * The per-key update function of `updateStateByKey`: from a key's new values
 * and previous state, its new state (`undefined` drops the key).
 *
 * **Example**
 * ```ts
 * const count: PairDStreamFunctions.UpdateByKey<number, number> = (values, state) => (state ?? 0) + values.length
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export type UpdateByKey<V, S> = (values: Array<V>, state: S | undefined) => S | undefined

/**
 * The partition-at-a-time update function of `updateStateByKey`: from the
 * records `[key, newValues, previousState]` of one partition, the new states
 * (a key left out is dropped).
 *
 * **Example**
 * ```ts
 * const update: PairDStreamFunctions.UpdateIterator<string, number, number> = function*(records) {
 *   for (const [key, values, state] of records) yield [key, (state ?? 0) + values.length]
 * }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export type UpdateIterator<K, V, S> = (
  records: IterableIterator<StateDStream.KeyRecord<K, V, S>>
) => Iterable<Pair<K, S>> | Iterator<Pair<K, S>>

/**
 * The update function of `updateStateByKey` with the batch time and the key:
 * the key's new state (`undefined` drops the key).
 *
 * **Example**
 * ```ts
 * const update: PairDStreamFunctions.UpdateWithTime<string, number, number> = (time, key, values, state) =>
 *   (state ?? 0) + values.length
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export type UpdateWithTime<K, V, S> = (time: Time, key: K, values: Array<V>, state: S | undefined) => S | undefined

/**
 * A state per key across batches (see `StateDStream`), in Spark's forms:
 *
 * - `(values, state) => newState`, with optional partitions (a count or a
 *   partitioner) and an initial state RDD;
 * - `(records) => newStates` over a partition's `[key, values, state]`
 *   records, with partitions, `rememberPartitioner` and an optional initial
 *   state RDD;
 * - `(time, key, values, state) => newState`, with partitions,
 *   `rememberPartitioner` and an optional initial state RDD.
 *
 * With `rememberPartitioner` (a boolean third argument), a function of at
 * most one parameter is the partition form, any other the form with the time
 * (as TypeScript picks the overload). The initial state joins at the first
 * batch with data. Needs a checkpoint directory; the function ships to
 * executors.
 *
 * Mirrors `PairDStreamFunctions.updateStateByKey`.
 *
 * **Example**
 * ```ts
 * const totals = PairDStreamFunctions.updateStateByKey(pairs, (vs: Array<number>, s: number | undefined) => (s ?? 0) + vs.length)
 * const byTime = PairDStreamFunctions.updateStateByKey(pairs, (time, key, vs, s) => time, 4, true)
 * ```
 *
 * @category combinators
 * @since 0.1.0
 */
export const updateStateByKey: {
  <K, V, S>(
    self: DStream<Pair<K, V>>,
    update: UpdateByKey<V, S>,
    partitions?: PartitionSpec,
    initialState?: RDDModule.RDD<Pair<K, S>>
  ): DStream<[K, S]>
  <K, V, S>(
    self: DStream<Pair<K, V>>,
    update: UpdateIterator<K, V, S>,
    partitions: PartitionSpec,
    rememberPartitioner: boolean,
    initialState?: RDDModule.RDD<Pair<K, S>>
  ): DStream<[K, S]>
  <K, V, S>(
    self: DStream<Pair<K, V>>,
    update: UpdateWithTime<K, V, S>,
    partitions: PartitionSpec,
    rememberPartitioner: boolean,
    initialState?: RDDModule.RDD<Pair<K, S>>
  ): DStream<[K, S]>
} = updateStateByKeyForms

/**
 * Maps records with a per-key state (see `MapWithStateDStream`).
 *
 * Mirrors `PairDStreamFunctions.mapWithState`.
 *
 * **Example**
 * ```ts
 * const mapped = PairDStreamFunctions.mapWithState(pairs, spec)
 * ```
 *
 * @category combinators
 * @since 0.1.0
 */
export const mapWithState = <K, V, S, M>(
  self: DStream<Pair<K, V>>,
  spec: StateSpec<K, V, S, M>
): MapWithStateDStream.MapWithStateDStream<K, S, M> => MapWithStateDStream.make(self, spec)

/**
 * Groups the values of each key over each window.
 *
 * Mirrors `PairDStreamFunctions.groupByKeyAndWindow`.
 *
 * **Example**
 * ```ts
 * const grouped = PairDStreamFunctions.groupByKeyAndWindow(pairs, "30 seconds", "10 seconds")
 * ```
 *
 * @category combinators
 * @since 0.1.0
 */
export const groupByKeyAndWindow = <K, V>(
  self: DStream<Pair<K, V>>,
  window: Duration.Input,
  slide?: Duration.Input,
  partitions?: PartitionSpec
): DStream<[K, Array<V>]> => self.window(window, slide).groupByKey(partitions)

/**
 * Merges the values of each key over each window. With `invF`, the window is
 * updated incrementally (`ReducedWindowedDStream`); without, each window is
 * reduced from scratch (a `WindowedDStream` of per-batch reductions).
 *
 * Mirrors `PairDStreamFunctions.reduceByKeyAndWindow`.
 *
 * **Example**
 * ```ts
 * const counts = PairDStreamFunctions.reduceByKeyAndWindow(pairs, (a, b) => a + b, undefined, "30 seconds")
 * ```
 *
 * @category combinators
 * @since 0.1.0
 */
export const reduceByKeyAndWindow = <K, V>(
  self: DStream<Pair<K, V>>,
  f: Reduce<V>,
  invF: Reduce<V> | undefined,
  window: Duration.Input,
  slide?: Duration.Input,
  partitions?: PartitionSpec,
  filter?: (kv: Pair<K, Widen<V>>) => boolean
): DStream<[K, Widen<V>]> => {
  if (invF === undefined) {
    const windowed = self.reduceByKey(f, partitions).window(window, slide) as unknown as DStream<Pair<K, V>>
    return windowed.reduceByKey(f, partitions)
  }
  return ReducedWindowedDStream.make(self, f, invF, window, slide, partitions, filter)
}

/**
 * Groups the values of each key in two streams, batch by batch.
 *
 * Mirrors `PairDStreamFunctions.cogroup`.
 *
 * **Example**
 * ```ts
 * const both = PairDStreamFunctions.cogroup(clicks, views)
 * ```
 *
 * @category combinators
 * @since 0.1.0
 */
export const cogroup = <K, V, W>(
  self: DStream<Pair<K, V>>,
  other: DStream<Pair<K, W>>,
  partitions?: PartitionSpec
): DStream<[K, [Array<V>, Array<W>]]> => TransformedDStream.transformWith(self, other, (a, b) => a.cogroup(b, partitions))

/**
 * Joins two key-value streams batch by batch: inner, left, right or full outer.
 *
 * Mirrors `PairDStreamFunctions.join`, `leftOuterJoin`, `rightOuterJoin` and `fullOuterJoin`.
 *
 * **Example**
 * ```ts
 * const joined = PairDStreamFunctions.join(clicks, views)
 * ```
 *
 * @category combinators
 * @since 0.1.0
 */
export const join = <K, V, W>(self: DStream<Pair<K, V>>, other: DStream<Pair<K, W>>, partitions?: PartitionSpec): DStream<[K, [V, W]]> =>
  TransformedDStream.transformWith(self, other, (a, b) => a.join(b, partitions))

/**
 * Left outer join of two key-value streams, batch by batch.
 *
 * Mirrors `PairDStreamFunctions.leftOuterJoin`.
 *
 * **Example**
 * ```ts
 * const joined = PairDStreamFunctions.leftOuterJoin(clicks, views)
 * ```
 *
 * @category combinators
 * @since 0.1.0
 */
export const leftOuterJoin = <K, V, W>(
  self: DStream<Pair<K, V>>,
  other: DStream<Pair<K, W>>,
  partitions?: PartitionSpec
): DStream<[K, [V, W | undefined]]> => TransformedDStream.transformWith(self, other, (a, b) => a.leftOuterJoin(b, partitions))

/**
 * Right outer join of two key-value streams, batch by batch.
 *
 * Mirrors `PairDStreamFunctions.rightOuterJoin`.
 *
 * **Example**
 * ```ts
 * const joined = PairDStreamFunctions.rightOuterJoin(clicks, views)
 * ```
 *
 * @category combinators
 * @since 0.1.0
 */
export const rightOuterJoin = <K, V, W>(
  self: DStream<Pair<K, V>>,
  other: DStream<Pair<K, W>>,
  partitions?: PartitionSpec
): DStream<[K, [V | undefined, W]]> => TransformedDStream.transformWith(self, other, (a, b) => a.rightOuterJoin(b, partitions))

/**
 * Full outer join of two key-value streams, batch by batch.
 *
 * Mirrors `PairDStreamFunctions.fullOuterJoin`.
 *
 * **Example**
 * ```ts
 * const joined = PairDStreamFunctions.fullOuterJoin(clicks, views)
 * ```
 *
 * @category combinators
 * @since 0.1.0
 */
export const fullOuterJoin = <K, V, W>(
  self: DStream<Pair<K, V>>,
  other: DStream<Pair<K, W>>,
  partitions?: PartitionSpec
): DStream<[K, [V | undefined, W | undefined]]> => TransformedDStream.transformWith(self, other, (a, b) => a.fullOuterJoin(b, partitions))
