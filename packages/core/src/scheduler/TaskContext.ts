/**
 * What a running task knows about itself and the executor it runs on.
 *
 * Mirrors `org.apache.spark.TaskContext`.
 *
 * @since 0.1.0
 */
import { TaskMetricsCollector } from "../executor/TaskMetrics.js"
import type { ExecutorRpc } from "../rpc/RpcEndpoint.js"
import type { SparkConf } from "../SparkConf.js"
import type { BlockManager } from "../storage/BlockManager.js"
import type { MapOutputTracker } from "./MapOutputTracker.js"

/**
 * The services of an executor that tasks use: its block manager, the map
 * output locations, broadcast values.
 *
 * Mirrors `org.apache.spark.SparkEnv`.
 *
 * @category models
 * @since 0.1.0
 */
export interface ExecutorEnv {
  readonly executorId: string
  readonly host: string
  readonly conf: SparkConf
  readonly blockManager: BlockManager
  readonly mapOutputTracker: MapOutputTracker
  /** The value of a broadcast variable, fetched once per executor. */
  readonly getBroadcast: (broadcastId: number) => unknown
  /** Messages and asks to the driver's RPC endpoints, and endpoints of this executor (see `rpc/RpcEnv`). */
  readonly rpc: ExecutorRpc
  /**
   * Milliseconds (fractional, monotonic) on the clock of the executor's
   * services, for task metrics; absent, metrics times are 0.
   */
  readonly nowMs?: (() => number) | undefined
}

/**
 * A task's context. A result task's function may return a Promise: the task
 * then runs until it settles (holding its core), and its context stays valid
 * through it. Such an asynchronous task uses the `ctx` argument after its
 * first `await`: `TaskContext.get()` (and what reads it, as accumulators)
 * only sees the synchronous part. It should also read its partition's
 * iterator before its first `await`. A killed task learns of it through
 * `isInterrupted` and `addTaskInterruptListener`.
 *
 * **Example**
 * ```ts
 * rdd.mapPartitionsWithIndex((index, it) => [TaskContext.get()?.partitionId === index])
 * sc.runJob(rdd, async (it, ctx) => {
 *   const stopped = new Promise<void>((resolve) => ctx.addTaskInterruptListener(() => resolve()))
 *   await stopped
 *   return ctx.isInterrupted()
 * })
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export class TaskContext {
  private readonly completionListeners: Array<(ctx: TaskContext) => void> = []
  private readonly interruptListeners: Array<(ctx: TaskContext) => void> = []
  private killReason: string | undefined
  /** Local accumulator values of this attempt, merged by the driver only on success. */
  readonly accumulatorUpdates = new Map<number, unknown>()
  /** What this attempt measures as it runs (Spark's `TaskContext.taskMetrics()`). */
  readonly taskMetrics = new TaskMetricsCollector()
  private interrupted = false

  constructor(
    readonly stageId: number,
    readonly stageAttemptNumber: number,
    readonly partitionId: number,
    readonly attemptNumber: number,
    readonly taskAttemptId: number,
    readonly localProperties: ReadonlyMap<string, string>,
    readonly env: ExecutorEnv
  ) {}

  /** Whether the task was asked to stop (its job was cancelled). */
  isInterrupted(): boolean {
    return this.interrupted
  }

  /** Why the task was killed, once it was. */
  getKillReason(): string | undefined {
    return this.killReason
  }

  /**
   * Marks the task as killed (long loops should check `isInterrupted`) and
   * runs its interrupt listeners once; returns what they threw, so that a
   * failing listener neither stops the others nor the caller.
   */
  markInterrupted(reason = "killed"): Array<unknown> {
    if (this.interrupted) return []
    this.interrupted = true
    this.killReason = reason
    const errors: Array<unknown> = []
    for (const listener of this.interruptListeners) {
      try {
        listener(this)
      } catch (error) {
        errors.push(error)
      }
    }
    return errors
  }

  /**
   * Runs `f` when the task is killed (its job cancelled), at once if it
   * already was: an asynchronous task ends its promise from it.
   *
   * Mirrors Spark's task-interruption hook (`TaskContext.isInterrupted` checked by a listener).
   */
  addTaskInterruptListener(f: (ctx: TaskContext) => void): this {
    if (this.interrupted) f(this)
    else this.interruptListeners.push(f)
    return this
  }

  /** Runs `f` when the task ends, successfully or not. */
  addTaskCompletionListener(f: (ctx: TaskContext) => void): this {
    this.completionListeners.push(f)
    return this
  }

  /** A local property set on the job (`spark.jobGroup.id`, ...). */
  getLocalProperty(key: string): string | undefined {
    return this.localProperties.get(key)
  }

  /** @internal */
  markTaskCompleted(): void {
    for (const listener of this.completionListeners) listener(this)
  }
}

let current: TaskContext | undefined

/**
 * The context of the task running now, or `undefined` outside a task (on the
 * driver). Valid in a task's synchronous part only: after an `await`, an
 * asynchronous task uses the `ctx` argument its function was given.
 *
 * @category getters
 * @since 0.1.0
 */
export const get = (): TaskContext | undefined => current

/** @internal */
export const setCurrent = (ctx: TaskContext | undefined): void => {
  current = ctx
}
