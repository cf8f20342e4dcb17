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
import { DStream } from "./DStream.js"

type RDD<T> = RDDModule.RDD<T>
type Pair<K, V> = RDDModule.Pair<K, V>
const withEnv = Closure.withEnv

/**
 * Keeps a state per key across batches (`pairs.updateStateByKey(update)`):
 * `update(newValues, previousState)` returns the new state, or `undefined`
 * to drop the key.
 *
 * Mirrors `org.apache.spark.streaming.dstream.StateDStream`.
 *
 * **Example**
 * ```ts
 * const totals = StateDStream.make(pairs, (values: Array<number>, total: number | undefined) =>
 *   values.reduce((a, b) => a + b, total ?? 0))
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = <K, V, S>(
  parent: DStream<Pair<K, V>>,
  update: (values: Array<V>, state: S | undefined) => S | undefined,
  partitions?: RDDModule.PartitionSpec,
  initialState?: RDD<Pair<K, S>>
): DStream<[K, S]> => {
  const sc = parent.context.sparkContext
  const partitioner = resolvePartitioner(partitions, sc.defaultParallelism)
  const stream = new DStream<[K, S]>(parent.context, {
    name: "StateDStream",
    dependencies: [parent as DStream<unknown>],
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
