/**
 * Removes executors that stop answering: every message from an executor
 * counts as a heartbeat, and one silent for longer than the timeout is
 * expired (a hung thread is as lost as a dead one).
 *
 * Mirrors `org.apache.spark.HeartbeatReceiver`.
 *
 * @since 0.1.0
 */
import { Effect, type Scope } from "effect"

/**
 * How often to look for silent executors, how long silence may last, the
 * clock, and what to do with an expired executor.
 *
 * Mirrors `spark.executor.heartbeatInterval` and `spark.network.timeout` of `org.apache.spark.HeartbeatReceiver`.
 *
 * **Example**
 * ```ts
 * const options: HeartbeatReceiverOptions = { intervalMs: 1000, timeoutMs: 120_000, now: Date.now, expire: (id) => lose(id) }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface HeartbeatReceiverOptions {
  readonly intervalMs: number
  readonly timeoutMs: number
  /** Milliseconds now, on the clock the expiry loop sleeps on. */
  readonly now: () => number
  readonly expire: (executorId: string, reason: string) => void
}

/**
 * Tracks when each registered executor was last heard from.
 *
 * Mirrors `org.apache.spark.HeartbeatReceiver`.
 *
 * **Example**
 * ```ts
 * const receiver = new HeartbeatReceiver({ intervalMs: 1000, timeoutMs: 120_000, now: Date.now, expire: (id) => lose(id) })
 * yield* receiver.run()
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export class HeartbeatReceiver {
  private readonly lastSeen = new Map<string, number>()

  constructor(private readonly options: HeartbeatReceiverOptions) {}

  /** A registered executor is watched from now on. */
  executorAdded(executorId: string): void {
    this.lastSeen.set(executorId, this.options.now())
  }

  /** The executor was heard from. */
  heartbeat(executorId: string): void {
    if (this.lastSeen.has(executorId)) this.lastSeen.set(executorId, this.options.now())
  }

  executorRemoved(executorId: string): void {
    this.lastSeen.delete(executorId)
  }

  /** Expires every executor silent for longer than the timeout. */
  expireDeadHosts(): void {
    const now = this.options.now()
    for (const [executorId, last] of this.lastSeen) {
      if (now - last > this.options.timeoutMs) {
        this.lastSeen.delete(executorId)
        this.options.expire(executorId, `no heartbeat for ${now - last} ms`)
      }
    }
  }

  /** Checks every interval, in a fiber that ends with the scope. */
  run(): Effect.Effect<void, never, Scope.Scope> {
    return Effect.asVoid(Effect.forkScoped(Effect.forever(
      Effect.andThen(Effect.sleep(this.options.intervalMs), Effect.sync(() => this.expireDeadHosts()))
    )))
  }
}
