// Waits on the real clock, for tests that talk to real sockets and executor
// processes: bounded polls that can only fail late on a slow machine, never
// pass wrongly.
import { Effect } from "effect"

/** Waits `ms` of real time. */
export const sleepReal = (ms: number) => Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, ms)))

/** Polls `done` every 20 ms for at most `timeoutMs`; dies naming `what` when it never holds. */
export const waitUntil = (done: () => boolean, what: string, timeoutMs = 30_000) =>
  Effect.gen(function*() {
    const deadline = Date.now() + timeoutMs
    while (!done()) {
      if (Date.now() > deadline) return yield* Effect.die(new Error(`timed out waiting for ${what}`))
      yield* sleepReal(20)
    }
  })
