/**
 * The state of one key, as a `mapWithState` function sees it.
 *
 * Mirrors `org.apache.spark.streaming.State`.
 *
 * @since 0.1.0
 */
import { makeStateClass } from "../internal/state.js"

/**
 * The state of one key, as a `mapWithState` function sees it.
 *
 * Mirrors `org.apache.spark.streaming.State`.
 *
 * **Example**
 * ```ts
 * const func = (key: string, value: number | undefined, state: State.State<number>) => {
 *   const sum = (state.getOption() ?? 0) + (value ?? 0)
 *   if (!state.isTimingOut) state.update(sum)
 *   return [key, sum] as const
 * }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface State<S> {
  /** Whether the key is being removed for inactivity (its last call; `update` and `remove` are not allowed). */
  readonly isTimingOut: boolean
  /** Whether the key has a state. */
  exists(): boolean
  /** The state; `undefined` when there is none. */
  getOption(): S | undefined
  /** The state; throws (failing the task) when there is none: check `exists()` first. */
  get(): S
  /** Sets the state. */
  update(value: S): void
  /** Removes the state. */
  remove(): void
  /** @internal */
  readonly wasRemoved: boolean
  /** @internal */
  readonly wasUpdated: boolean
}

/**
 * Creates a key's state (the engine does, for each call of a `mapWithState` function).
 *
 * Mirrors `org.apache.spark.streaming.StateImpl`.
 *
 * **Example**
 * ```ts
 * const state = new State.State<number>(1, true, false)
 * state.update(2)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const State: new<S>(value: S | undefined, defined: boolean, isTimingOut: boolean) => State<S> = makeStateClass()
