/**
 * What `mapWithState` needs: the function, and optionally an initial state,
 * a partitioner and an idle timeout.
 *
 * Mirrors `org.apache.spark.streaming.StateSpec`.
 *
 * @since 0.1.0
 */
import type { RDD as RDDModule } from "@tspark/core"
import type { Duration } from "effect"
import type { State } from "./State.js"

/**
 * What `mapWithState` needs: the function, and optionally an initial state,
 * a partitioner and an idle timeout after which a key's state is removed (the
 * function is then called once more with no value and `state.isTimingOut`).
 *
 * Mirrors `org.apache.spark.streaming.StateSpec`.
 *
 * **Example**
 * ```ts
 * const spec: StateSpec.StateSpec<string, number, number, number> = {
 *   func: (key, value, state) => { state.update((state.getOption() ?? 0) + (value ?? 0)); return state.get() },
 *   timeout: "1 minute"
 * }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface StateSpec<K, V, S, M> {
  readonly func: (key: K, value: V | undefined, state: State<S>, time: number) => M | undefined
  readonly initialState?: RDDModule.RDD<RDDModule.Pair<K, S>>
  readonly partitions?: RDDModule.PartitionSpec
  readonly timeout?: Duration.Input
}
