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

  /** Removes the value from every executor; later reads fail. */
  destroy(): void {
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
  const destroy = (id: number) => void values.delete(id)
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
    getValue: (id) => {
      if (!values.has(id)) throw missingValue(id)
      return values.get(id)
    }
  })
})
