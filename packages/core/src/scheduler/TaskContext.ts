/**
 * What a running task knows about itself and the executor it runs on.
 *
 * Mirrors `org.apache.spark.TaskContext`.
 *
 * @since 0.1.0
 */
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
}

/**
 * A task's context.
 *
 * **Example**
 * ```ts
 * rdd.mapPartitionsWithIndex((index, it) => [TaskContext.get()?.partitionId === index])
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export class TaskContext {
  private readonly completionListeners: Array<(ctx: TaskContext) => void> = []
  /** Local accumulator values of this attempt, merged by the driver only on success. */
  readonly accumulatorUpdates = new Map<number, unknown>()
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

  /** Marks the task as killed; long loops should check `isInterrupted`. */
  markInterrupted(): void {
    this.interrupted = true
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
 * driver). Tasks run synchronously, so this is always the caller's own task.
 *
 * @category getters
 * @since 0.1.0
 */
export const get = (): TaskContext | undefined => current

/** @internal */
export const setCurrent = (ctx: TaskContext | undefined): void => {
  current = ctx
}
