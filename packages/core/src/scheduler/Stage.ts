/**
 * Stages: the tasks that run the same pipelined narrow transformations, cut
 * at shuffle boundaries. A shuffle map stage writes a shuffle's map outputs;
 * a result stage runs the action's function. Implemented in `internal/scheduler/stage`.
 *
 * Mirrors `org.apache.spark.scheduler.Stage`, `ShuffleMapStage`, `ResultStage` and `ActiveJob`.
 *
 * @since 0.1.0
 */
import type * as internal from "../internal/scheduler/stage.js"

/**
 * A stage of the DAG scheduler.
 *
 * **Example**
 * ```ts
 * const kind = stage._tag // "ShuffleMapStage" | "ResultStage"
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export type Stage = internal.Stage

/**
 * A stage writing one shuffle's map outputs.
 *
 * @category models
 * @since 0.1.0
 */
export type ShuffleMapStage = internal.ShuffleMapStage

/**
 * The last stage of a job: runs the action's function on each partition.
 *
 * @category models
 * @since 0.1.0
 */
export type ResultStage = internal.ResultStage

/**
 * A job being run: its final stage and which of its partitions are done.
 *
 * @category models
 * @since 0.1.0
 */
export type ActiveJob = internal.ActiveJob

/**
 * A job as the DAG scheduler receives it.
 *
 * @category models
 * @since 0.1.0
 */
export type JobSubmission = internal.JobSubmission
