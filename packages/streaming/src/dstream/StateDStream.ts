/**
 * `updateStateByKey`: a state per key carried across batches. Stateful: its
 * lineage grows every batch, so it must be checkpointed.
 *
 * Mirrors `org.apache.spark.streaming.dstream.StateDStream`.
 *
 * @since 0.1.0
 */
import { Closure, type RDD as RDDModule, StorageLevel } from "@tspark/core"
import { resolvePartitioner } from "../internal/derive.js"
import type { Time } from "../Time.js"
import { DStream } from "./DStream.js"

type RDD<T> = RDDModule.RDD<T>
type Pair<K, V> = RDDModule.Pair<K, V>
const withEnv = Closure.withEnv

/**
 * What the update function of a `StateDStream` sees of each key in a batch:
 * the key, its new values, and its previous state (`undefined` when none).
 *
 * **Example**
 * ```ts
 * const record: StateDStream.KeyRecord<string, number, number> = ["a", [1, 2], 3]
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export type KeyRecord<K, V, S> = [key: K, values: Array<V>, state: S | undefined]

/**
 * The update function of a `StateDStream`: from the batch time and the
 * records of one partition, the new states of their keys (a key left out is
 * dropped). Every `updateStateByKey` form is one of these.
 *
 * **Example**
 * ```ts
 * const update: StateDStream.UpdateFunction<string, number, number> = function*(time, records) {
 *   for (const [key, values, state] of records) yield [key, (state ?? 0) + values.length]
 * }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export type UpdateFunction<K, V, S> = (
  time: Time,
  records: IterableIterator<KeyRecord<K, V, S>>
) => Iterable<Pair<K, S>> | Iterator<Pair<K, S>>

/**
 * Keeps a state per key across batches. Each batch, the previous state RDD
 * is cogrouped with the batch's RDD and `update` runs on each partition;
 * with no previous state, the batch is grouped by key, or cogrouped with
 * `initialState` when given (that is, the initial state joins at the first
 * batch with data); with no RDD for the batch, `update` runs on the previous
 * state with no values. `preservePartitioning` keeps `partitions`'
 * partitioner on the state RDDs (when `update` keeps each key in its
 * partition). `update` ships to executors (see `Closure.withEnv`).
 *
 * Mirrors `new StateDStream(parent, updateFunc, partitioner, preservePartitioning, initialRDD)`.
 *
 * **Example**
 * ```ts
 * const counts = StateDStream.make(pairs, function*(_time, records) {
 *   for (const [key, values, state] of records) yield [key, (state ?? 0) + values.length] as [string, number]
 * }, 4, true)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = <K, V, S>(
  parent: DStream<Pair<K, V>>,
  update: UpdateFunction<K, V, S>,
  partitions?: RDDModule.PartitionSpec,
  preservePartitioning = true,
  initialState?: RDD<Pair<K, S>>
): DStream<[K, S]> => {
  const partitioner = resolvePartitioner(partitions, parent.context.sparkContext.defaultParallelism)
  const stream = new DStream<[K, S]>(parent.context, {
    name: "StateDStream",
    dependencies: [parent as DStream<unknown>],
    mustCheckpoint: true,
    compute: (time, self) => {
      const previous = self.getOrCompute(time - self.slideDurationMs)
      const batch = parent.getOrCompute(time)
      if (batch === undefined) {
        // No data this batch: the previous states with no new values (nothing when there is no state yet).
        return previous?.mapPartitions(
          withEnv({ update, time }, ({ update, time }) => (states: IterableIterator<Pair<K, S>>) =>
            update(
              time,
              (function*() {
                for (const [key, state] of states) yield [key, [], state] as KeyRecord<K, V, S>
              })()
            )),
          preservePartitioning
        ) as RDD<[K, S]> | undefined
      }
      const states = previous ?? initialState
      if (states === undefined) {
        return batch.groupByKey(partitioner).mapPartitions(
          withEnv({ update, time }, ({ update, time }) => (groups: IterableIterator<[K, Array<V>]>) =>
            update(
              time,
              (function*() {
                for (const [key, values] of groups) yield [key, values, undefined] as KeyRecord<K, V, S>
              })()
            )),
          preservePartitioning
        ) as RDD<[K, S]>
      }
      return batch.cogroup(states as RDD<Pair<K, S>>, partitioner).mapPartitions(
        withEnv({ update, time }, ({ update, time }) => (groups: IterableIterator<[K, [Array<V>, Array<S>]]>) =>
          update(
            time,
            (function*() {
              for (const [key, [values, previousStates]] of groups) {
                yield [key, values, previousStates.length === 0 ? undefined : previousStates[0]] as KeyRecord<K, V, S>
              }
            })()
          )),
        preservePartitioning
      ) as RDD<[K, S]>
    }
  })
  // As Spark's StateDStream: keep each batch's state serialized, so the next batch
  // reads a copy (an update function that mutates its state cannot change an earlier
  // batch's state) and does not recompute the whole state lineage.
  return stream.persist(StorageLevel.MEMORY_ONLY_SER)
}
