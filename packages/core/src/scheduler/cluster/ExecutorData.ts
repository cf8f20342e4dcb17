/**
 * What the driver's cluster backend knows of one executor.
 *
 * Mirrors `org.apache.spark.scheduler.cluster.ExecutorData`.
 *
 * @since 0.1.0
 */
import type { ToExecutor } from "../../internal/executor/protocol.js"
import { defaultStagePlanCapacity } from "../../internal/executor/stagePlanCache.js"
import { BoundedLru } from "../../internal/util/boundedLru.js"

/**
 * The driver's end of one executor's channel (a worker thread's port, or a
 * TCP connection).
 *
 * Mirrors the `executorEndpoint` of `org.apache.spark.scheduler.cluster.ExecutorData`.
 *
 * **Example**
 * ```ts
 * const connection: ExecutorConnection = { post: (m) => worker.postMessage(m), terminate: () => worker.terminate().then(() => {}) }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface ExecutorConnection {
  readonly post: (message: ToExecutor) => void
  /** Ends the executor (terminates the thread, or SIGKILLs the process). */
  readonly terminate: () => Promise<void>
}

/**
 * One executor's state on the driver: its channel, its cores, and what it
 * already holds (broadcast values, stage plans, shuffles' map statuses).
 *
 * Mirrors `org.apache.spark.scheduler.cluster.ExecutorData`.
 *
 * **Example**
 * ```ts
 * const offer = { executorId: data.id, host: data.host, cores: data.freeCores }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface ExecutorData {
  readonly id: string
  readonly connection: ExecutorConnection
  host: string
  cores: number
  freeCores: number
  /** Its `Registered` message arrived (a connection may precede it). */
  registered: boolean
  alive: boolean
  /**
   * Why the driver ended it (`killExecutor`, dynamic allocation): it is not
   * replaced, and its running tasks' failures count only when the reason says so.
   */
  killedByDriver?: string
  readonly sentBroadcasts: Set<number>
  /** The stage plans last sent to it (bounded as its own cache is): their later tasks go without them. */
  readonly sentPlans: BoundedLru<number, true>
  /**
   * The version of each shuffle's map statuses it holds (shuffle id to
   * `MapOutputTracker.statusesVersion`): a task sends them only when they
   * changed since. A shuffle leaves it when it is removed (as the executor
   * drops its statuses on `RemoveShuffle`), and all of it when the executor is lost.
   */
  readonly sentShuffles: Map<number, number>
}

/**
 * The state of an executor that has just connected: not registered yet, holding nothing.
 *
 * Mirrors the `ExecutorData` Spark's `DriverEndpoint` makes when an executor registers.
 *
 * **Example**
 * ```ts
 * const executor = ExecutorData.make("exec-0", connection)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (id: string, connection: ExecutorConnection): ExecutorData => ({
  id,
  connection,
  host: "localhost",
  cores: 0,
  freeCores: 0,
  registered: false,
  alive: true,
  sentBroadcasts: new Set(),
  sentPlans: new BoundedLru(defaultStagePlanCapacity),
  sentShuffles: new Map()
})
