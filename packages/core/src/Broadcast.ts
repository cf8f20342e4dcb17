/**
 * Read-only values shared with every task, sent to each executor once.
 *
 * Mirrors `org.apache.spark.broadcast.Broadcast`.
 *
 * @since 0.1.0
 */
import { Data } from "effect"
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
        message: `Attempted to use broadcast ${this.id} after it was destroyed`
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
