/**
 * An asynchronous event bus: events are published to a `PubSub` and each
 * listener drains its own subscription on its own fiber, so a slow or failing
 * listener never blocks the scheduler that posts.
 *
 * Mirrors `org.apache.spark.util.ListenerBus` and `LiveListenerBus`.
 *
 * @since 0.1.0
 */
import { Deferred, Effect, Fiber, PubSub, Scope } from "effect"

interface Sequenced<E> {
  readonly seq: number
  readonly event: E
}

interface Subscriber {
  lastSeq: number
}

/**
 * A listener bus over events `E` and listeners `L`.
 *
 * **Example**
 * ```ts
 * const bus = yield* ListenerBus.make<SparkListenerEvent, SparkListener>(dispatch)
 * yield* bus.addListener({ onJobEnd: (e) => console.log(e.jobId) })
 * bus.post(event)
 * yield* bus.waitUntilEmpty
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export class ListenerBus<E, L> {
  private posted = 0
  private readonly subscribers = new Set<Subscriber>()
  private waiters: Array<{ readonly target: number; readonly done: Deferred.Deferred<void> }> = []

  private constructor(
    private readonly pubsub: PubSub.PubSub<Sequenced<E>>,
    private readonly deliver: (listener: L, event: E) => void,
    private readonly scope: Scope.Scope,
    private readonly onListenerError: (error: unknown) => void
  ) {}

  /**
   * Creates a bus whose listener fibers live in the current scope.
   */
  static make<E, L>(
    deliver: (listener: L, event: E) => void,
    onListenerError: (error: unknown) => void = (error) => console.error("listener failed:", error)
  ): Effect.Effect<ListenerBus<E, L>, never, Scope.Scope> {
    return Effect.gen(function*() {
      const scope = yield* Effect.scope
      const pubsub = yield* PubSub.unbounded<Sequenced<E>>()
      yield* Effect.addFinalizer(() => PubSub.shutdown(pubsub))
      return new ListenerBus<E, L>(pubsub, deliver, scope, onListenerError)
    })
  }

  /** Posts an event to every listener (without waiting for them). */
  post(event: E): void {
    PubSub.publishUnsafe(this.pubsub, { seq: ++this.posted, event })
  }

  /** Adds a listener; it hears every event posted from now on. */
  addListener(listener: L): Effect.Effect<void> {
    return Effect.gen({ self: this }, function*() {
      const subscription = yield* Scope.provide(PubSub.subscribe(this.pubsub), this.scope)
      const subscriber: Subscriber = { lastSeq: this.posted }
      this.subscribers.add(subscriber)
      const loop = Effect.forever(
        Effect.flatMap(PubSub.take(subscription), ({ event, seq }) =>
          Effect.sync(() => {
            try {
              this.deliver(listener, event)
            } catch (error) {
              this.onListenerError(error)
            }
            subscriber.lastSeq = seq
            this.release()
          }))
      )
      const fiber = yield* Effect.forkIn(loop, this.scope)
      yield* Scope.addFinalizer(this.scope, Effect.sync(() => this.subscribers.delete(subscriber)).pipe(
        Effect.andThen(Fiber.interrupt(fiber))
      ))
    })
  }

  /** Waits until every listener has handled every event posted so far. */
  get waitUntilEmpty(): Effect.Effect<void> {
    return Effect.gen({ self: this }, function*() {
      const target = this.posted
      if (this.drainedUpTo(target)) return
      const done = yield* Deferred.make<void>()
      this.waiters.push({ target, done })
      yield* Deferred.await(done)
    })
  }

  private drainedUpTo(target: number): boolean {
    for (const subscriber of this.subscribers) if (subscriber.lastSeq < target) return false
    return true
  }

  private release(): void {
    if (this.waiters.length === 0) return
    const still: typeof this.waiters = []
    for (const waiter of this.waiters) {
      if (this.drainedUpTo(waiter.target)) Deferred.doneUnsafe(waiter.done, Effect.void)
      else still.push(waiter)
    }
    this.waiters = still
  }
}
