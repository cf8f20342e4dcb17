/**
 * Turns the DAG scheduler's task sets into task launches on the backend's
 * free cores, retries failed tasks, and reports task starts and ends back to
 * the DAG scheduler. Runs on the context's event loop.
 *
 * Mirrors `org.apache.spark.scheduler.TaskScheduler` and `TaskSchedulerImpl`.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer, type Scope } from "effect"
import type { SchedulerConf } from "../internal/scheduler/pool.js"
import { type TaskSchedulerListener, TaskSchedulerImpl } from "../internal/scheduler/taskSchedulerImpl.js"
import type { TaskSet } from "../internal/scheduler/taskSetManager.js"
import { DAGSchedulerEventProcessLoop } from "./DAGSchedulerEventProcessLoop.js"
import { Backend } from "./SchedulerBackend.js"
import type { TaskDescription, TaskResult } from "./Task.js"

/**
 * The task scheduler of one context.
 *
 * Mirrors `org.apache.spark.scheduler.TaskScheduler`.
 *
 * **Example**
 * ```ts
 * const program = Effect.gen(function*() {
 *   const scheduler = yield* TaskScheduler.TaskScheduler
 *   scheduler.reviveOffers()
 * })
 * ```
 *
 * @category services
 * @since 0.1.0
 */
export class TaskScheduler extends Context.Service<TaskScheduler, {
  /** Queues a stage attempt's tasks; a new attempt of a stage supersedes the old one. */
  readonly submitTasks: (taskSet: TaskSet) => void
  /** Stops scheduling a stage's tasks and asks the backend to kill those running. */
  readonly cancelTasks: (stageId: number) => void
  /** A task attempt ended: record it, and free its core on the backend. */
  readonly statusUpdate: (task: TaskDescription, result: TaskResult) => void
  readonly executorAdded: (executorId: string, host: string) => void
  /** Forgets an executor; its running tasks end as killed ("executor lost"). */
  readonly executorLost: (executorId: string, reason: string) => void
  /** Offers the backend's free cores now. */
  readonly reviveOffers: () => void
  /** Who hears task starts and ends (the DAG scheduler). */
  readonly setDAGScheduler: (listener: TaskSchedulerListener) => void
  /** Starts the backend and the periodic revive of offers, in the current scope. */
  readonly start: Effect.Effect<void, never, Scope.Scope>
}>()("@tspark/core/scheduler/TaskScheduler") {}

/**
 * Options of the task scheduler, read from the configuration.
 *
 * Mirrors the settings of org.apache.spark.scheduler.TaskSchedulerImpl.
 *
 * **Example**
 * ```ts
 * const options = { maxFailures: 4, localityWaitMs: 3000, schedulerConf: { mode: "FIFO", pools: [] }, reviveIntervalMs: 1000 }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface TaskSchedulerOptions {
  /** Attempts of one task before its stage is aborted (`spark.task.maxFailures`). */
  readonly maxFailures: number
  /** How long to wait for a better locality level (`spark.locality.wait`). */
  readonly localityWaitMs: number
  /** FIFO or FAIR, and the FAIR pools. */
  readonly schedulerConf: SchedulerConf
  /** How often offers are revived without an event (`spark.scheduler.revive.interval`). */
  readonly reviveIntervalMs: number
  /** Pending tasks with no executor for this long fail (`spark.scheduler.executorWaitTimeout`, default 60 s). */
  readonly executorWaitTimeoutMs?: number
}

/**
 * The task scheduler over the context's backend and event loop.
 *
 * Mirrors `org.apache.spark.scheduler.TaskSchedulerImpl`.
 *
 * **Example**
 * ```ts
 * const scheduler = TaskScheduler.layer(options)
 * ```
 *
 * @category layers
 * @since 0.1.0
 */
export const layer = (
  options: TaskSchedulerOptions
): Layer.Layer<TaskScheduler, never, Backend | DAGSchedulerEventProcessLoop> =>
  Layer.effect(
    TaskScheduler,
    Effect.gen(function*() {
      const backend = yield* Backend
      const loop = yield* DAGSchedulerEventProcessLoop
      const impl = new TaskSchedulerImpl(
        options.maxFailures,
        options.localityWaitMs,
        options.schedulerConf,
        options.executorWaitTimeoutMs
      )
      return TaskScheduler.of({
        submitTasks: (taskSet) => impl.submitTasks(taskSet, loop.now()),
        cancelTasks: (stageId) => {
          for (const task of impl.cancelTasks(stageId)) backend.killTask(task.taskId, task.executorId, "stage cancelled")
        },
        statusUpdate: (task, result) => {
          impl.statusUpdate(task.taskId, result)
          backend.taskFinished(task)
        },
        executorAdded: (executorId, host) => impl.executorAdded(executorId, host),
        executorLost: (executorId, reason) => {
          for (const task of impl.executorLost(executorId)) {
            impl.statusUpdate(task.taskId, { _tag: "TaskKilled", reason: `executor lost: ${reason}` })
          }
        },
        reviveOffers: () => backend.reviveOffers(),
        setDAGScheduler: (listener) => impl.setDAGScheduler(listener),
        start: Effect.gen(function*() {
          yield* Effect.forkScoped(Effect.forever(
            Effect.andThen(Effect.sleep(options.reviveIntervalMs), Effect.sync(() => loop.post({ _tag: "ReviveOffers" })))
          ))
          yield* backend.start({
            resourceOffers: (offers) => impl.resourceOffers(offers, loop.now()),
            statusUpdate: (task, result) => loop.post({ _tag: "StatusUpdate", task, result }),
            executorAdded: (executorId, host, cores) => loop.post({ _tag: "ExecutorAdded", executorId, host, cores }),
            executorLost: (executorId, reason) => loop.post({ _tag: "ExecutorLost", executorId, reason })
          })
        })
      })
    })
  )
