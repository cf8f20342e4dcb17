import { type Effect, Stream, SubscriptionRef } from "effect"

/**
 * The one waiter of the package: waits until `ref` holds a value that
 * satisfies `done` (at once when it already does). Counters that someone may
 * wait on are `SubscriptionRef`s, so no component keeps a list of waiters.
 */
export const awaitUntil = <A>(ref: SubscriptionRef.SubscriptionRef<A>, done: (value: A) => boolean): Effect.Effect<void> =>
  Stream.runDrain(Stream.takeUntil(SubscriptionRef.changes(ref), done))
