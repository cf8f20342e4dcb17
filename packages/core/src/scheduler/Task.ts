/**
 * Tasks as data: which RDD partition of which stage to compute, and what to do
 * with the records (return a result, or write shuffle output).
 *
 * Mirrors `org.apache.spark.scheduler.Task`, `ResultTask`, `ShuffleMapTask`
 * and `TaskDescription`.
 *
 * @since 0.1.0
 */
import type { TaskMetrics } from "../executor/TaskMetrics.js"
import type { ShuffleDependency } from "../rdd/Dependency.js"
import type { Partition } from "../rdd/Partition.js"
import type { RDD } from "../rdd/RDD.js"
import type { MapStatus } from "./MapOutputTracker.js"
import type { TaskContext } from "./TaskContext.js"

/**
 * Where a task would best run: a host, or an executor that caches its input.
 *
 * Mirrors `org.apache.spark.scheduler.TaskLocation`.
 *
 * @category models
 * @since 0.1.0
 */
export interface TaskLocation {
  readonly host: string
  readonly executorId?: string | undefined
}

/**
 * What a task computes. In this process the stage's final RDD is referenced
 * directly; an executor in another thread or process receives it as a plan.
 *
 * @category models
 * @since 0.1.0
 */
export type TaskBinary =
  | {
    readonly _tag: "ResultTask"
    readonly rdd: RDD<unknown>
    readonly func: (iterator: Iterator<unknown>, ctx: TaskContext) => unknown
  }
  | { readonly _tag: "ShuffleMapTask"; readonly rdd: RDD<unknown>; readonly dep: ShuffleDependency<RDD<unknown>> }

/**
 * One task attempt, as sent to an executor.
 *
 * @category models
 * @since 0.1.0
 */
export interface TaskDescription {
  readonly taskId: number
  readonly jobId: number
  readonly stageId: number
  readonly stageAttemptId: number
  /** The index of the task within its stage (the partition's position in the job). */
  readonly index: number
  readonly partition: Partition
  readonly attemptNumber: number
  readonly executorId: string
  readonly locality: string
  readonly localProperties: ReadonlyMap<string, string>
  readonly binary: TaskBinary
}

/**
 * How a task attempt ended, as reported by the executor. A task that ran
 * carries the metrics it measured (`metrics`); one that never started has none.
 *
 * @category models
 * @since 0.1.0
 */
export type TaskResult =
  | {
    readonly _tag: "Success"
    readonly value: unknown
    readonly accumulatorUpdates: ReadonlyMap<number, unknown>
    readonly metrics?: TaskMetrics | undefined
  }
  | {
    readonly _tag: "ShuffleMapSuccess"
    readonly status: MapStatus
    readonly accumulatorUpdates: ReadonlyMap<number, unknown>
    readonly metrics?: TaskMetrics | undefined
  }
  | {
    readonly _tag: "FetchFailed"
    readonly shuffleId: number
    readonly mapId: number
    readonly executorId: string | undefined
    readonly message: string
    readonly metrics?: TaskMetrics | undefined
  }
  | {
    readonly _tag: "ExceptionFailure"
    readonly error: unknown
    readonly message: string
    readonly metrics?: TaskMetrics | undefined
  }
  | { readonly _tag: "TaskKilled"; readonly reason: string }
