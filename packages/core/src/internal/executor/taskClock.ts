// The clock task metrics are measured on: the monotonic clock of the Effect
// services the executor runs with (the test clock in tests, where every
// measured time is then 0; the process's high-resolution clock otherwise).
import { Clock, Context } from "effect"

/** Fractional monotonic milliseconds of `clock`. */
export const nowMsOf = (clock: Clock.Clock): () => number => () => Number(clock.monotonicTimeNanosUnsafe()) / 1e6

/** Fractional monotonic milliseconds of the clock in `services` (Effect's default clock when none is set). */
export const nowMsIn = (services: Context.Context<never>): () => number => nowMsOf(Context.get(services, Clock.Clock))

/** Fractional monotonic milliseconds of Effect's default clock: executors in other threads and processes. */
export const defaultNowMs: () => number = nowMsIn(Context.empty())
