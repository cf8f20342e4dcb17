/**
 * What `mapWithState` needs: the function, and optionally an initial state,
 * a partitioner and an idle timeout.
 *
 * Mirrors `org.apache.spark.streaming.StateSpec`.
 *
 * @since 0.1.0
 */
import { Closure, type RDD as RDDModule } from "@tspark/core"
import type { Duration } from "effect"
import type { Time } from "../Time.js"
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
  readonly func: (key: K, value: V | undefined, state: State<S>, time: Time) => M | undefined
  readonly initialState?: RDDModule.RDD<RDDModule.Pair<K, S>>
  readonly partitions?: RDDModule.PartitionSpec
  readonly timeout?: Duration.Input
}

/**
 * The optional parts of a `StateSpec`: an initial state, partitions (a count
 * or a partitioner) and an idle timeout.
 *
 * **Example**
 * ```ts
 * const options: StateSpec.Options<string, number> = { partitions: 4, timeout: "1 minute" }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export type Options<K, S> = Pick<StateSpec<K, never, S, never>, "initialState" | "partitions" | "timeout">

/**
 * A spec from a mapping function in either of Spark's shapes:
 * `(key, value, state) => mapped`, or `(time, key, value, state) => mapped`
 * where `undefined` emits nothing. A function of four parameters is the form
 * with the time (as TypeScript picks the overload). The function ships to
 * executors (capture values with `Closure.withEnv`).
 *
 * Mirrors `StateSpec.function(mappingFunction)` (both overloads), with
 * `initialState`, `numPartitions`/`partitioner` and `timeout` as options.
 *
 * **Example**
 * ```ts
 * const spec = StateSpec.function((time: Time.Time, word: string, one: number | undefined, state: State.State<number>) => {
 *   const sum = (one ?? 0) + (state.getOption() ?? 0)
 *   state.update(sum)
 *   return [word, sum, time] as const
 * }, { timeout: "1 minute" })
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
const function_: {
  <K, V, S, M>(
    mappingFunction: (key: K, value: V | undefined, state: State<S>) => M,
    options?: Options<K, S>
  ): StateSpec<K, V, S, M>
  <K, V, S, M>(
    mappingFunction: (time: Time, key: K, value: V | undefined, state: State<S>) => M | undefined,
    options?: Options<K, S>
  ): StateSpec<K, V, S, M>
} = <K, V, S, M>(
  mappingFunction:
    | ((key: K, value: V | undefined, state: State<S>) => M)
    | ((time: Time, key: K, value: V | undefined, state: State<S>) => M | undefined),
  options: Options<K, S> = {}
): StateSpec<K, V, S, M> => {
  if (mappingFunction.length >= 4) {
    const f = mappingFunction as (time: Time, key: K, value: V | undefined, state: State<S>) => M | undefined
    return {
      ...options,
      func: Closure.withEnv({ f }, ({ f }) => (key: K, value: V | undefined, state: State<S>, time: Time) => f(time, key, value, state))
    }
  }
  const f = mappingFunction as (key: K, value: V | undefined, state: State<S>) => M
  return { ...options, func: Closure.withEnv({ f }, ({ f }) => (key: K, value: V | undefined, state: State<S>) => f(key, value, state)) }
}

export { function_ as function }
