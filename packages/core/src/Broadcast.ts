/**
 * Read-only values shared with every task, sent to each executor once.
 *
 * Mirrors `org.apache.spark.broadcast.Broadcast`.
 *
 * @since 0.1.0
 */
import { Context, Data, Layer } from "effect"
import { NotShippable, registerReviver, shippedClass } from "./internal/closure/shipping.js"
import * as TaskContext from "./scheduler/TaskContext.js"

/**
 * The value of a broadcast variable an executor does not have: it was
 * destroyed (or never sent).
 *
 * @category getters
 * @since 0.1.0
 */
export const missingValue = (broadcastId: number): BroadcastDestroyedError =>
  new BroadcastDestroyedError({
    broadcastId,
    message: `Broadcast ${broadcastId} is not available on this executor: it was destroyed; create a new broadcast`
  })

/**
 * A broadcast variable was used after `destroy()`.
 *
 * @category errors
 * @since 0.1.0
 */
export class BroadcastDestroyedError extends Data.TaggedError("BroadcastDestroyedError")<{
  readonly broadcastId: number
  readonly message: string
}> {}

/**
 * A broadcast variable. Read `value` inside tasks.
 *
 * **Example**
 * ```ts
 * const stopWords = sc.broadcast(new Set(["a", "the"]))
 * words.filter((w) => !stopWords.value.has(w))
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export class Broadcast<T> {
  private destroyed = false

  /** @internal */
  constructor(readonly id: number, private readonly driverValue: T, private readonly onDestroy: (id: number) => void) {}

  /**
   * The value: on an executor, its local copy (fetched once per executor);
   * on the driver, the original. Throws `BroadcastDestroyedError` (failing the
   * task) after `destroy()`.
   */
  get value(): T {
    if (this.destroyed) {
      throw new BroadcastDestroyedError({
        broadcastId: this.id,
        message: `Attempted to use broadcast ${this.id} after it was destroyed: create a new broadcast of the value`
      })
    }
    const ctx = TaskContext.get()
    return ctx === undefined ? this.driverValue : ctx.env.getBroadcast(this.id) as T
  }

  /** Whether `destroy()` was called. */
  get isDestroyed(): boolean {
    return this.destroyed
  }

  /**
   * Removes the value from the driver and every executor (a `RemoveBroadcast`
   * message to each executor it was sent to); later reads fail.
   */
  destroy(): void {
    if (this.destroyed) return
    this.destroyed = true
    this.onDestroy(this.id)
  }

  /** @internal Ships as its id: executors fetch the value once each. A destroyed broadcast cannot ship. */
  toShipped(where: string): unknown {
    if (this.destroyed) {
      throw new NotShippable([], where, `it uses broadcast ${this.id}, which was destroyed (create a new broadcast)`)
    }
    return shippedClass("Broadcast", this.id)
  }
}

registerReviver("Broadcast", (id) => new Broadcast(id as number, undefined, () => {}))

/**
 * The driver's broadcast values: creates broadcasts and serves their values
 * to executors.
 *
 * Mirrors `org.apache.spark.broadcast.BroadcastManager`.
 *
 * **Example**
 * ```ts
 * const program = Effect.gen(function*() {
 *   const manager = yield* Broadcast.BroadcastManager
 *   const words = manager.newBroadcast(new Set(["a"]))
 *   return manager.getValue(words.id)
 * }).pipe(Effect.provide(Broadcast.layer))
 * ```
 *
 * @category services
 * @since 0.1.0
 */
export class BroadcastManager extends Context.Service<BroadcastManager, {
  /** Registers a value and returns its broadcast. */
  readonly newBroadcast: <T>(value: T) => Broadcast<T>
  /** A broadcast's value for an executor; throws when it was destroyed or never existed. */
  readonly getValue: (id: number) => unknown
  /** How many values the driver still holds (destroyed and collected broadcasts are dropped). */
  readonly size: () => number
  /**
   * Drops a broadcast's value from the driver and tells every removal
   * listener (the cluster backend, which removes it from its executors).
   * What `destroy()` and the garbage collection of a `Broadcast` call;
   * dropping an unknown or already dropped id does nothing.
   */
  readonly unbroadcast: (id: number) => void
  /** Calls `listener` with the id of each broadcast dropped from now on. */
  readonly addRemovalListener: (listener: (id: number) => void) => void
}>()("@tspark/core/Broadcast/BroadcastManager") {}

/**
 * A broadcast manager keeping values in this process.
 *
 * Mirrors `org.apache.spark.broadcast.BroadcastManager`.
 *
 * **Example**
 * ```ts
 * const program = Effect.provide(useBroadcasts, Broadcast.layer)
 * ```
 *
 * @category layers
 * @since 0.1.0
 */
export const layer: Layer.Layer<BroadcastManager> = Layer.sync(BroadcastManager, () => {
  const values = new Map<number, unknown>()
  let nextId = 0
  const listeners: Array<(id: number) => void> = []
  // Spark's BroadcastManager.unbroadcast(id, removeFromDriver = true): the
  // driver's value goes, and each listener removes it from its executors.
  const destroy = (id: number) => {
    if (!values.delete(id)) return
    for (const listener of listeners) listener(id)
  }
  // Spark's ContextCleaner drops a broadcast once its object is collected: no
  // RDD (or task built from one) can use it any more. A broadcast made per
  // batch is thus dropped once the batch's RDDs are forgotten.
  const registry = new FinalizationRegistry<number>(destroy)
  return BroadcastManager.of({
    newBroadcast: <T>(value: T) => {
      const id = nextId++
      values.set(id, value)
      const broadcast = new Broadcast(id, value, destroy)
      registry.register(broadcast, id)
      return broadcast
    },
    size: () => values.size,
    unbroadcast: destroy,
    addRemovalListener: (listener) => void listeners.push(listener),
    getValue: (id) => {
      if (!values.has(id)) throw missingValue(id)
      return values.get(id)
    }
  })
})
