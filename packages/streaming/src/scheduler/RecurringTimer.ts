/**
 * Calls a function at `startTime`, `startTime + period`, ... on Effect's
 * Clock. When the clock jumps past several periods at once, it calls the
 * function once for every missed time, in order: no gap and no repeat.
 *
 * Mirrors `org.apache.spark.streaming.util.RecurringTimer`.
 *
 * @since 0.1.0
 */
import { Clock, Effect } from "effect"

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
export const nextBoundary = (now: number, periodMs: number): number => (Math.floor(now / periodMs) + 1) * periodMs

/**
 * Runs `onTick(time)` for every period boundary from `startTime` on, forever
 * (interrupt the fiber to stop).
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
