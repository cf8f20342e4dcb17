/**
 * Schedules the tasks of one stage attempt: offers them by locality level
 * (with delay scheduling), retries failed tasks up to `spark.task.maxFailures`,
 * and aborts the task set past it. Implemented in `internal/scheduler/taskSetManager`.
 *
 * Mirrors `org.apache.spark.scheduler.TaskSetManager` and `TaskSet`.
 *
 * @since 0.1.0
 */
import type * as internal from "../internal/scheduler/taskSetManager.js"

/**
 * The tasks of one stage attempt, as the DAG scheduler submits them.
 *
 * **Example**
 * ```ts
 * taskScheduler.submitTasks(taskSet)
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export type TaskSet = internal.TaskSet

/**
 * A locality level, best first: `PROCESS_LOCAL`, `NODE_LOCAL`, `NO_PREF`, `ANY`.
 *
 * @category models
 * @since 0.1.0
 */
export type Locality = internal.Locality

/**
 * The manager of one task set.
 *
 * @category models
 * @since 0.1.0
 */
export type TaskSetManager = internal.TaskSetManager
