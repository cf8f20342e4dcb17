// The key-value operations of every DStream, the second of the public
// `DStream` class's layers (DStreamBase → DStreamPairMethods → DStream). Each
// is a method on `DStream<Pair<K, V>>` (typed through `this`), so chains like
// `stream.map(...).reduceByKey(...)` read as in Spark; the bodies live in
// dstream/PairDStreamFunctions.ts.
import type { RDD as RDDModule } from "@tspark/core"
import type { Duration } from "effect"
import type { DStream } from "../dstream/DStream.js"
import type { MapWithStateDStream } from "../dstream/MapWithStateDStream.js"
import * as PairFunctions from "../dstream/PairDStreamFunctions.js"
import type { StateSpec } from "../dstream/StateSpec.js"
import { DStreamBase } from "./dstreamBase.js"

type RDD<T> = RDDModule.RDD<T>
type Pair<K, V> = RDDModule.Pair<K, V>
type Widen<V> = RDDModule.Widen<V>
type PartitionSpec = RDDModule.PartitionSpec
type Reduce<V> = (a: Widen<V>, b: Widen<V>) => Widen<V>

export abstract class DStreamPairMethods<T> extends DStreamBase<T> {
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
   * Keeps a state per key across batches (`StateDStream`), in Spark's forms:
   * `update(newValues, previousState)` returning the new state (or
   * `undefined` to drop the key), with optional partitions and initial state;
   * a function of a partition's `[key, values, state]` records, or
   * `update(time, key, values, state)`, each with partitions and
   * `rememberPartitioner` (see `PairDStreamFunctions.updateStateByKey`).
   * Needs a checkpoint directory.
   */
  updateStateByKey<K, V, S>(
    this: DStream<Pair<K, V>>,
    update: PairFunctions.UpdateByKey<V, S>,
    partitions?: PartitionSpec,
    initialState?: RDD<Pair<K, S>>
  ): DStream<[K, S]>
  updateStateByKey<K, V, S>(
    this: DStream<Pair<K, V>>,
    update: PairFunctions.UpdateIterator<K, V, S>,
    partitions: PartitionSpec,
    rememberPartitioner: boolean,
    initialState?: RDD<Pair<K, S>>
  ): DStream<[K, S]>
  updateStateByKey<K, V, S>(
    this: DStream<Pair<K, V>>,
    update: PairFunctions.UpdateWithTime<K, V, S>,
    partitions: PartitionSpec,
    rememberPartitioner: boolean,
    initialState?: RDD<Pair<K, S>>
  ): DStream<[K, S]>
  updateStateByKey<K, V, S>(this: DStream<Pair<K, V>>, ...args: ReadonlyArray<unknown>): DStream<[K, S]> {
    return (PairFunctions.updateStateByKey as (...args: ReadonlyArray<unknown>) => DStream<[K, S]>)(this, ...args)
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
}
