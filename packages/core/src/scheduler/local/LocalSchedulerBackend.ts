/**
 * Runs tasks in this process on `cores` task slots (fibers), with one
 * executor named `driver`. Selected by the master strings `local`,
 * `local[N]`, `local[*]` and `local[N,F]`.
 *
 * Mirrors `org.apache.spark.scheduler.local.LocalSchedulerBackend`.
 *
 * @since 0.1.0
 */
import { type Context, Effect, Fiber, Layer, Queue, type Scope } from "effect"
import * as v8 from "node:v8"
import { prefetchFailure, prefetchInputs } from "../../internal/scheduler/prefetchInputs.js"
import { PendingKills, runTask } from "../../internal/scheduler/runTask.js"
import { StagePlanCache } from "../../internal/executor/stagePlanCache.js"
import { type DecodedStage, receiveTask, type ReceivedTask, type ShippedTask, shipTask } from "../../internal/scheduler/taskPlan.js"
import { SparkEnv } from "../../SparkEnv.js"
import { describeCause } from "../../SparkError.js"
import * as ExecutorAllocationClient from "../ExecutorAllocationClient.js"
import { Backend, type DriverEndpoint, type SchedulerBackend } from "../SchedulerBackend.js"
import type { TaskDescription, TaskResult } from "../Task.js"
import type { ExecutorEnv, TaskContext } from "../TaskContext.js"

/**
 * Runs tasks in this process on `cores` task slots (fibers), with one
 * executor named `driver`. Closures run as they are: nothing is shipped.
 * Selected by the master strings `local` and `local[N]`.
 *
 * Mirrors `org.apache.spark.scheduler.local.LocalSchedulerBackend`.
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
  private readonly kills = new PendingKills()
  /** Asynchronous tasks running now, by task id: a kill interrupts them. */
  private readonly runningAsync = new Map<number, TaskContext>()
  private queue: Queue.Queue<TaskDescription> | undefined
  /** Stages decoded by the shipped path, by plan id (`shipTasks`). */
  private readonly stages = new StagePlanCache<DecodedStage>()
  /** The services of the scope the backend started in (its logger). */
  private context: Context.Context<never> | undefined

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
      this.context = yield* Effect.context<never>()
      const queue = yield* Queue.unbounded<TaskDescription>()
      this.queue = queue
      const slot = Effect.forever(
        Effect.gen({ self: this }, function*() {
          const task = yield* Queue.take(queue)
          // Let the event loop and other fibers run between tasks.
          yield* Effect.yieldNow
          const killedReason = this.kills.take(task.taskId)
          const outcome = killedReason !== undefined
            ? { _tag: "TaskKilled", reason: killedReason } as const
            : this.run(task)
          // An asynchronous task holds its slot (its core) until it settles; runTask's promise never rejects.
          const result: TaskResult = outcome instanceof Promise ? yield* Effect.promise(() => outcome) : outcome
          this.kills.ended(task.taskId)
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
  private run(description: TaskDescription): TaskResult | Promise<TaskResult> {
    // Shipped first when tasks ship: its inputs are fetched for the RDDs the task runs, as on an executor.
    const now = this.env.nowMs ?? (() => 0)
    const decodeStart = now()
    const received = this.shipsTasks ? this.shipped(description) : { task: description, release: undefined }
    if ("_tag" in received) return received
    const { task, release } = received
    const deserializeTime = now() - decodeStart
    const outcome = this.runReceived(task, deserializeTime, now)
    if (release === undefined) return outcome
    if (!(outcome instanceof Promise)) {
      release()
      return outcome
    }
    return outcome.finally(release)
  }

  private runReceived(task: TaskDescription, deserializeTime: number, now: () => number): TaskResult | Promise<TaskResult> {
    // Input only an asynchronous client can read is fetched first; the task then runs synchronously over it.
    const inputs = prefetchInputs(task)
    if (inputs === undefined) return runTask(task, this.env, this.runningAsync, { deserializeTime, fetchWaitTime: 0 })
    const fetchStart = now()
    return inputs.then(() => {
      // Killed while its inputs were fetched: it does not start.
      const reason = this.kills.take(task.taskId)
      const before = { deserializeTime, fetchWaitTime: now() - fetchStart }
      if (reason === undefined) return runTask(task, this.env, this.runningAsync, before)
      return { _tag: "TaskKilled", reason } as const
    }, prefetchFailure)
  }

  /**
   * The task as an executor would receive it: through its shipped form (the
   * stage's plan only with the first task of the stage, decoded once and kept
   * in `stages`, as an executor keeps it).
   */
  private shipped(task: TaskDescription): ReceivedTask | TaskResult {
    try {
      const shipped = v8.deserialize(v8.serialize(shipTask(task, (planId) => this.stages.has(planId)))) as ShippedTask
      const received = receiveTask(shipped, this.stages)
      if (received === undefined) throw new Error(`the plan of task ${task.taskId}'s stage was not kept`)
      return received
    } catch (error) {
      return { _tag: "ExceptionFailure", error, message: `task ${task.taskId} could not be shipped: ${describeCause(error)}` }
    }
  }

  reviveOffers(): void {
    if (this.driver === undefined || this.queue === undefined || this.freeCores <= 0) return
    const tasks = this.driver.resourceOffers([
      { executorId: this.env.executorId, host: this.env.host, cores: this.freeCores }
    ])
    for (const task of tasks) {
      this.freeCores--
      this.kills.received(task.taskId)
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

  /** Refuses dynamic allocation: every task runs in the driver. */
  get allocationClient(): ExecutorAllocationClient.ExecutorAllocationClient {
    return ExecutorAllocationClient.unsupported(`local[${this.cores}]`)
  }

  killTask(taskId: number, _executorId: string, reason: string): void {
    // A running asynchronous task is interrupted (it decides how to end); a queued task is dropped before it starts.
    const warn = (message: string) => {
      if (this.context !== undefined) Effect.runForkWith(this.context)(Effect.logWarning(message))
    }
    this.kills.kill(this.runningAsync, taskId, reason, warn)
  }

  /** @internal Kills recorded for tasks that have not started yet (bounded by the tasks in flight). */
  get pendingKills(): number {
    return this.kills.size
  }
}

/**
 * The in-process backend over the driver's `SparkEnv`. With `shipTasks`,
 * every task goes through its shipped form first (`spark.tspark.local.shipTasks`).
 *
 * Mirrors `org.apache.spark.scheduler.local.LocalSchedulerBackend`.
 *
 * **Example**
 * ```ts
 * const backend = LocalSchedulerBackend.layer({ cores: 2, shipTasks: false })
 * ```
 *
 * @category layers
 * @since 0.1.0
 */
export const layer = (options: { readonly cores: number; readonly shipTasks: boolean }): Layer.Layer<Backend, never, SparkEnv> =>
  Layer.effect(
    Backend,
    Effect.gen(function*() {
      return new LocalSchedulerBackend(options.cores, yield* SparkEnv, options.shipTasks)
    })
  )
