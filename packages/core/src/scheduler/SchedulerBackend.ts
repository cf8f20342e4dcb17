/**
 * Where tasks run. The task scheduler hands a backend task descriptions for
 * its executors' free cores; the backend runs them and reports each result.
 *
 * Mirrors `org.apache.spark.scheduler.SchedulerBackend` and
 * `LocalSchedulerBackend`.
 *
 * @since 0.1.0
 */
import { Effect, Fiber, Queue, type Scope } from "effect"
import * as v8 from "node:v8"
import { runTask } from "../internal/scheduler/runTask.js"
import { receiveTask, shipTask } from "../internal/scheduler/taskPlan.js"
import { describeCause } from "../SparkError.js"
import type { TaskDescription, TaskResult } from "./Task.js"
import type { ExecutorEnv } from "./TaskContext.js"

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
}

/**
 * Runs tasks in this process on `cores` task slots (fibers), with one
 * executor named `driver`. Closures run as they are: nothing is shipped.
 * Selected by the master strings `local` and `local[N]`.
 *
 * **Example**
 * ```ts
 * const backend = new LocalSchedulerBackend(2, env)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export class LocalSchedulerBackend implements SchedulerBackend {
  private freeCores: number
  private driver: DriverEndpoint | undefined
  private readonly killed = new Map<number, string>()
  private queue: Queue.Queue<TaskDescription> | undefined

  /**
   * With `shipTasks`, every task goes through the form an executor elsewhere
   * receives (plan encoded, serialized, decoded) before it runs here: a
   * testing aid that checks tasks are really data (`spark.tspark.local.shipTasks`).
   */
  constructor(readonly cores: number, private readonly env: ExecutorEnv, readonly shipsTasks = false) {
    this.freeCores = cores
  }

  get defaultParallelism(): number {
    return this.cores
  }

  start(driver: DriverEndpoint): Effect.Effect<void, never, Scope.Scope> {
    return Effect.gen({ self: this }, function*() {
      this.driver = driver
      const queue = yield* Queue.unbounded<TaskDescription>()
      this.queue = queue
      const slot = Effect.forever(
        Effect.gen({ self: this }, function*() {
          const task = yield* Queue.take(queue)
          // Let the event loop and other fibers run between tasks.
          yield* Effect.yieldNow
          const killedReason = this.killed.get(task.taskId)
          this.killed.delete(task.taskId)
          const result: TaskResult = killedReason !== undefined
            ? { _tag: "TaskKilled", reason: killedReason }
            : this.run(task)
          driver.statusUpdate(task, result)
        })
      )
      for (let i = 0; i < this.cores; i++) {
        const fiber = yield* Effect.forkScoped(slot)
        yield* Effect.addFinalizer(() => Fiber.interrupt(fiber))
      }
      driver.executorAdded(this.env.executorId, this.env.host, this.cores)
    })
  }

  /** Runs a task; a task that cannot even be decoded fails like any other task, never the slot. */
  private run(task: TaskDescription): TaskResult {
    if (!this.shipsTasks) return runTask(task, this.env)
    let received: TaskDescription
    try {
      received = receiveTask(v8.deserialize(v8.serialize(shipTask(task))))
    } catch (error) {
      return { _tag: "ExceptionFailure", error, message: `task ${task.taskId} could not be shipped: ${describeCause(error)}` }
    }
    return runTask(received, this.env)
  }

  reviveOffers(): void {
    if (this.driver === undefined || this.queue === undefined || this.freeCores <= 0) return
    const tasks = this.driver.resourceOffers([
      { executorId: this.env.executorId, host: this.env.host, cores: this.freeCores }
    ])
    for (const task of tasks) {
      this.freeCores--
      Queue.offerUnsafe(this.queue, task)
    }
  }

  taskFinished(): void {
    this.freeCores++
  }

  executorIds(): Array<string> {
    return [this.env.executorId]
  }

  killExecutor(): Promise<void> {
    return Promise.resolve()
  }

  killTask(taskId: number, _executorId: string, reason: string): void {
    // Tasks run synchronously once started; a queued task is dropped before it starts.
    this.killed.set(taskId, reason)
  }
}
