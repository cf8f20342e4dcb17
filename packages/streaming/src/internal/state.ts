import { Closure, type RDD as RDDModule } from "@tspark/core"
import type { DStream } from "../dstream/DStream.js"
import type { UpdateByKey, UpdateIterator, UpdateWithTime } from "../dstream/PairDStreamFunctions.js"
import type { State as StateShape } from "../dstream/State.js"
import * as StateDStream from "../dstream/StateDStream.js"
import type { Time } from "../Time.js"

type Pair<K, V> = RDDModule.Pair<K, V>
type PartitionSpec = RDDModule.PartitionSpec
const withEnv = Closure.withEnv

/**
 * Builds the `State` class. A function of nothing, so that tasks which need
 * the class (mapWithState's) can ship it to executors in their environment.
 */
export const makeStateClass = (): new<S>(value: S | undefined, defined: boolean, isTimingOut: boolean) => StateShape<S> => {
  class State<S> {
    private value: S | undefined
    private defined: boolean
    private removed = false
    private updated = false

    constructor(value: S | undefined, defined: boolean, readonly isTimingOut: boolean) {
      this.value = value
      this.defined = defined
    }

    exists(): boolean {
      return this.defined
    }

    getOption(): S | undefined {
      return this.defined ? this.value : undefined
    }

    get(): S {
      if (!this.defined) throw new Error("State is not set: check exists() before get()")
      return this.value as S
    }

    update(value: S): void {
      if (this.isTimingOut) throw new Error("Cannot update the state of a key that is timing out")
      if (this.removed) throw new Error("Cannot update the state after it has been removed")
      this.value = value
      this.defined = true
      this.updated = true
    }

    remove(): void {
      if (this.isTimingOut) throw new Error("Cannot remove the state of a key that is timing out")
      this.removed = true
      this.defined = false
      this.value = undefined
    }

    get wasRemoved(): boolean {
      return this.removed
    }

    get wasUpdated(): boolean {
      return this.updated
    }
  }
  return State
}

/**
 * `updateStateByKey`'s forms, each turned into a `StateDStream` update function
 * as Spark's `PairDStreamFunctions` does: a boolean third argument
 * (`rememberPartitioner`) marks the partition form (a function of at most one
 * parameter) or the form with the time; the per-key form keeps the partitioner.
 */
export const updateStateByKeyForms = <K, V, S>(
  self: DStream<Pair<K, V>>,
  update: UpdateByKey<V, S> | UpdateIterator<K, V, S> | UpdateWithTime<K, V, S>,
  partitions?: PartitionSpec,
  third?: boolean | RDDModule.RDD<Pair<K, S>>,
  fourth?: RDDModule.RDD<Pair<K, S>>
): DStream<[K, S]> => {
  if (typeof third !== "boolean") {
    // Spark wraps the per-key function and keeps the partitioner.
    const f = update as UpdateByKey<V, S>
    return StateDStream.make(
      self,
      withEnv({ f }, ({ f }) =>
        function*(_time: Time, records: IterableIterator<StateDStream.KeyRecord<K, V, S>>) {
          for (const [key, values, state] of records) {
            const next = f(values, state)
            if (next !== undefined) yield [key, next] as [K, S]
          }
        }),
      partitions,
      true,
      third
    )
  }
  if (update.length <= 1) {
    const f = update as UpdateIterator<K, V, S>
    return StateDStream.make(
      self,
      withEnv({ f }, ({ f }) => (_time: Time, records: IterableIterator<StateDStream.KeyRecord<K, V, S>>) => f(records)),
      partitions,
      third,
      fourth
    )
  }
  const f = update as UpdateWithTime<K, V, S>
  return StateDStream.make(
    self,
    withEnv({ f }, ({ f }) =>
      function*(time: Time, records: IterableIterator<StateDStream.KeyRecord<K, V, S>>) {
        for (const [key, values, state] of records) {
          const next = f(time, key, values, state)
          if (next !== undefined) yield [key, next] as [K, S]
        }
      }),
    partitions,
    third,
    fourth
  )
}
