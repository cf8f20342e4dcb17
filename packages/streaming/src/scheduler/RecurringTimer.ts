/**
 * Calls a function at every period boundary on Effect's Clock, as Spark's
 * streaming timers do: the JobGenerator's batch timer and the receivers'
 * block interval. `make` gives Spark's timer object (`start`, `stop`,
 * `getStartTime`, `getRestartTime`); `run` is the bare loop for code that
 * stops it by interrupting its fiber.
 *
 * Mirrors `org.apache.spark.streaming.util.RecurringTimer`.
 *
 * @since 0.1.0
 */
import { Clock, Effect, type Scope } from "effect"
import type * as Duration from "effect/Duration"
import { positiveMillis } from "../internal/durations.js"
import * as internal from "../internal/recurringTimer.js"
import type { IllegalStateError, InvalidStreamError } from "../StreamingError.js"

/**
 * The first period boundary strictly after `now`, as Spark's `getStartTime`.
 *
 * **Example**
 * ```ts
 * nextBoundary(2500, 1000) // 3000
 * ```
 *
 * @category getters
 * @since 0.1.0
 */
export const nextBoundary: (now: number, periodMs: number) => number = internal.nextBoundary

/**
 * Runs `onTick(time)` for every period boundary from `startTime` on, forever
 * (interrupt the fiber to stop). When the clock jumps past several periods at
 * once, it calls `onTick` once for every missed time, in order.
 *
 * **Example**
 * ```ts
 * yield* Effect.forkScoped(RecurringTimer.run(1000, 1000, (time) => Console.log(time)))
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const run = (periodMs: number, startTime: number, onTick: (time: number) => Effect.Effect<void>): Effect.Effect<never> =>
  Effect.gen(function*() {
    let next = startTime
    for (;;) {
      const now = yield* Clock.currentTimeMillis
      if (next > now) yield* Effect.sleep(next - now)
      yield* onTick(next)
      next += periodMs
    }
  })

/**
 * A timer that calls back at `startTime`, `startTime + period`, ...: once per
 * boundary, in order, also when the clock jumps past several at once.
 *
 * - `start(startTime?)`: starts at `startTime` (default `getStartTime`);
 *   returns the first time. A timer starts once.
 * - `stop(interruptTimer)`: returns the time of the last callback (-1 if none).
 *   With `false` the timer finishes the wait or callback in progress and then
 *   makes one more callback, so that what was added before the stop is
 *   handed on after it (SPARK-10224); with `true` it stops at once,
 *   interrupting a callback in progress. Stopping again returns the same time.
 * - `getStartTime`: the first boundary (a multiple of the period) after now.
 * - `getRestartTime(originalStartTime)`: the first time after now of the
 *   series `originalStartTime + k * period`.
 *
 * Mirrors `org.apache.spark.streaming.util.RecurringTimer`.
 *
 * **Example**
 * ```ts
 * const timer = yield* RecurringTimer.make("1 second", (time) => Effect.log(time), "ticker")
 * yield* timer.start()
 * const last = yield* timer.stop(false)
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface RecurringTimer {
  readonly name: string
  readonly periodMs: number
  /** Whether `stop` has been called. */
  readonly isStopped: boolean
  readonly getStartTime: Effect.Effect<number>
  getRestartTime(originalStartTime: number): Effect.Effect<number, InvalidStreamError>
  start(startTime?: number): Effect.Effect<number, IllegalStateError | InvalidStreamError>
  stop(interruptTimer: boolean): Effect.Effect<number, IllegalStateError>
}

/**
 * A stopped-until-started timer calling `callback(time)` every `period`
 * (a positive whole number of milliseconds); its fiber lives in the current
 * scope, so closing the scope stops it.
 *
 * Mirrors `new RecurringTimer(clock, period, callback, name)`.
 *
 * **Example**
 * ```ts
 * const timer = yield* RecurringTimer.make(Duration.seconds(1), (time) => Effect.log(time), "ticker")
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (
  period: Duration.Input,
  callback: (time: number) => Effect.Effect<void>,
  name: string
): Effect.Effect<RecurringTimer, InvalidStreamError, Scope.Scope> =>
  Effect.gen(function*() {
    const periodMs = positiveMillis(period, `RecurringTimer ${name}`, "period")
    if (typeof periodMs !== "number") return yield* periodMs
    return new internal.RecurringTimerImpl(periodMs, callback, name, yield* Effect.scope)
  })
