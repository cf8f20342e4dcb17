/**
 * Where tasks run. The task scheduler hands a backend task descriptions for
 * its executors' free cores; the backend runs them and reports each result.
 * Implementations: `local/LocalSchedulerBackend` and `ClusterSchedulerBackend`.
 *
 * Mirrors `org.apache.spark.scheduler.SchedulerBackend`.
 *
 * @since 0.1.0
 */
import { Context, type Effect, type Scope } from "effect"
import type { ExecutorAllocationClient } from "./ExecutorAllocationClient.js"
import type { TaskDescription, TaskResult } from "./Task.js"

/**
 * What a backend needs of the driver's scheduler.
 *
 * @category models
 * @since 0.1.0
 */
export interface DriverEndpoint {
  /** Offers free cores; returns the tasks to launch on them. Call only from `reviveOffers`. */
  readonly resourceOffers: (
    offers: ReadonlyArray<{ readonly executorId: string; readonly host: string; readonly cores: number }>
  ) => Array<TaskDescription>
  /** Reports a finished task attempt (thread-safe: it posts to the scheduler's event loop). */
  readonly statusUpdate: (task: TaskDescription, result: TaskResult) => void
  readonly executorAdded: (executorId: string, host: string, cores: number) => void
  readonly executorLost: (executorId: string, reason: string) => void
}

/**
 * A scheduler backend.
 *
 * @category models
 * @since 0.1.0
 */
export interface SchedulerBackend {
  /** The number of partitions operations use by default (total cores). */
  readonly defaultParallelism: number
  /** Whether tasks are shipped as plans (so user functions must be shippable). */
  readonly shipsTasks: boolean
  /** Starts executors (fibers live in the scope) and registers them with the driver. */
  readonly start: (driver: DriverEndpoint) => Effect.Effect<void, never, Scope.Scope>
  /** Asks for free cores to be offered now. Called on the scheduler's event loop. */
  readonly reviveOffers: () => void
  /** Asks an executor to kill a task attempt. */
  readonly killTask: (taskId: number, executorId: string, reason: string) => void
  /**
   * The scheduler's event loop has handled a task's status update: its core is
   * free again. Freeing it here, not when the executor reports, keeps offers
   * in step with the task scheduler's running counts (as Spark's LocalEndpoint).
   */
  readonly taskFinished: (task: TaskDescription) => void
  /** The executors that are alive. */
  readonly executorIds: () => Array<string>
  /** Ends an executor (for tests of executor loss); backends without separate executors do nothing. */
  readonly killExecutor: (executorId: string) => Promise<void>
  /**
   * Requests and removes executors for dynamic allocation (Spark's backend is
   * an `ExecutorAllocationClient`); a backend that cannot start executors
   * refuses every call with a `DynamicAllocationUnsupportedError`.
   */
  readonly allocationClient: ExecutorAllocationClient
  /** @internal Per executor, how many shuffles' map statuses the driver holds as sent to it (backends that ship them). */
  readonly shuffleStatusesSent?: () => ReadonlyMap<string, number>
}

/**
 * The backend of one context, as a service: `LocalSchedulerBackend.layer`
 * (`local[N]`) or the cluster backend (`local-cluster`, `local-process`, `tcp://`).
 *
 * Mirrors `org.apache.spark.scheduler.SchedulerBackend`.
 *
 * **Example**
 * ```ts
 * const program = Effect.gen(function*() {
 *   const backend = yield* SchedulerBackend.Backend
 *   return backend.defaultParallelism
 * })
 * ```
 *
 * @category services
 * @since 0.1.0
 */
export class Backend extends Context.Service<Backend, SchedulerBackend>()("@tspark/core/scheduler/SchedulerBackend") {}
