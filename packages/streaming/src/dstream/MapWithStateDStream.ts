/**
 * `mapWithState`: maps each record with a function that reads and updates a
 * state kept per key, with optional idle timeouts. Stateful: it must be
 * checkpointed.
 *
 * Mirrors `org.apache.spark.streaming.dstream.MapWithStateDStream` and
 * `InternalMapWithStateDStream`.
 *
 * @since 0.1.0
 */
import { Closure, type RDD as RDDModule, StorageLevel } from "@tspark/core"
import { resolvePartitioner } from "../internal/derive.js"
import { positiveMillis } from "../internal/durations.js"
import { makeStateClass } from "../internal/state.js"
import { DStream } from "./DStream.js"
import type { State } from "./State.js"
import type { StateSpec } from "./StateSpec.js"

type RDD<T> = RDDModule.RDD<T>
type Pair<K, V> = RDDModule.Pair<K, V>
const withEnv = Closure.withEnv

/**
 * The stream of mapped values of `mapWithState`, with the state snapshots.
 *
 * Mirrors `org.apache.spark.streaming.dstream.MapWithStateDStream`.
 *
 * **Example**
 * ```ts
 * const mapped = pairs.mapWithState(spec)
 * mapped.stateSnapshots().print()
 * ```
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

/**
 * Maps each record of a key-value stream with `spec.func`, keeping a state
 * per key (`pairs.mapWithState(spec)`).
 *
 * Mirrors `org.apache.spark.streaming.dstream.MapWithStateDStreamImpl`.
 *
 * **Example**
 * ```ts
 * const running = MapWithStateDStream.make(pairs, { func: (k, v, state) => { state.update(v ?? 0); return k } })
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = <K, V, S, M>(parent: DStream<Pair<K, V>>, spec: StateSpec<K, V, S, M>): MapWithStateDStream<K, S, M> => {
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
      return previous.cogroup(batch, partitioner).map(
        withEnv({ func, time, timeout, makeStateClass }, ({ func, time, timeout, makeStateClass }) => {
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
        })
      )
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
