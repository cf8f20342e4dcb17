/**
 * An asynchronous event bus: events are published to a `PubSub` and each
 * listener drains its own subscription on its own fiber, so a slow or failing
 * listener never blocks the scheduler that posts.
 *
 * Mirrors `org.apache.spark.util.ListenerBus` and `LiveListenerBus`.
 *
 * @since 0.1.0
 */
import { Effect, Fiber, PubSub, Scope, Stream, SubscriptionRef } from "effect"
import * as Logging from "./Logging.js"

interface Sequenced<E> {
  readonly seq: number
  readonly event: E
}

interface Subscriber {
  /** The sequence number of the last event this listener handled. */
  readonly lastSeq: SubscriptionRef.SubscriptionRef<number>
}

/**
 * A listener bus over events `E` and listeners `L`.
 *
 * **Example**
 * ```ts
 * const bus = yield* ListenerBus.make<SparkListenerEvent, SparkListener>(dispatch)
 * yield* bus.addListener({ onJobEnd: (e) => console.log(e.jobId) })
 * bus.post(event)
 * yield* bus.waitUntilEmpty()
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export class ListenerBus<E, L> {
  private posted = 0
  private readonly subscribers = new Set<Subscriber>()
  /** Events posted before `start` (when made held), delivered by it: Spark's LiveListenerBus queues until started. */
  private held: Array<E> | undefined

  private constructor(
    private readonly pubsub: PubSub.PubSub<Sequenced<E>>,
    private readonly deliver: (listener: L, event: E) => void,
    private readonly scope: Scope.Scope,
    private readonly onListenerError: (error: unknown) => void,
    startHeld: boolean
  ) {
    this.held = startHeld ? [] : undefined
  }

  /**
   * Creates a bus whose listener fibers live in the current scope.
   */
  static make<E, L>(
    deliver: (listener: L, event: E) => void,
    onListenerError: (error: unknown) => void = (error) => Logging.logUnsafe("Error", "listener failed", {}, error),
    options: {
      /** Hold posted events until `start`, so listeners added before it hear them (default false: started). */
      readonly startHeld?: boolean
    } = {}
  ): Effect.Effect<ListenerBus<E, L>, never, Scope.Scope> {
    return Effect.gen(function*() {
      const scope = yield* Effect.scope
      const pubsub = yield* PubSub.unbounded<Sequenced<E>>()
      yield* Effect.addFinalizer(() => PubSub.shutdown(pubsub))
      return new ListenerBus<E, L>(pubsub, deliver, scope, onListenerError, options.startHeld === true)
    })
  }

  /** Posts an event to every listener (without waiting for them). */
  post(event: E): void {
    if (this.held !== undefined) this.held.push(event)
    else PubSub.publishUnsafe(this.pubsub, { seq: ++this.posted, event })
  }

  /** Delivers the events held since the bus was made (a no-op once started). Mirrors `LiveListenerBus.start`. */
  start(): void {
    const held = this.held
    if (held === undefined) return
    this.held = undefined
    for (const event of held) this.post(event)
  }

  /** Adds a listener; it hears every event posted from now on. */
  addListener(listener: L): Effect.Effect<void> {
    return Effect.gen({ self: this }, function*() {
      const subscription = yield* Scope.provide(PubSub.subscribe(this.pubsub), this.scope)
      const subscriber: Subscriber = { lastSeq: yield* SubscriptionRef.make(this.posted) }
      this.subscribers.add(subscriber)
      const loop = Effect.forever(
        Effect.flatMap(PubSub.take(subscription), ({ event, seq }) => {
          try {
            this.deliver(listener, event)
          } catch (error) {
            this.onListenerError(error)
          }
          return SubscriptionRef.set(subscriber.lastSeq, seq)
        })
      )
      const fiber = yield* Effect.forkIn(loop, this.scope)
      yield* Scope.addFinalizer(
        this.scope,
        Effect.sync(() => this.subscribers.delete(subscriber)).pipe(
          Effect.andThen(Fiber.interrupt(fiber))
        )
      )
    })
  }

  /** Waits until every listener has handled every event posted so far. */
  waitUntilEmpty(): Effect.Effect<void> {
    return Effect.suspend(() => {
      const target = this.posted
      return Effect.forEach(
        [...this.subscribers],
        ({ lastSeq }) =>
          SubscriptionRef.getUnsafe(lastSeq) >= target ? Effect.void : SubscriptionRef.changes(lastSeq).pipe(
            Stream.filter((seq) => seq >= target),
            Stream.take(1),
            Stream.runDrain
          ),
        { discard: true }
      )
    })
  }
}
